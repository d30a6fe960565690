import { BgError, ExitCode } from '../errors.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { atDocker, liveRouter } from '../plan/names.js';
import type { Context } from './context.js';

/**
 * Before a colour is recreated or removed, Traefik itself must not show it
 * as the winning live router: Docker's labels and health say which colour
 * is live, and this is the second opinion of the one that routes.
 */
export async function assertNotServingLive(ctx: Context, colour: Colour): Promise<void> {
  const [mine, theirs] = await Promise.all([
    ctx.traefik.router(atDocker(liveRouter(ctx.app, colour))),
    ctx.traefik.router(atDocker(liveRouter(ctx.app, otherColour(colour)))),
  ]);
  const serving = mine?.status === 'enabled' && (theirs?.status !== 'enabled' || mine.priority > theirs.priority);
  if (serving) {
    throw new BgError(
      `Traefik routes live traffic to ${colour} (${liveRouter(ctx.app, colour)}, priority ${mine.priority}), which this command would replace: refused, nothing changed`,
      ExitCode.failedReverted,
      'an interrupted switch may still be settling: check `bluegreen status` and run the command again',
    );
  }
}
