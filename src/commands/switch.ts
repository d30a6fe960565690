import { recordLive } from '../core/record-live.js';
import type { Context } from '../core/context.js';
import { assertNotServingLive } from '../core/guard.js';
import { about } from '../core/operation.js';
import { usageError } from '../errors.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { liveColour, nextGeneration } from '../plan/reality.js';
import { previewKeyOf } from '../plan/labels.js';
import { loadRelease } from '../core/load-release.js';
import { preHook, warningHook } from '../core/hooks.js';
import { releaseProbe } from '../plan/probe.js';
import type { Release } from '../plan/release.js';
import type { HistorySubject } from '../plan/state.js';

export interface SwitchResult {
  colour: Colour;
  release: Release;
  generation: number;
  /** When the new live router was confirmed (Traefik API and end to end). */
  switchedAt: number;
  /** Instances the switch replaced (a swarm switch changes labels only), where the runtime counts them. */
  replaced?: number;
  about: HistorySubject;
}

/**
 * Moves live traffic to the candidate: it gets a live router one generation
 * above the current one (core/colour-runtime.ts goLive: how), so Traefik's
 * next reload shadows the old colour's router in one step; the old colour
 * keeps running and finishes what it has in flight. On failure the
 * candidate goes back to preview only (exit 1).
 */
export async function switchLive(ctx: Context): Promise<SwitchResult> {
  const runtime = await ctx.runtime();
  const { colours, state } = await runtime.observe(ctx);
  const live = liveColour(colours);
  const colour = live ? otherColour(live) : (state.candidate?.colour ?? 'blue');
  const view = colours[colour];
  if (view.running === 0 || view.routing !== 'preview') {
    throw usageError(`nothing to switch to: ${colour} does not run a candidate`, 'run `bluegreen up` first (or `bluegreen deploy`)');
  }
  const release = await loadRelease(ctx, view.release!);
  const subject = { release: release.number, image: release.image, colour };
  const generation = nextGeneration(state, colours);
  const previousRelease = live ? colours[live].release : undefined;
  const launched = await about(subject, async () => {
    await assertNotServingLive(ctx, colour, runtime.provider);
    await runtime.assertCandidateIntact(ctx, release, colour);
    // A smoke test of the preview, say: its veto leaves the candidate on its preview route.
    await preHook(ctx, 'pre_switch', {
      release: release.number,
      colour,
      previousRelease,
      liveColour: live,
      preview: { colour, key: previewKeyOf(view.containers) ?? state.previewKey, probe: releaseProbe(release, ctx.options.probe) },
    });
    return runtime.goLive(ctx, { release, colour, generation, view });
  });
  const switchedAt = Date.now();
  await recordLive(ctx, { colour, release: release.number, generation, at: switchedAt, replaced: previousRelease });
  await warningHook(ctx, 'post_switch', { release: release.number, colour, previousRelease, liveColour: colour });
  return { colour, release, generation, switchedAt, replaced: launched.replaced, about: subject };
}
