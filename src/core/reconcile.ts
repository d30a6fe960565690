import { LABEL } from '../plan/names.js';
import { drift, reconciledState } from '../plan/reality.js';
import type { Context } from './context.js';
import { observeColours } from './observe.js';

/**
 * Run before every command that changes anything: an earlier command may
 * have been killed half-way. Replicas a scale-down left paused are resumed,
 * and the store is rebuilt from the containers where it disagrees with them.
 * Reality is the truth; the store records intent.
 */
export async function reconcile(ctx: Context): Promise<void> {
  const paused = (await ctx.docker.containers({ [LABEL.app]: ctx.app })).filter((c) => c.state === 'paused');
  for (const container of paused) {
    await ctx.docker.unpause(container.id);
    ctx.out.warn(`resumed ${container.name}, left paused by an interrupted scale`);
  }
  const [colours, state] = await Promise.all([observeColours(ctx), ctx.store.read()]);
  const found = drift(state, colours);
  if (found.length === 0) return;
  ctx.out.warn(`the store disagreed with Docker (${found.join('; ')}): reconciled from the containers`);
  await ctx.store.update((current) => reconciledState(current, colours, new Date().toISOString()));
}
