import type { Context } from '../core/context.js';
import { usageError } from '../errors.js';
import type { DockerEngine } from '../runtime/docker.js';
import type { SwarmParts } from './launch.js';

/**
 * Swarm mode is the engine's, not a flag: on a swarm manager bluegreen
 * drives services; on a worker it cannot (exit 2); elsewhere it drives
 * compose projects as always.
 */
export async function swarmMode(ctx: Context): Promise<SwarmParts | undefined> {
  const engine = ctx.docker as Partial<DockerEngine>;
  if (typeof engine.swarmRole !== 'function') return undefined;
  const role = await engine.swarmRole();
  if (role === 'none') return undefined;
  if (role === 'worker') {
    throw usageError(`the Docker engine at ${ctx.engine.name} is a swarm worker: swarm services are changed from a manager`, 'run on a manager, or set DOCKER_HOST to one');
  }
  const { SwarmStacks } = await import('../runtime/swarm-stacks.js');
  return { engine: engine as DockerEngine, stacks: new SwarmStacks(ctx.engine.childEnv()) };
}
