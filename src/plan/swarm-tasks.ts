import type { TaskView } from '../runtime/docker.js';

/**
 * The tasks a wait on a service is for, once they are all there: exactly
 * `count` tasks meant to run, each running (and, for a routed service, with
 * an address on Traefik's network) and, given a release, running that
 * release. Swarm replaces a service's tasks some time after its spec
 * changed: until it has, the tasks of the spec replaced (another release,
 * an `up` over a candidate) would pass for the new one's. Undefined until then.
 */
export function settledTasks(tasks: TaskView[], count: number, expect: { network?: string; release?: number }): TaskView[] | undefined {
  const ready = tasks.filter((t) => t.state === 'running' && (!expect.network || t.ips[expect.network]) && (expect.release === undefined || t.release === String(expect.release)));
  return ready.length === count && tasks.length === count ? ready : undefined;
}
