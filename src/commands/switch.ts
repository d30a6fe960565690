import { recordLive } from '../core/record-live.js';
import type { Context } from '../core/context.js';
import { assertNotServingLive } from '../core/guard.js';
import { withdrawColour } from '../core/detach.js';
import { launchColour, launchVerified } from '../core/launch.js';
import { about } from '../core/operation.js';
import { preflight } from '../core/preflight.js';
import { usageError } from '../errors.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { liveColour, nextGeneration, type ColourView } from '../plan/reality.js';
import { LABEL } from '../plan/names.js';
import { previewKeyOf, servesPreviewOnly } from '../plan/labels.js';
import { preHook, warningHook } from '../core/hooks.js';
import { assertCompanionsStillHealthy } from '../core/companions.js';
import { releaseProbe } from '../plan/probe.js';
import type { Release } from '../plan/release.js';
import type { HistorySubject } from '../plan/state.js';
import { Deadline } from '../waiting/retry.js';

export interface SwitchResult {
  colour: Colour;
  release: Release;
  generation: number;
  /** When the new live router was confirmed (Traefik API and end to end). */
  switchedAt: number;
  about: HistorySubject;
}

/**
 * Moves live traffic to the candidate: recreates the candidate's containers
 * with a live router one generation above the current one. When they are
 * healthy, Traefik's next reload shadows the old colour's router in one
 * step; the old colour keeps running and finishes what it has in flight.
 * On failure the candidate goes back to preview only (exit 1).
 */
export async function switchLive(ctx: Context): Promise<SwitchResult> {
  const { colours, state } = await preflight(ctx);
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
  await about(subject, async () => {
    await assertNotServingLive(ctx, colour);
    await assertCompanionsStillHealthy(ctx, release, colour);
    // A smoke test of the preview, say: its veto leaves the candidate on its preview route.
    await preHook(ctx, 'pre_switch', {
      release: release.number,
      colour,
      previousRelease,
      liveColour: live,
      preview: { colour, key: previewKeyOf(view.containers), probe: releaseProbe(release, ctx.options.probe) },
    });
    const previews = replaceableAfterStart(ctx, colour, view.containers);
    // A switch interrupted after its live containers started leaves them beside the previews: as many as the previews.
    const count = view.containers.filter((c) => c.state === 'running' && c.labels[LABEL.routing] === 'preview').length || view.running;
    await launchVerified(
      ctx,
      release,
      colour,
      { kind: 'live', generation },
      count,
      {
        what: `putting ${colour} back to preview only`,
        run: () => revertToPreview(ctx, release, colour, count),
        hint: 'check `bluegreen status`; the previous live colour still has its live router',
      },
      previews,
    );
  });
  const switchedAt = Date.now();
  await recordLive(ctx, { colour, release: release.number, generation, at: switchedAt, replaced: live ? colours[live].release : undefined });
  await warningHook(ctx, 'post_switch', { release: release.number, colour, previousRelease, liveColour: colour });
  return { colour, release, generation, switchedAt, about: subject };
}

/**
 * The candidate's containers, when all of them run their preview route and
 * the preview service only (as bluegreen has launched them since it split the
 * preview service off): those the live containers can start beside and
 * replace after. Otherwise none, and compose recreates them: a preview
 * container of an older launch serves the live service too, a stopped one
 * compose would start again, and a live one left by an interrupted switch may
 * be of another generation.
 */
function replaceableAfterStart(ctx: Context, colour: Colour, containers: ColourView['containers']): string[] {
  const ids = containers.flatMap((c) => (c.state === 'running' && c.id && c.labels[LABEL.routing] === 'preview' && servesPreviewOnly(ctx.app, colour, c.labels) ? [c.id] : []));
  return ids.length === containers.length ? ids : [];
}

/** The candidate out of Traefik, then back to its preview route only: the old live router never left. */
async function revertToPreview(ctx: Context, release: Release, colour: Colour, count: number): Promise<void> {
  await withdrawColour(ctx, release, colour);
  await launchColour(ctx, release, colour, { kind: 'preview' }, count, Deadline.after(ctx.options.timeoutMs));
}

export async function loadRelease(ctx: Context, number: number): Promise<Release> {
  const release = await ctx.store.loadRelease(number);
  if (!release) {
    const kept = await ctx.store.releaseNumbers();
    throw usageError(`release ${number} has no frozen file in ${ctx.store.location}`, `releases kept: ${kept.join(', ') || 'none'}`);
  }
  return release;
}
