import { BgError, ConnectionLostError, ExitCode } from '../errors.js';
import type { Provider } from '../core/colour-runtime.js';
import type { Traefik } from '../core/ports.js';
import { atProvider } from '../plan/names.js';
import { retryUntil, type Deadline } from './retry.js';

export interface RouteWait {
  router: string;
  priority: number;
  /** Another priority that counts too: a running colour launched before the priorities' stride (plan/priority.ts legacyLivePriority). */
  alsoPriority?: number;
  service: string;
  /** Server URLs the service must hold: exactly these, no more, no fewer. */
  servers: string[];
  deadline: Deadline;
  /** Traefik's provider of the router and service: `docker`, or `swarm` in swarm mode. */
  provider?: Provider;
}

/** For a step's title: " on each of 3 Traefik instances" when several are verified, else nothing. */
export function onEachInstance(api: Traefik): string {
  return api.replicas && api.replicas.length > 1 ? ` on each of ${api.replicas.length} Traefik instances` : '';
}

/** A router as each Traefik instance that routes the app shows it (one entry with one instance). */
export function routerOnEachInstance(api: Traefik, name: string) {
  return Promise.all((api.replicas ?? [api]).map((replica) => replica.router(name)));
}

/** " on Traefik instance 2 of 3" for a message when several are read, else nothing. */
export const onInstance = (index: number, count: number) => (count > 1 ? ` on Traefik instance ${index + 1} of ${count}` : '');

/**
 * Waits until Traefik's API shows the router enabled at the expected
 * priority and its service holding exactly the expected servers, on every
 * Traefik instance that routes the app (each reloads on its own). The API is
 * built in the same reload as the routing itself: when it shows this,
 * requests are routed this way.
 */
export async function waitRouted(api: Traefik, wait: RouteWait): Promise<void> {
  const replicas = api.replicas ?? [api];
  const pending = new Set(replicas.keys());
  let seen = 'router absent';
  const expected = [...wait.servers].sort();
  const where = (index: number) => onInstance(index, replicas.length);
  const routedOn = async (index: number): Promise<boolean> => {
    let router;
    try {
      router = await replicas[index]!.router(atProvider(wait.router, wait.provider));
    } catch (error) {
      // One slow or refused answer under load is "not yet", until the deadline.
      if (error instanceof BgError && error.exitCode === ExitCode.unreachable && !(error instanceof ConnectionLostError)) {
        seen = error.message;
        return false;
      }
      throw error;
    }
    if (!router) {
      seen = `router absent${where(index)}`;
      return false;
    }
    if (router.error.length) {
      throw new BgError(
        `Traefik refused router ${wait.router}${where(index)}: ${router.error.join('; ')}`,
        ExitCode.failedReverted,
        'another router or service with this name may exist with other settings',
      );
    }
    const service = await replicas[index]!.service(atProvider(wait.service, wait.provider)).catch(() => undefined);
    const servers = [...(service?.servers ?? [])].sort();
    seen = `router ${router.status} priority ${router.priority}, servers [${servers.join(', ')}]${where(index)}`;
    return router.status === 'enabled' && (router.priority === wait.priority || router.priority === wait.alsoPriority) && servers.join() === expected.join();
  };
  await retryUntil(
    async () => {
      // An instance that has shown the route is not asked again.
      for (const index of [...pending]) if (await routedOn(index)) pending.delete(index);
      return pending.size === 0 ? true : undefined;
    },
    {
      deadline: wait.deadline,
      intervalMs: 25,
      onTimeout: () =>
        new BgError(
          `Traefik does not route ${wait.router} as expected (${seen}; expected priority ${wait.priority}, servers [${expected.join(', ')}])`,
          ExitCode.failedReverted,
          'is Traefik watching Docker with the network this app uses (--network)?',
        ),
    },
  );
}

/**
 * Waits until every Traefik instance shows `service` (docker provider) with
 * exactly these servers: a service defined by containers that carry no
 * router (a maintenance page's server, a canary step's) is in Traefik before
 * anything routes to it.
 */
export async function waitServiceServers(api: Traefik, wait: { service: string; servers: string[]; deadline: Deadline; hint: string }): Promise<void> {
  const expected = [...wait.servers].sort().join();
  await retryUntil(
    async () => {
      const seen = await Promise.all((api.replicas ?? [api]).map((replica) => replica.service(`${wait.service}@docker`).catch(() => undefined)));
      return seen.every((s) => [...(s?.servers ?? [])].sort().join() === expected) ? true : undefined;
    },
    { deadline: wait.deadline, intervalMs: 50, onTimeout: () => new BgError(`Traefik does not show ${wait.service} with ${wait.servers.join(', ')}`, ExitCode.failedReverted, wait.hint) },
  );
}

/** Waits until no Traefik instance shows these routers (docker provider); one still shown at the deadline needs a person (exit 5). */
export async function waitRoutersGone(api: Traefik, wait: { routers: string[]; deadline: Deadline; hint: string }): Promise<void> {
  const gone = async () => {
    const seen = await Promise.all(wait.routers.map((name) => routerOnEachInstance(api, `${name}@docker`).catch(() => [{}])));
    return seen.every((instances) => instances.every((router) => router === undefined));
  };
  await retryUntil(async () => ((await gone()) ? true : undefined), {
    deadline: wait.deadline,
    onTimeout: () => new BgError(`Traefik still shows ${wait.routers.join(', ')}`, ExitCode.needsPerson, wait.hint),
  });
}
