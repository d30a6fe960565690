import { BgError, ExitCode } from '../errors.js';
import type { Traefik } from '../core/ports.js';
import { atProvider } from '../plan/names.js';
import { retryUntil, type Deadline } from './retry.js';

export interface RouteWait {
  router: string;
  priority: number;
  service: string;
  /** Server URLs the service must hold: exactly these, no more, no fewer. */
  servers: string[];
  deadline: Deadline;
  /** Traefik's provider of the router and service: `docker`, or `swarm` in swarm mode. */
  provider?: 'docker' | 'swarm';
}

/**
 * Waits until Traefik's API shows the router enabled at the expected
 * priority and its service holding exactly the expected servers. The API is
 * built in the same reload as the routing itself: when it shows this,
 * requests are routed this way.
 */
export async function waitRouted(api: Traefik, wait: RouteWait): Promise<void> {
  let seen = 'router absent';
  const expected = [...wait.servers].sort();
  await retryUntil(
    async () => {
      let router;
      try {
        router = await api.router(atProvider(wait.router, wait.provider));
      } catch (error) {
        // One slow or refused answer under load is "not yet", until the deadline.
        if (error instanceof BgError && error.exitCode === ExitCode.unreachable) {
          seen = error.message;
          return undefined;
        }
        throw error;
      }
      if (!router) return undefined;
      if (router.error.length) {
        throw new BgError(`Traefik refused router ${wait.router}: ${router.error.join('; ')}`, ExitCode.failedReverted, 'another router or service with this name may exist with other settings');
      }
      const service = await api.service(atProvider(wait.service, wait.provider)).catch(() => undefined);
      const servers = [...(service?.servers ?? [])].sort();
      seen = `router ${router.status} priority ${router.priority}, servers [${servers.join(', ')}]`;
      const ok = router.status === 'enabled' && router.priority === wait.priority && servers.join() === expected.join();
      return ok ? true : undefined;
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
