import { BgError, ExitCode } from '../errors.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { atProvider, liveRouter } from '../plan/names.js';
import type { Context } from './context.js';
import { onInstance, routerOnEachInstance } from '../waiting/traefik.js';

/**
 * Before a colour is recreated or removed, Traefik itself must not show it
 * as the winning live router: Docker's labels and health say which colour
 * is live, and this is the second opinion of the one that routes. With
 * several Traefik instances, one that still prefers the colour is enough.
 */
export async function assertNotServingLive(ctx: Context, colour: Colour, provider: 'docker' | 'swarm' = 'docker'): Promise<void> {
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
