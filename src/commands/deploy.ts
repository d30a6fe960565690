import type { Context } from '../core/context.js';
import { about } from '../core/operation.js';
import type { HistorySubject } from '../plan/state.js';
import { BgError, ExitCode, LockLostError, needsPersonError, usageError } from '../errors.js';
import { observeColours } from '../core/observe.js';
import { liveColour } from '../plan/reality.js';
import { stopOld, type StopOldResult } from './stop-old.js';
import { HookVetoError } from '../core/hooks.js';
import { assertBakeCanJudge } from '../core/bake.js';
import { switchLive, type SwitchResult } from './switch.js';
import { bringUp, type UpResult } from './up.js';

export interface DeployResult {
  up: UpResult;
  switched: SwitchResult;
  stopped?: StopOldResult;
  about: HistorySubject;
}

/** up, switch, stop-old: the ./deploy.sh replacement. A failed switch removes the candidate. */
export async function deploy(ctx: Context, options: { keepOld: boolean; maintenance?: boolean }): Promise<DeployResult> {
  await assertBakeCanJudge(ctx);
  if (options.maintenance && (await ctx.runtime()).provider !== 'docker')
    throw usageError('deploy --maintenance runs on one host: swarm mode has no maintenance page yet', 'deploy without --maintenance');
  if (ctx.options.canary.length) await (await import('../core/canary.js')).assertCanaryCan(ctx);
  const up = await bringUp(ctx);
  let switched: SwitchResult;
  // --maintenance: the page answers from here (the candidate verified) until the new release is live.
  let maintenance: 'turned-on' | 'left' = 'left';
  const canary = ctx.options.canary.length ? await import('../core/canary.js') : undefined;
  try {
    if (canary) await canarySteps(ctx, canary, up);
    if (options.maintenance) maintenance = await maintenanceForSwitch(ctx);
    switched = await switchLive(ctx);
  } catch (error) {
    if (canary)
      await canary.removeCanary(ctx).catch((removal: Error) => {
        throw needsPersonError(
          `${(error as Error).message}; taking the canary out failed too: ${removal.message}`,
          'run any bluegreen command (it takes a canary step out first), then see `bluegreen status`',
        );
      });
    // Exit 5 (switchLive could not put the candidate back to preview, so it may hold live traffic
    // now: removing it could cut that) and a lost lock are left to a person, maintenance as it is.
    if (error instanceof LockLostError || (error instanceof BgError && error.exitCode === ExitCode.needsPerson)) throw stillInMaintenance(error, maintenance);
    // switchLive put the candidate back to preview; a deploy leaves nothing behind.
    const runtime = await ctx.runtime();
    await runtime.removeColour(ctx, up.colour).catch((removal: Error) => {
      throw stillInMaintenance(needsPersonError(`${(error as Error).message}; removing the candidate failed too: ${removal.message}`, runtime.removeCommand(ctx.app, up.colour)), maintenance);
    });
    if (maintenance === 'turned-on') await endMaintenance(ctx, error);
    throw error;
  }
  // The switch is verified (its checks pass the canary by): the canary goes, the live router has it all.
  // The new release is live from here: a failure is not undone by removing it, it needs a person.
  if (canary) {
    await ctx.out
      .step('take the canary out', () => canary.removeCanary(ctx), { colour: up.colour }, 'canary')
      .catch((error: Error) => {
        throw needsPersonError(
          `release ${switched.release.number} is live in ${switched.colour}, but taking the canary out failed: ${error.message}`,
          'run any bluegreen command: it takes a canary step out first',
        );
      });
  }
  // Off before the bake window: it judges the new release on real traffic.
  if (maintenance === 'turned-on') await endMaintenance(ctx);
  // The old colour runs through the bake window, untouched: a switch back is one launch (on a swarm, one label update) away.
  if (ctx.options.bake.ms > 0) await (await import('./bake.js')).bakeOrSwitchBack(ctx, switched);
  const stopped = options.keepOld ? undefined : await stopAfterSwitch(ctx, switched);
  // A first deploy that took the app over from plain compose says so in history.
  return { up, switched, stopped, about: stopped?.takenOver ? { ...up.about, detail: stopped.about.detail } : up.about };
}

