import type { ColourRuntime } from './colour-runtime.js';
import type { Context } from './context.js';
import type { SwarmStacks } from '../runtime/swarm-stacks.js';

/** Makes the stacks adapter for an engine's environment (unit tests give a fake). */
export type StacksFactory = (env: NodeJS.ProcessEnv) => Promise<Stacks>;
export type Stacks = Pick<SwarmStacks, 'deploy' | 'remove' | 'scale'>;

// Loaded on a swarm only: one host never needs the stacks adapter.
const realStacks: StacksFactory = async (env) => new (await import('../runtime/swarm-stacks.js')).SwarmStacks(env);

/**
 * The one place the mode is chosen, and it is the engine's, not a flag: on
 * a swarm manager bluegreen drives stacks; on a swarm worker it cannot
 * (exit 2, swarm/mode.ts); elsewhere it drives compose projects.
 */
export async function selectRuntime(ctx: Pick<Context, 'docker' | 'engine'>, stacks: StacksFactory = realStacks): Promise<ColourRuntime> {
  const { swarmMode } = await import('../swarm/mode.js');
  const parts = await swarmMode(ctx, stacks);
  if (!parts) return (await import('../compose/runtime.js')).composeRuntime;
  return (await import('../swarm/runtime.js')).swarmRuntime(parts);
}
