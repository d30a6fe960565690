import { BgError, ExitCode } from '../errors.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { atProvider, liveRouter } from '../plan/names.js';
import { countsAsLive, livePriority } from '../plan/priority.js';
import type { Provider } from './colour-runtime.js';
import type { Context } from './context.js';
import { onInstance, routerOnEachInstance } from '../waiting/traefik.js';

/**
 * Before a colour is recreated or removed, Traefik itself must not show it
 * as the winning live router: Docker's labels and health say which colour
 * is live, and this is the second opinion of the one that routes. With
 * several Traefik instances, one that still prefers the colour is enough.
 */
export async function assertNotServingLive(ctx: Context, colour: Colour, provider: Provider = 'docker'): Promise<void> {
  const [mine, theirs] = await Promise.all([
    routerOnEachInstance(ctx.traefik, atProvider(liveRouter(ctx.app, colour), provider)),
    routerOnEachInstance(ctx.traefik, atProvider(liveRouter(ctx.app, otherColour(colour)), provider)),
  ]);
  const index = mine.findIndex((router, i) => router?.status === 'enabled' && (theirs[i]?.status !== 'enabled' || router.priority > theirs[i]!.priority));
  if (index !== -1) {
    throw new BgError(
      `Traefik routes live traffic to ${colour} (${liveRouter(ctx.app, colour)}, priority ${mine[index]!.priority}${onInstance(index, mine.length)}), which this command would replace: refused, nothing changed`,
      ExitCode.failedReverted,
      'an interrupted switch may still be settling: check `bluegreen status` and run the command again',
    );
  }
}

/**
 * Before the other colour is drained and stopped, every Traefik instance
 * must show the live colour's router winning: one that has not loaded it
 * (lagging, restarted) would still send requests to the colour stopped.
 */
export async function assertLiveRouterWins(ctx: Context, live: Colour, generation: number, provider: Provider = 'docker'): Promise<void> {
  const views = await routerOnEachInstance(ctx.traefik, atProvider(liveRouter(ctx.app, live), provider));
  const index = views.findIndex((router) => router?.status !== 'enabled' || !countsAsLive(router.priority, generation));
  if (index === -1) return;
  const router = views[index];
  throw new BgError(
    `Traefik does not show ${liveRouter(ctx.app, live)} enabled at priority ${livePriority(generation)}${onInstance(index, views.length)} (${router ? `${router.status}, priority ${router.priority}` : 'absent'}): stopping the other colour could cut live traffic`,
    ExitCode.failedReverted,
    'check `bluegreen status`; nothing was stopped',
  );
}
