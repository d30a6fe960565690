import type { Colour } from '../plan/colour.js';
import type { Release } from '../plan/release.js';
import type { Context } from './context.js';
import { withdrawColour } from './detach.js';
import { assertNotServingLive } from './guard.js';
import { launchVerified, removeColour } from './launch.js';

/**
 * Starts a frozen release in the colour that is not live, with its live
 * router one generation up, and verifies it: `rollback`, and `scale` down
 * (a replica removed from a live colour could be routed again by any
 * container event until it dies; a colour that is shadowed cannot). On
 * failure that colour is taken out of Traefik and removed: live traffic
 * stays where it was (exit 1). Returns when the switch was verified.
 */
export async function promoteRelease(
  ctx: Context,
  release: Release,
  colour: Colour,
  generation: number,
  count: number,
  live: Colour | undefined,
  scaled: Record<string, number> = {},
): Promise<number> {
  await assertNotServingLive(ctx, colour);
  await launchVerified(
    ctx,
    release,
    colour,
    { kind: 'live', generation },
    count,
    {
      what: `removing ${colour}`,
      run: async () => {
        await withdrawColour(ctx, release, colour);
        await removeColour(ctx, colour);
      },
      hint: `check \`bluegreen status\`; ${live ?? 'the live colour'} keeps the higher live router only if ${colour} is gone`,
    },
    [],
    scaled,
  );
  return Date.now();
}
