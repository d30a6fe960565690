import type { ComposeConfig, ComposeResource, ComposeService } from './compose-model.js';
import { LABEL, sideProject } from './names.js';

/**
 * The side targets' own compose project: run once, shared by both colours,
 * on the app's networks under the names compose gave them, so the colours
 * reach them by service name. Networks and named volumes are external:
 * bluegreen creates them, and `down` of one colour never removes them.
 */
export function renderSideProject(config: ComposeConfig, app: string, sideTargets: string[]): ComposeConfig {
  const services: Record<string, ComposeService> = {};
  const networks: Record<string, ComposeResource> = {};
  const volumes: Record<string, ComposeResource> = {};
  for (const name of sideTargets) {
    const service = config.services[name]!;
    const dependsOn = Object.fromEntries(Object.entries(service.depends_on ?? {}).filter(([dep]) => sideTargets.includes(dep)));
    services[name] = {
      ...service,
      depends_on: Object.keys(dependsOn).length ? dependsOn : undefined,
      // A Traefik with exposedByDefault=true would route every container it
      // sees: a side target is routed only if its own labels ask for it.
      labels: { 'traefik.enable': 'false', ...service.labels, [LABEL.managed]: 'true', [LABEL.app]: app, [LABEL.role]: 'side' },
    };
    if (!services[name]!.depends_on) delete services[name]!.depends_on;
    for (const key of Object.keys(service.networks ?? { default: null })) networks[key] = externalOf(config.networks?.[key], `${config.name}_${key}`);
    const mounts = (service.volumes as { type?: string; source?: string }[] | undefined) ?? [];
    for (const mount of mounts) {
      if (mount.type === 'volume' && mount.source) volumes[mount.source] = externalOf(config.volumes?.[mount.source], `${config.name}_${mount.source}`);
    }
  }
  return {
    name: sideProject(app),
    services,
    networks,
    ...(Object.keys(volumes).length ? { volumes } : {}),
  };
}

const externalOf = (resource: ComposeResource | null | undefined, fallback: string): ComposeResource => ({
  name: resource?.name ?? fallback,
  external: true,
});

/** Networks and volumes (by their docker names) a set of rendered projects need to exist. */
export function externalResources(...projects: ComposeConfig[]): { networks: string[]; volumes: string[] } {
  const names = (kind: 'networks' | 'volumes') => [
    ...new Set(projects.flatMap((project) => Object.values(project[kind] ?? {}).map((resource) => resource?.name).filter((n): n is string => !!n))),
  ];
  return { networks: names('networks'), volumes: names('volumes') };
}
