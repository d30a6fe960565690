import { recordLive } from '../core/record-live.js';
import type { Context } from '../core/context.js';
import { assertNotServingLive } from '../core/guard.js';
import { loadRelease } from '../core/load-release.js';
import { about } from '../core/operation.js';
import { usageError } from '../errors.js';
import { candidateColour, type Colour } from '../plan/colour.js';
import { liveColour, nextGeneration } from '../plan/reality.js';
import type { SwitchResult } from './switch.js';

/**
 * Makes the release that was live before the current one live again (or
 * release N), in the colour that is not live, from its frozen file: whether
 * its containers are running, stopped or gone. Its live router goes one
 * generation above the current one; on failure that colour stops carrying
 * it and live traffic stays where it was (exit 1).
 */
export async function rollBack(ctx: Context, options: { to?: number }): Promise<SwitchResult & { from?: Colour }> {
  const runtime = await ctx.runtime();
  const { colours, state } = await runtime.observe(ctx);
  const live = liveColour(colours);
  const liveRelease = live ? colours[live].release : undefined;
  const number = options.to ?? state.previousLive;
  if (number === undefined) throw usageError('there is no earlier live release to roll back to', 'see `bluegreen history`; `rollback --to N` picks a release');
  if (number === liveRelease) throw usageError(`release ${number} is already live in ${live}`, 'see `bluegreen history` for other releases');
  const release = await loadRelease(ctx, number);
  // Before anything changes: a release this runtime cannot run is refused (exit 2).
  runtime.assertRunnable(release);
  const colour = candidateColour(live);
  const subject = { release: number, image: release.image, colour };
  const count = live ? colours[live].running : 1;
  const generation = nextGeneration(state, colours);
  const launched = await about(subject, async () => {
    await assertNotServingLive(ctx, colour, runtime.provider);
    return runtime.promote(ctx, { release, colour, generation, count, live, view: colours[colour] });
  });
  const switchedAt = Date.now();
  await recordLive(ctx, { colour, release: number, generation, at: switchedAt, replaced: liveRelease });
  return { colour, release, generation, switchedAt, replaced: launched.replaced, from: live, about: subject };
}
