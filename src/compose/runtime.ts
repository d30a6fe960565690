import type { ColourRuntime, Launched, Undo } from '../core/colour-runtime.js';
import { assertCompanionsStillHealthy, runningWorkers } from '../core/companions.js';
import type { Context } from '../core/context.js';
import { withdrawColour } from '../core/detach.js';
import { assertLiveRouterWins } from '../core/guard.js';
import { launchColour, launchVerified, removeColour } from '../core/launch.js';
import { about } from '../core/operation.js';
import { preflight } from '../core/preflight.js';
import { ensureSideTargets, sideTargetsUnchanged, warnWorkersStillSideTargets } from '../core/side-targets.js';
import { plainContainers, stopPlainContainers } from '../core/takeover.js';
import type { Colour } from '../plan/colour.js';
import { servesPreviewOnly } from '../plan/labels.js';
import { colourProject, LABEL } from '../plan/names.js';
import type { ColourView } from '../plan/reality.js';
import type { Release } from '../plan/release.js';
import { Deadline } from '../waiting/retry.js';
import { scaleTarget } from './scale-target.js';
import { scaleUpInPlace } from './scale-up.js';

/**
 * One host: each colour is a compose project (`<app>-blue`, `<app>-green`)
 * whose containers carry their Traefik labels; the side targets run in the
 * app's own project, as plain compose runs them.
 */
export const composeRuntime: ColourRuntime = {
  provider: 'docker',
  unit: 'container',
  ownsPlainProject: true,
  // Reconciles what an interrupted command left (core/reconcile.ts).
  observe: (ctx) => preflight(ctx),
  firstCount: () => 1,
  plainToTakeOver: async (ctx, target) => (await plainContainers(ctx, [target, ...ctx.options.companions])).filter((c) => c.state === 'running' && c.labels['com.docker.compose.service'] === target),
  asRun: async (_ctx, frozen) => frozen,
  warnBeforeUp: (ctx) => warnWorkersStillSideTargets(ctx),
  sideTargets: (ctx, config) => {
    // Asked now (a compose config hash, the images), answered while the guard runs and the release is written.
    const unchanged = sideTargetsUnchanged(ctx, config);
    unchanged.catch(() => undefined);
    return { start: () => ensureSideTargets(ctx, config, unchanged) };
  },
  launchVerified: async (ctx, { release, colour, mode, count }, undo) => {
    await launchVerified(ctx, release, colour, mode, count, undo);
    return {};
  },
  removeColour: (ctx, colour) => removeColour(ctx, colour),
  removeCommand: (app, colour) => `docker compose -p ${colourProject(app, colour)} down`,
  assertCandidateIntact: (ctx, release, colour) => assertCompanionsStillHealthy(ctx, release, colour),
  goLive,
  assertRunnable: () => undefined,
  promote: (ctx, { release, colour, generation, count, live, scaled = {} }) =>
    launchLive(
      ctx,
      { release, colour, generation, count, scaled },
      {
        what: `removing ${colour}`,
        run: async () => {
          await withdrawColour(ctx, release, colour);
          await removeColour(ctx, colour);
        },
        hint: `check \`bluegreen status\`; ${live ?? 'the live colour'} keeps the higher live router only if ${colour} is gone`,
      },
    ),
  stopStrayWorkers,
  withdraw: (ctx, release, colour) => withdrawColour(ctx, release, colour),
  stopColour: (ctx, colour) => ctx.out.step(`stop ${colour} (kept for rollback)`, () => ctx.compose.stop(colourProject(ctx.app, colour)), { colour }, 'stop'),
  takeOverPlain,
  scaleTarget: (ctx, spec, target, observed, move) => scaleTarget(ctx, spec, target, observed, move),
  // Removing replicas from a live colour in place cannot be made safe on one host (commands/scale.ts): a scale-down moves.
  scaleDownMoves: true,
  scaleInPlace: (ctx, scale) => scaleUpInPlace(ctx, scale),
  status: async (ctx) => {
    const { readStatus, formatStatus } = await import('../commands/status.js');
    const status = await readStatus(ctx);
    return { line: formatStatus(status), event: { ...status } };
  },
  removeProject: (ctx, project) => ctx.compose.down(project),
};

/**
 * The candidate's containers are recreated with a live router one
 * generation above the current one. When they are healthy, Traefik's next
 * reload shadows the old colour's router in one step; the old colour keeps
 * running and finishes what it has in flight. On failure the candidate goes
 * back to preview only (exit 1).
 */
async function goLive(ctx: Context, { release, colour, generation, view }: { release: Release; colour: Colour; generation: number; view: ColourView }) {
  const previews = replaceableAfterStart(ctx, colour, view.containers);
  // A switch interrupted after its live containers started leaves them beside the previews: as many as the previews.
  const count = view.containers.filter((c) => c.state === 'running' && c.labels[LABEL.routing] === 'preview').length || view.running;
  return launchLive(
    ctx,
    { release, colour, generation, count, previews },
    {
      what: `putting ${colour} back to preview only`,
      run: () => revertToPreview(ctx, release, colour, count),
      hint: 'check `bluegreen status`; the previous live colour still has its live router',
    },
  );
}

/** A release in a colour with its live router one generation up, verified; `previews` are replaced once the live containers started. */
async function launchLive(
  ctx: Context,
  launch: { release: Release; colour: Colour; generation: number; count: number; previews?: string[]; scaled?: Record<string, number> },
  undo: Undo,
): Promise<Launched> {
  const { release, colour, generation, count, previews = [], scaled = {} } = launch;
  await launchVerified(ctx, release, colour, { kind: 'live', generation }, count, undo, previews, scaled);
  return {};
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

/** Workers of a colour whose routed containers are gone or stopped serve nobody's release: stopped too. */
async function stopStrayWorkers(ctx: Context, colour: Colour): Promise<boolean> {
  if ((await runningWorkers(ctx, colour)).length === 0) return false;
  await ctx.out.step(`stop ${colour}'s workers (its routed containers do not run)`, () => ctx.compose.stop(colourProject(ctx.app, colour)), { colour }, 'stop');
  return true;
}

/** The app as plain compose ran it before the first deploy, once the live colour's router wins: drained and stopped. */
async function takeOverPlain(ctx: Context, live: ColourView): Promise<string[]> {
  const release = live.release === undefined ? undefined : await ctx.store.loadRelease(live.release).catch(() => undefined);
  const services = release ? [release.target, ...Object.keys(release.companions ?? {})] : ctx.options.target ? [ctx.options.target] : [];
  if (services.length === 0 || !(await plainContainers(ctx, services)).some((c) => c.state === 'running')) return [];
  await assertLiveRouterWins(ctx, live.colour, live.generation ?? 0);
  return about({ colour: live.colour, release: live.release }, () => stopPlainContainers(ctx, services));
}
