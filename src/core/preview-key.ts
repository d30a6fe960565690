import { randomBytes } from 'node:crypto';
import type { Context } from './context.js';

/**
 * The app's preview key, made on first need and kept where the state is.
 * 144 random bits in base64url: nothing a stranger can guess, and only
 * characters a Traefik rule's backquoted string and a header carry as they are.
 */
export async function appPreviewKey(ctx: Context): Promise<string> {
  const known = (await ctx.store.read()).previewKey;
  if (known) return known;
  const state = await ctx.store.update((s) => (s.previewKey ? s : { ...s, previewKey: randomBytes(18).toString('base64url') }));
  return state.previewKey!;
}
