import type { ComposeConfig, ComposeResource, ComposeService } from './compose-model.js';
import { LABEL, sideProject } from './names.js';

/** Where the side targets run, and whether bluegreen labels them (plan/side-project.ts). */
export interface SideProjectStyle {
  /**
   * The app's own compose project (`<app>`), where `docker compose up` runs
   * them today, so a deploy finds them running and leaves them be; or
   * `<app>-side` where an older bluegreen started them (and in swarm mode).
   */
  project: string;
  /** Older bluegreen's (and swarm mode's) labels: bluegreen's own, and traefik.enable=false unless the target routes itself. */
  labelled: boolean;
}

/** Side targets where they run as plain compose runs them: the app's project, their labels as written. */
export const plainSideProject = (app: string): SideProjectStyle => ({ project: app, labelled: false });
/** Where an older bluegreen ran them (and swarm mode's side stack). */
export const labelledSideProject = (app: string): SideProjectStyle => ({ project: sideProject(app), labelled: true });

/**
 * The side targets' compose project: run once, shared by both colours, on
 * the app's networks under the names compose gave them, so the colours
 * reach them by service name; as plain compose runs them, their own Traefik
 * routers included. Networks and named volumes are external: bluegreen
 * creates them, and `down` of one colour never removes them.
 */
export function renderSideProject(config: ComposeConfig, app: string, sideTargets: string[], style: SideProjectStyle = plainSideProject(app)): ComposeConfig {
  const services: Record<string, ComposeService> = {};
  const networks: Record<string, ComposeResource> = {};
  const volumes: Record<string, ComposeResource> = {};
  for (const name of sideTargets) {
    const service = config.services[name]!;
    const dependsOn = Object.fromEntries(Object.entries(service.depends_on ?? {}).filter(([dep]) => sideTargets.includes(dep)));
    services[name] = {
      ...service,
      depends_on: Object.keys(dependsOn).length ? dependsOn : undefined,
      labels: style.labelled ? labelledSideLabels(service.labels ?? {}, app) : service.labels,
    };
    if (!services[name]!.labels) delete services[name]!.labels;
    if (!services[name]!.depends_on) delete services[name]!.depends_on;
    for (const key of Object.keys(service.networks ?? { default: null })) networks[key] = externalOf(config.networks?.[key], `${config.name}_${key}`);
    const mounts = (service.volumes as { type?: string; source?: string }[] | undefined) ?? [];
    for (const mount of mounts) {
      if (mount.type === 'volume' && mount.source) volumes[mount.source] = externalOf(config.volumes?.[mount.source], `${config.name}_${mount.source}`);
    }
  }
  return {
    name: style.project,
    services,
    networks,
    ...(Object.keys(volumes).length ? { volumes } : {}),
  };
}

/**
 * Before side targets ran in the app's own project, bluegreen labelled them
 * and set traefik.enable=false (for a Traefik with exposedByDefault=true),
 * which switched off a side target's own routers: not where it routes itself.
 */
function labelledSideLabels(labels: Record<string, string>, app: string): Record<string, string> {
  const routesItself = Object.keys(labels).some((key) => /^traefik\.(http|tcp|udp)\.routers\./.test(key));
  return { ...(routesItself ? {} : { 'traefik.enable': 'false' }), ...labels, [LABEL.managed]: 'true', [LABEL.app]: app, [LABEL.role]: 'side' };
}

const externalOf = (resource: ComposeResource | null | undefined, fallback: string): ComposeResource => ({
  name: resource?.name ?? fallback,
  external: true,
});

/** Networks and volumes (by their docker names) a set of rendered projects need to exist. */
export function externalResources(...projects: ComposeConfig[]): { networks: string[]; volumes: string[] } {
  const names = (kind: 'networks' | 'volumes') => [
    ...new Set(
      projects.flatMap((project) =>
        Object.values(project[kind] ?? {})
          .map((resource) => resource?.name)
          .filter((n): n is string => !!n),
      ),
    ),
  ];
  return { networks: names('networks'), volumes: names('volumes') };
}