/** --canary's steps on the candidate just verified; the first deploy (no live colour) has none, said. */
async function canarySteps(ctx: Context, canary: typeof import('../core/canary.js'), up: UpResult): Promise<void> {
  const colours = await observeColours(ctx);
  const live = liveColour(colours);
  if (!live) {
    ctx.out.warn('--canary: no live colour yet, so no live traffic to share; deploying without it');
    return;
  }
  ctx.keepCanary = true;
  await canary.runCanary(ctx, { live: colours[live], candidate: colours[up.colour], release: up.release, livePort: await canary.livePortOf(ctx, colours[live]) }, ctx.options.canary);
}

/** Maintenance on for the switch; one already on is left as it is (and on). No live colour yet: nothing to shadow, said. */
async function maintenanceForSwitch(ctx: Context): Promise<'turned-on' | 'left'> {
  const { maintenanceOn } = await import('../core/maintenance.js');
  const colours = await observeColours(ctx);
  if (!liveColour(colours)) {
    ctx.out.warn('--maintenance: no live colour yet, so no live route to put in maintenance; deploying without it');
    return 'left';
  }
  const result = await maintenanceOn(ctx, ctx.options.maintenance);
  return result.already ? 'left' : 'turned-on';
}

/** An error that leaves maintenance on says so. */
function stillInMaintenance<E extends Error>(error: E, maintenance: 'turned-on' | 'left'): E {
  if (maintenance !== 'turned-on') return error;
  error.message = `${error.message} (maintenance is still on: every request gets the page until \`bluegreen maintenance off\`)`;
  return error;
}

/** Maintenance off, after the switch or its undo; failing that, the live release is still what it was: a person turns it off. */
async function endMaintenance(ctx: Context, failure?: unknown): Promise<void> {
  const { maintenanceOff } = await import('../core/maintenance.js');
  await maintenanceOff(ctx).catch((error: Error) => {
    const before = failure ? `${(failure as Error).message}; ` : '';
    throw needsPersonError(`${before}turning maintenance off failed: ${error.message}`, 'run `bluegreen maintenance off`: every request gets the maintenance page until then');
  });
}

/**
 * stop-old after a verified switch: the new release is live, so a failure
 * here is not "reverted" (1) nor "nothing changed" (4): it needs a person.
 * History records it as about the release that went live, not the old colour.
 */
export function stopAfterSwitch(ctx: Context, switched: SwitchResult): Promise<StopOldResult> {
  return about(switched.about, () => stopOldOrNeedsPerson(ctx, switched), { over: true });
}

async function stopOldOrNeedsPerson(ctx: Context, switched: SwitchResult): Promise<StopOldResult> {
  try {
    return await stopOld(ctx, { remove: false });
  } catch (error) {
    throw stopAfterSwitchFailed(error, switched);
  }
}

/**
 * What a stop-old that failed after a verified switch is: the new release
 * is live, so not "reverted", except where a pre_stop_old hook said no (the
 * old colour keeps running, shadowed, as it would with --keep-old); any
 * other failure needs a person.
 */
export function stopAfterSwitchFailed(error: unknown, switched: { release: { number: number }; colour: string }): BgError {
  if (error instanceof LockLostError) return error;
  if (error instanceof HookVetoError) {
    return new BgError(
      `release ${switched.release.number} is live in ${switched.colour}; ${error.message}, so the old colour keeps running (shadowed)`,
      ExitCode.failedReverted,
      'run `bluegreen stop-old` when the hook agrees',
      { details: error.details },
    );
  }
  return needsPersonError(
    `release ${switched.release.number} is live in ${switched.colour}, but stopping the old colour failed: ${(error as Error).message}`,
    'the old colour is shadowed and harmless; run `bluegreen stop-old` once the cause is fixed',
  );
}
