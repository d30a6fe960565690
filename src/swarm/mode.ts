import type { Context } from '../core/context.js';
import type { StacksFactory } from '../core/select-runtime.js';
import { usageError } from '../errors.js';
import type { SwarmParts } from './launch.js';

/**
 * Swarm mode is the engine's, not a flag: on a swarm manager bluegreen
 * drives services; on a worker it cannot (exit 2); elsewhere it drives
 * compose projects as always.
 */
export async function swarmMode(ctx: Pick<Context, 'docker' | 'engine'>, stacks: StacksFactory): Promise<SwarmParts | undefined> {
  const role = await ctx.docker.swarmRole();
  if (role === 'none') return undefined;
  if (role === 'worker') {
    throw usageError(`the Docker engine at ${ctx.engine.name} is a swarm worker: swarm services are changed from a manager`, 'run on a manager, or set DOCKER_HOST to one');
  }
  return { engine: ctx.docker, stacks: await stacks(ctx.engine.childEnv()) };
}
