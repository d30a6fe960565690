import { LABEL } from '../plan/names.js';
import { CANARY_ROLE } from '../plan/canary.js';
import { isColour } from '../plan/colour.js';
import { servesPreviewOnly } from '../plan/labels.js';
import type { ContainerView } from '../runtime/docker.js';
import { drift, reconciledState } from '../plan/reality.js';
import type { Context } from './context.js';
import { coloursOf, observeColours } from './observe.js';
import type { Colours } from '../plan/reality.js';
import type { AppState } from '../plan/state.js';
import { Deadline, retryUntil } from '../waiting/retry.js';

/**
 * Run before every command that changes anything: an earlier command may
 * have been killed half-way. Replicas a revert left paused are resumed,
 * and the store is rebuilt from the containers where it disagrees with them.
 * Reality is the truth; the store records intent.
 */
export async function reconcile(ctx: Context): Promise<Observed> {
  const [all, stored] = await Promise.all([ctx.docker.containers({ [LABEL.app]: ctx.app }), ctx.store.read()]);
  const paused = all.filter((c) => c.state === 'paused');
  for (const container of paused) {
    await ctx.docker.unpause(container.id);
    ctx.out.warn(`resumed ${container.name}, left paused by an interrupted command`);
  }
  // A healthcheck that ran while it was paused timed out: wait for the next
  // one to pass before anything counts on it (bounded; a replica that stays
  // unhealthy is then what the command's own waits report).
  if (paused.length)
    await waitResumedHealthy(
      ctx,
      paused.map((c) => c.id),
    );
  const leftovers = [...previewsOfLiveColours(ctx, all), ...routesWithoutTheirColour(all)];
  for (const container of leftovers) {
    await ctx.docker.stopAndRemove(container.id, 0);
    const what = container.labels[LABEL.routeOf] ? "a route container left running without its colour's containers" : 'a preview container left beside live ones by an interrupted switch';
    ctx.out.warn(`removed ${container.name}, ${what}`);
  }
  // A canary step left in by an interrupted command (or one a command other than the switch would break: its servers live in the colours' containers).
  const canary = ctx.keepCanary ? [] : all.filter((c) => c.labels[LABEL.role] === CANARY_ROLE.router || c.labels[LABEL.role] === CANARY_ROLE.server);
  if (canary.length) {
    const { removeCanary } = await import('./canary.js');
    await removeCanary(ctx);
    ctx.out.warn('took the canary step out first: live traffic is all on the live colour again');
  }
  const colours = paused.length || leftovers.length ? await observeColours(ctx) : coloursOf(all);
  const found = drift(stored, colours);
  if (found.length === 0) return { colours, state: stored };
  ctx.out.warn(`the store disagreed with Docker (${found.join('; ')}): reconciled from the containers`);
  const state = await ctx.store.update((current) => reconciledState(current, colours, new Date().toISOString()));
  return { colours, state };
}

/**
 * Preview containers of a colour whose live containers Traefik routes (a
 * switch interrupted between starting the live containers and removing the
 * previews). Only those that serve the preview service alone: they carry no
 * live traffic, so they go at once.
 */
function previewsOfLiveColours(ctx: Context, all: ContainerView[]): ContainerView[] {
  const colours = coloursOf(all);
  return all.filter((c) => {
    const colour = c.labels[LABEL.colour];
    return isColour(colour) && colours[colour].routing === 'live' && colours[colour].routable > 0 && c.labels[LABEL.routing] === 'preview' && servesPreviewOnly(ctx.app, colour, c.labels);
  });
}

/**
 * Route containers running while none of their colour's containers does
 * (a command killed while it stopped the colour): their router names a
 * service without servers, which Traefik refuses; removed, so that nothing
 * looks live that is not.
 */
function routesWithoutTheirColour(all: ContainerView[]): ContainerView[] {
  const running = (c: ContainerView) => c.state === 'running';
  return all.filter((route) => route.labels[LABEL.routeOf] !== undefined && running(route) && !all.some((c) => c.labels[LABEL.colour] === route.labels[LABEL.routeOf] && running(c)));
}

/** Both colours and the store, as a command starts from them. */
export interface Observed {
  colours: Colours;
  state: AppState;
}

async function waitResumedHealthy(ctx: Context, ids: string[]): Promise<void> {
  await retryUntil(
    async () => {
      const views = await Promise.all(ids.map((id) => ctx.docker.inspect(id).catch(() => undefined)));
      return views.every((v) => v?.state !== 'running' || v.health === 'healthy' || v.health === 'none') ? true : undefined;
    },
    { deadline: Deadline.after(ctx.options.timeoutMs), intervalMs: 200, onTimeout: () => new Error('resumed replicas are not healthy') },
  ).catch(() => ctx.out.warn('resumed replicas are not healthy yet'));
}
