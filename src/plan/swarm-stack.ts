import { usageError } from '../errors.js';
import type { Colour } from './colour.js';
import { renderColourProject } from './colour-project.js';
import { companionCount, type ComposeConfig, type ComposeService } from './compose-model.js';
import type { RoutingMode } from './labels.js';
import { LABEL, serviceName } from './names.js';
import type { Release } from './release.js';
import { labelledSideProject, renderSideProject } from './side-project.js';

/**
 * Swarm mode: each colour is a stack (`docker stack deploy`) of the same
 * project single-host bluegreen renders, with these differences, which Traefik's swarm
 * provider and this engine need:
 * - Traefik's labels and bluegreen's go on the service (`deploy.labels`),
 *   not its tasks: a switch then changes the service's labels only, and
 *   swarm replaces no task. The swarm provider reads service labels only.
 * - `traefik.docker.*` becomes `traefik.swarm.*` and `@docker` references
 *   `@swarm` (Traefik skips a service that mixes the two).
 * - Tasks are reached by their own IPs (`endpoint_mode: dnsrr`): no virtual
 *   IP, which needs IPVS in the kernel, and Traefik balances over the tasks
 *   it sees, as it does over containers.
 * - The image is named (every node must find it), not an engine-local ID.
 */

/** Labels that stay on the task's containers: fixed for the colour's whole launch. */
const CONTAINER_LABELS: string[] = [LABEL.managed, LABEL.app, LABEL.colour, LABEL.release];

/** A label of the docker provider as the swarm provider spells it. */
export function forSwarmProvider(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    // Only Traefik's own labels name this provider's objects: bluegreen's (the excluded routers) keep Traefik's names as read.
    Object.entries(labels).map(([key, value]) => [key.replace(/^traefik\.docker\./, 'traefik.swarm.'), key.startsWith('traefik.') ? value.replace(/@docker\b/g, '@swarm') : value]),
  );
}

/** A compose service as a swarm service: routing labels on the service, `replicas`, tasks reached by their IPs. */
export function asSwarmService(service: ComposeService, replicas: number, image: string): ComposeService {
  const labels = service.labels ?? {};
  const routingLabels = Object.fromEntries(Object.entries(labels).filter(([key]) => key.startsWith('traefik.') || (key.startsWith('io.bluegreen.') && !CONTAINER_LABELS.includes(key))));
  const containerLabels = Object.fromEntries(Object.entries(labels).filter(([key]) => !(key in routingLabels)));
  const deploy = (service.deploy ?? {}) as Record<string, unknown>;
  // container_name cannot run twice, depends_on is not swarm's (the healthchecks order the start).
  const { container_name: _name, depends_on: _dependsOn, ...rest } = service;
  // compose's resolved file says `entrypoint: null` for "the image's": stack deploy's loader refuses null there.
  const set = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== null));
  return {
    ...set,
    image,
    labels: containerLabels,
    deploy: {
      ...deploy,
      replicas,
      endpoint_mode: 'dnsrr',
      labels: {
        ...((deploy.labels as Record<string, string> | undefined) ?? {}),
        ...forSwarmProvider(routingLabels),
        ...Object.fromEntries(CONTAINER_LABELS.filter((key) => key in labels).map((key) => [key, labels[key]!])),
      },
    },
  };
}

/** Traefik's health check of the live service's tasks: the probe every end-to-end check asks, once a second. */
export interface LiveHealthCheck {
  path: string;
  host?: string;
}

/**
 * Traefik drops a task from its list at its next poll after swarm says it
 * is gone, and swarm says so of a lost node only once it misses its
 * heartbeats (~12 s here): Traefik's own health check takes a task that
 * stops answering out within a second, and the colour's retry middleware
 * resends what found it first.
 */
const liveHealthLabels = (service: string, check: LiveHealthCheck): Record<string, string> => {
  const prefix = `traefik.http.services.${service}.loadbalancer.healthcheck`;
  return { [`${prefix}.path`]: check.path, [`${prefix}.interval`]: '1s', [`${prefix}.timeout`]: '1s', ...(check.host ? { [`${prefix}.hostname`]: check.host } : {}) };
};

/** One colour's stack: the release's target with the colour's routing, `replicas` tasks; live, with Traefik's health check. */
export function renderColourStack(release: Release, colour: Colour, mode: RoutingMode, gateway: string, replicas: number, image: string, check?: LiveHealthCheck): ComposeConfig {
  // A release made on one host with a routed companion: swarm mode would run it without that companion's routes.
  const routed = Object.keys(release.companionRouting ?? {});
  if (routed.length) {
    throw usageError(
      `release ${release.number} routes ${routed.join(', ')} beside ${release.target}: several routed targets are not in swarm mode yet (workers are)`,
      'deploy a release whose other targets are workers in swarm mode',
    );
  }
  const project = renderColourProject(release, colour, mode, gateway);
  const service = project.services[release.target]!;
  const health = mode.kind === 'live' && check ? liveHealthLabels(serviceName(release.app, colour), check) : {};
  // Workers: their specs do not depend on the routing, so a switch's redeploy leaves their tasks alone.
  const workers = Object.entries(release.companions ?? {}).map(([name, spec]) => [name, asSwarmService(project.services[name]!, companionCount(spec), spec.image!)] as const);
  return { ...project, services: { [release.target]: asSwarmService({ ...service, labels: { ...service.labels, ...health } }, replicas, image), ...Object.fromEntries(workers) } };
}

/** The side targets' stack: as the single-host side project, each service run once, reached by name. */
export function renderSideStack(config: ComposeConfig, app: string, sideTargets: string[]): ComposeConfig {
  const project = renderSideProject(config, app, sideTargets, labelledSideProject(app));
  const services = Object.fromEntries(
    Object.entries(project.services).map(([name, service]) => [name, asSwarmService(service, service.deploy?.replicas ?? 1, service.image ?? `${config.name}-${name}`)]),
  );
  return { ...project, services };
}

/** A rendered project as `docker stack deploy` takes it: the stack's name apart (its loader refuses a top-level `name`). */
export function asStackFile(project: ComposeConfig): { stack: string; file: Record<string, unknown> } {
  const { name, ...file } = project;
  return { stack: name, file };
}

/**
 * The image reference every node runs: pinned by its registry digest where
 * the image has one of the same repository (what `docker stack deploy`
 * resolves by itself, done once at `up` and frozen with the release), else
 * the name as given.
 */
export function pinnedImage(image: string, repoDigests: string[]): { reference: string; pinned: boolean } {
  const repository = (reference: string) => reference.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
  const digest = repoDigests.find((d) => repository(d) === repository(image) || repository(d) === `docker.io/library/${repository(image)}` || repository(d) === `docker.io/${repository(image)}`);
  return digest ? { reference: digest, pinned: true } : { reference: image, pinned: false };
}

/** The stack's service name for a compose service: swarm prefixes the stack's name. */
export const stackService = (stack: string, service: string) => `${stack}_${service}`;
