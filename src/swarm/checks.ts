import type { Context } from '../core/context.js';
import { assertEntrypointAnswers } from '../core/preflight.js';
import { usageError } from '../errors.js';
import type { SwarmParts } from './launch.js';

/**
 * What every changing command checks in swarm mode before it changes
 * anything: Traefik's API and entrypoint answer (exit 4) and Traefik's network is an
 * overlay every node's tasks can join (exit 2).
 */
export async function swarmPreflight(ctx: Context, swarm: SwarmParts): Promise<void> {
  const [, , network] = await Promise.all([ctx.traefik.version(), assertEntrypointAnswers(ctx), swarm.engine.networkDriver(ctx.options.network)]);
  if (network === undefined) {
    throw usageError(
      `the network ${ctx.options.network} does not exist, so Traefik cannot reach the app`,
      'start Traefik with `bluegreen proxy up` on a manager, or pass --network with the overlay network your Traefik watches',
    );
  }
  if (network !== 'overlay') {
    throw usageError(
      `the network ${ctx.options.network} is a ${network} network: tasks on other nodes cannot join it`,
      `create it as an attachable overlay: docker network create -d overlay --attachable ${ctx.options.network}`,
    );
  }
}
