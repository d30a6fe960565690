import type { RouterView, ServiceView } from './traefik-api.js';
import { TraefikApi } from './traefik-api.js';
import type { Reach } from './http-get.js';

/**
 * Several Traefik instances that route the same app from the same provider
 * (in swarm mode, one per manager): each reloads on its own, so a route is
 * verified on every one of them (waiting/traefik.ts) and a colour is drained
 * only when no instance sends it requests. What every instance reads alike
 * (routers, services) is read from the first.
 */
export class TraefikReplicas {
  readonly replicas: readonly TraefikApi[];

  constructor(apis: { api: string; metrics: string }[], reach?: Reach) {
    this.replicas = apis.map(({ api, metrics }) => new TraefikApi(api, metrics, reach));
  }

  private get first(): TraefikApi {
    return this.replicas[0]!;
  }

  /** Every instance must answer (exit 4 naming the first in the list that does not): the first one's version. */
  async version(): Promise<string> {
    const answers = await Promise.allSettled(this.replicas.map((replica) => replica.version()));
    const refused = answers.find((answer) => answer.status === 'rejected');
    if (refused) throw refused.reason;
    return (answers[0] as PromiseFulfilledResult<string>).value;
  }

  router(name: string): Promise<RouterView | undefined> {
    return this.first.router(name);
  }

  routers(): Promise<RouterView[]> {
    return this.first.routers();
  }

  service(name: string): Promise<ServiceView | undefined> {
    return this.first.service(name);
  }

  services(): Promise<ServiceView[]> {
    return this.first.services();
  }

  /**
   * Every instance's metrics in one text: a counter summed over it is the
   * sum over the instances. Undefined when one does not answer, so that a
   * drain does not take an instance it cannot see for a quiet one.
   */
  async metrics(): Promise<string | undefined> {
    const texts = await Promise.all(this.replicas.map((replica) => replica.metrics()));
    return texts.some((text) => text === undefined) ? undefined : texts.join('\n');
  }
}

/** The Traefik the options name: one instance's API, or every instance's when --traefik-api lists several. */
export const traefikFor = (replicas: { api: string; metrics: string }[], reach?: Reach) =>
  replicas.length > 1 ? new TraefikReplicas(replicas, reach) : new TraefikApi(replicas[0]!.api, replicas[0]!.metrics, reach);
