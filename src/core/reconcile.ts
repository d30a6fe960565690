import { LABEL } from '../plan/names.js';
import { drift, reconciledState } from '../plan/reality.js';
import type { Context } from './context.js';
import { observeColours } from './observe.js';
import { Deadline, retryUntil } from '../waiting/retry.js';

/**
 * Run before every command that changes anything: an earlier command may
 * have been killed half-way. Replicas a revert left paused are resumed,
 * and the store is rebuilt from the containers where it disagrees with them.
 * Reality is the truth; the store records intent.
 */
export async function reconcile(ctx: Context): Promise<void> {
  const paused = (await ctx.docker.containers({ [LABEL.app]: ctx.app })).filter((c) => c.state === 'paused');
  for (const container of paused) {
    await ctx.docker.unpause(container.id);
    ctx.out.warn(`resumed ${container.name}, left paused by an interrupted command`);
  }
  // A healthcheck that ran while it was paused timed out: wait for the next
  // one to pass before anything counts on it (bounded; a replica that stays
  // unhealthy is then what the command's own waits report).
  if (paused.length) await waitResumedHealthy(ctx, paused.map((c) => c.id));
  const [colours, state] = await Promise.all([observeColours(ctx), ctx.store.read()]);
  const found = drift(state, colours);
  if (found.length === 0) return;
  ctx.out.warn(`the store disagreed with Docker (${found.join('; ')}): reconciled from the containers`);
  await ctx.store.update((current) => reconciledState(current, colours, new Date().toISOString()));
}

async function waitResumedHealthy(ctx: Context, ids: string[]): Promise<void> {
  await retryUntil(
    async () => {
      const views = await Promise.all(ids.map((id) => ctx.docker.inspect(id).catch(() => undefined)));
      return views.every((v) => !v || v.state !== 'running' || v.health === 'healthy' || v.health === 'none') ? true : undefined;
    },
    { deadline: Deadline.after(ctx.options.timeoutMs), intervalMs: 200, onTimeout: () => new Error('resumed replicas are not healthy') },
  ).catch(() => ctx.out.warn('resumed replicas are not healthy yet'));
}
