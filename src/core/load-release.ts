import { usageError } from '../errors.js';
import type { Release } from '../plan/release.js';
import type { Context } from './context.js';

/** A release's frozen file from the store, or exit 2 naming the ones kept. */
export async function loadRelease(ctx: Context, number: number): Promise<Release> {
  const release = await ctx.store.loadRelease(number);
  if (!release) {
    const kept = await ctx.store.releaseNumbers();
    throw usageError(`release ${number} has no frozen file in ${ctx.store.location}`, `releases kept: ${kept.join(', ') || 'none'}`);
  }
  return release;
}
