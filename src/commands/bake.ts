import { bakeWindow, type BakeOutcome } from '../core/bake.js';
import type { Context } from '../core/context.js';
import { BgError, ExitCode, LockLostError, needsPersonError } from '../errors.js';
import { describeJudgement, describeLimit } from '../plan/bake.js';
import { formatDuration } from '../plan/duration.js';
import { stopAfterSwitch } from './deploy.js';
import { rollBack } from './rollback.js';
import type { SwitchResult } from './switch.js';

/**
 * After a switch with --bake: the window (core/bake.ts); at a breach, the
 * release that was live before goes live again from its frozen file, one
 * generation up, and the failing colour is drained and stopped. Exit 1:
 * the operation failed and was reverted; history keeps the figure.
 */
export async function bakeOrSwitchBack(ctx: Context, switched: SwitchResult): Promise<BakeOutcome> {
  const outcome = await bakeWindow(ctx, switched.colour, (await ctx.runtime()).provider);
  if (outcome.judgement.verdict !== 'breach') return outcome;
  const figure = describeJudgement(outcome.judgement);
  const limit = describeLimit(outcome.judgement, ctx.options.bake);
  ctx.out.warn(`${switched.colour} (release ${switched.release.number}) answered ${figure} in the ${formatDuration(outcome.afterMs)} after its switch, above ${limit}: switching back`);
  const started = Date.now();
  let back;
  try {
    back = await rollBack(ctx, {});
    await stopAfterSwitch(ctx, back);
  } catch (error) {
    if (error instanceof LockLostError) throw error;
    throw Object.assign(
      needsPersonError(
        `release ${switched.release.number} failed its bake window (${figure}) and switching back failed: ${(error as Error).message}`,
        'check `bluegreen status`; `bluegreen rollback` when the cause is fixed',
      ),
      { about: switched.about },
    );
  }
  throw Object.assign(
    new BgError(
      `release ${switched.release.number} rolled back by the bake window: ${figure} in the ${formatDuration(outcome.afterMs)} after its switch (above ${limit}); release ${back.release.number} is live again in ${back.colour} (${formatDuration(Date.now() - started)} to switch back), ${switched.colour} stopped`,
      ExitCode.failedReverted,
      `look at release ${switched.release.number}'s logs before deploying it again`,
    ),
    { about: switched.about },
  );
}
