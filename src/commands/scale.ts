import { recordLive } from '../core/record-live.js';
import type { ColourRuntime, ScaleResult } from '../core/colour-runtime.js';
import type { Context } from '../core/context.js';
import { assertNotServingLive } from '../core/guard.js';
import { loadRelease } from '../core/load-release.js';
import { about } from '../core/operation.js';
import type { Observed } from '../core/reconcile.js';
import { usageError } from '../errors.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { liveColour, nextGeneration } from '../plan/reality.js';
import type { Release } from '../plan/release.js';
import { applyScale, formatScale, type ScaleSpec } from '../plan/scale.js';
import { stopAfterSwitch } from './deploy.js';

export type { ScaleResult } from '../core/colour-runtime.js';

/**
 * Scales the live colour's target, counting from what runs (not a stored
 * number). Up: in place, new copies routed only once healthy. Down: in
 * place where the runtime can stop copies without cutting a request (a
 * swarm), else by moving the release (moveScale).
 */
export async function scaleLive(ctx: Context, spec: ScaleSpec | undefined, target?: string): Promise<ScaleResult> {
  if (!spec) throw usageError('scale needs a count', 'e.g. `bluegreen scale +2`, `bluegreen scale -1`, `bluegreen scale 3`');
  const runtime = await ctx.runtime();
  const observed = await runtime.observe(ctx);
  const { colours } = observed;
  const live = liveColour(colours);
  if (!live) throw usageError(`no colour is live: nothing to scale ${formatScale(spec)}`, 'run `bluegreen deploy` first');
  if (target !== undefined) {
    const scaled = await runtime.scaleTarget(ctx, spec, target, observed, (move) => moveScale(ctx, runtime, move, observed));
    if (scaled) return scaled;
  }
  const view = colours[live];
  const to = applyScale(spec, view.running);
  const counted = { colour: live, release: view.release, detail: `${view.running} -> ${to}` };
  if (to === view.running) {
    ctx.out.info(`${live} already runs ${to}`);
    return { colour: live, from: view.running, to, about: counted };
  }
  const release = await loadRelease(ctx, view.release!);
  const subject = { ...counted, image: release.image };
  return about(subject, async (): Promise<ScaleResult> => {
    if (to < view.running && runtime.scaleDownMoves) return moveScale(ctx, runtime, { live, from: view.running, to, release }, observed);
    return runtime.scaleInPlace(ctx, { live, view, release, to, subject });
  });
}

/**
 * Down, on one host: the same frozen release starts in the other colour
 * with the new count and its live router one generation up; once verified,
 * the colour it replaces is drained and stopped like after a switch.
 * Removing replicas from the live colour in place cannot be made safe: any
 * container event on the engine makes Traefik relist, and a replica that is
 * still running (an app whose PID 1 ignores SIGTERM runs its whole grace
 * period) is routed again until it is killed with requests in flight. A
 * shadowed colour gets none.
 */
export async function moveScale(
  ctx: Context,
  runtime: ColourRuntime,
  move: { live: Colour; from: number; to: number; release: Release; target?: string },
  { colours, state }: Observed,
): Promise<ScaleResult> {
  const { live, from, to, release, target } = move;
  // The first target keeps its count when another target is scaled down.
  const count = target ? colours[live].running : to;
  const scaled = target ? { [target]: to } : {};
  const colour = otherColour(live);
  if (colours[colour].running > 0 && colours[colour].routing === 'preview') {
    throw usageError(
      `${colour} runs a candidate (release ${colours[colour].release}) that a scale-down would replace`,
      `switch to it first (\`bluegreen switch\`), or remove it (\`bluegreen stop-old --remove\`)`,
    );
  }
  const generation = nextGeneration(state, colours);
  await assertNotServingLive(ctx, colour, runtime.provider);
  await runtime.promote(ctx, { release, colour, generation, count, live, view: colours[colour], scaled });
  // The release is unchanged: what rollback brings back stays as it was (recordedLive never records a release as its own previous one).
  await recordLive(ctx, { colour, release: release.number, generation, at: Date.now(), replaced: release.number });
  const subject = { colour, release: release.number, image: release.image, detail: `${target ? `${target} ` : ''}${from} -> ${to} (moved from ${live} to ${colour})` };
  await stopAfterSwitch(ctx, { colour, release, generation, switchedAt: Date.now(), about: subject });
  return { colour, from, to, movedFrom: live, about: subject, ...(target ? { target } : {}) };
}
