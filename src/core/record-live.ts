import type { Colour } from '../plan/colour.js';
import { recordedLive } from '../plan/state.js';
import type { Context } from './context.js';

/** Traffic has moved: recorded (plan/state.ts recordedLive); a store that cannot record it now is reconciled by the next command. */
export async function recordLive(ctx: Context, went: { colour: Colour; release: number; generation: number; at: number; replaced?: number }): Promise<void> {
  await ctx.store
    .update((s) => recordedLive(s, { ...went, at: new Date(went.at).toISOString() }))
    .catch((error: Error) => ctx.out.warn(`${went.colour} is live, but the store could not record it (${error.message}); the next command reconciles`));
}
