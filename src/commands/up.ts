import type { Context } from '../core/context.js';
import { assertNotServingLive } from '../core/guard.js';
import { preHook } from '../core/hooks.js';
import { appPreviewKey } from '../core/preview-key.js';
import { releaseProbe } from '../plan/probe.js';
import { resolveImage } from '../core/image.js';
import { about } from '../core/operation.js';
import { chooseTarget } from '../core/target.js';
import { takeoverNotice } from '../core/takeover.js';
import { candidateColour, type Colour } from '../plan/colour.js';
import { liveColour } from '../plan/reality.js';
import { freezeRelease, type CompanionInput, type Release } from '../plan/release.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { applyScale } from '../plan/scale.js';
import { RELEASES_KEPT, releasesToPrune, type HistorySubject } from '../plan/state.js';

export interface UpResult {
  colour: Colour;
  release: Release;
  count: number;
  live?: Colour;
  about: HistorySubject;
}

/**
 * Starts the next release in the colour that is not live, with its preview
 * route only, and verifies it. Live traffic is never touched: on failure
 * the candidate is removed and the error says why (exit 1). The same on
 * one host and on a swarm: the runtime (core/colour-runtime.ts) runs it.
 */
export async function bringUp(ctx: Context): Promise<UpResult> {
  const runtime = await ctx.runtime();
  const { colours, state } = await runtime.observe(ctx);
  const config = await ctx.userConfig();
  const target = chooseTarget(config, ctx.options.target, ctx.options.sideTargets, ctx.options.companions);
  const live = liveColour(colours);
  const colour = candidateColour(live);
  // The app as plain compose runs it today, if it does: taken over at the switch, with its count.
  const plain = await runtime.plainToTakeOver(ctx, target);
  const liveCount = live ? colours[live].running : plain.length;
  const count = ctx.options.scale ? applyScale(ctx.options.scale, liveCount) : liveCount || runtime.firstCount(config, target);

  const { image, imageId } = await resolveImage(ctx, config, target);
  // Asked once the target's image is pulled or built (a side target may run
  // the same one), answered while the guard runs and the release is written.
  const sideTargets = runtime.sideTargets(ctx, config);
  const number = state.lastRelease + 1;
  const imageHasHealthcheck = await ctx.docker.imageHasHealthcheck(imageId);
  const companions = await resolveCompanions(ctx, config);
  const { release: frozen, warnings } = freezeRelease({
    config,
    app: ctx.app,
    number,
    target,
    sideTargets: ctx.options.sideTargets,
    companions: companions.inputs,
    imageId,
    imageHasHealthcheck,
    noHealthcheck: ctx.options.noHealthcheck,
    rule: ctx.options.rule,
    port: ctx.options.port,
    entrypoint: ctx.options.entrypoint,
    servicePaths: ctx.options.servicePaths,
    colourHeader: ctx.options.colourHeader,
    createdAt: new Date().toISOString(),
    createdBy: ctx.by,
  });
  // Before anything is written: a release this runtime cannot run is refused here.
  const release = await runtime.asRun(ctx, frozen, { target: image, companions: companions.images });
  const subject = { release: number, image, colour };
  return about(subject, async () => {
    // After a build or pull that may take minutes, before anything is
    // written or started: a refusal then changes nothing.
    await assertNotServingLive(ctx, colour, runtime.provider);
    warnings.forEach((w) => ctx.out.warn(w));
    if (plain.length) ctx.out.warn(takeoverNotice(ctx.app, plain));
    await runtime.warnBeforeUp(ctx);
    // A migration before the candidate starts; its veto leaves everything as it was.
    await preHook(ctx, 'pre_up', {
      release: number,
      colour,
      previousRelease: live ? colours[live].release : undefined,
      liveColour: live,
      preview: { colour, key: await appPreviewKey(ctx), probe: releaseProbe(release, ctx.options.probe) },
    });
    await ctx.store.saveRelease(release);
    await ctx.store.update((s) => ({ ...s, lastRelease: Math.max(s.lastRelease, number), candidate: undefined }));
    await sideTargets.start(release);

    await runtime.launchVerified(
      ctx,
      { release, colour, mode: { kind: 'preview' }, count },
      {
        what: `removing the candidate ${colour}`,
        run: () => runtime.removeColour(ctx, colour),
        hint: `remove it by hand: ${runtime.removeCommand(ctx.app, colour)}`,
      },
    );
    await ctx.store.update((s) => ({ ...s, candidate: { colour, release: number } }));
    await pruneReleases(ctx);
    return { colour, release, count, live, about: subject };
  });
}

/** The other --target services, each image pulled or built and pinned as the target's is: their IDs to freeze, their names to run by. */
async function resolveCompanions(ctx: Context, config: ComposeConfig): Promise<{ inputs: CompanionInput[]; images: Record<string, string> }> {
  const inputs: CompanionInput[] = [];
  const images: Record<string, string> = {};
  for (const name of ctx.options.companions) {
    const { image, imageId } = await resolveImage(ctx, config, name);
    inputs.push({ name, imageId, imageHasHealthcheck: await ctx.docker.imageHasHealthcheck(imageId) });
    images[name] = image;
  }
  return { inputs, images };
}

/** Keeps the newest frozen files, and always the live and previous ones. */
export async function pruneReleases(ctx: Context): Promise<void> {
  const state = await ctx.store.read();
  const protect = [state.live?.release, state.previousLive, state.candidate?.release];
  for (const number of releasesToPrune(await ctx.store.releaseNumbers(), RELEASES_KEPT, protect)) await ctx.store.deleteRelease(number);
}
