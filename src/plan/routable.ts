import type { HealthStatus } from '../runtime/docker.js';

/**
 * Containers Traefik has never routed: their Docker healthcheck has not
 * passed yet (`starting`). Traefik's docker provider drops a container whose
 * health is `starting` or `unhealthy`, and Docker never goes back to
 * `starting` once a check has passed, so such a container has carried no
 * request: it can be stopped at once, without being taken out of Traefik.
 * An `unhealthy` one may have been routed until its last check (Traefik
 * relists on the health event, not before): it is not among these.
 */
export function neverRouted<C extends { state: string; health: HealthStatus }>(containers: C[]): C[] {
  return containers.filter((c) => c.state === 'running' && c.health === 'starting');
}
