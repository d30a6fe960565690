import type { ColourRuntime, Launched, Undo } from '../core/colour-runtime.js';
import { assertCompanionsStillHealthy, runningWorkers } from '../core/companions.js';
import type { Context } from '../core/context.js';
import { withdrawColour } from '../core/detach.js';
import { assertLiveRouterWins } from '../core/guard.js';
import { launchColour, launchVerified, removeColour, verifiedOrUndone, verifyRoute } from '../core/launch.js';
import { startRoute } from '../core/route.js';
import { currentExclusions } from '../core/routers.js';
import { renderColourProject } from '../plan/colour-project.js';
import { about } from '../core/operation.js';
import { preflight } from '../core/preflight.js';
import { ensureSideTargets, sideTargetsUnchanged, warnWorkersStillSideTargets } from '../core/side-targets.js';
import { plainContainers, stopPlainContainers } from '../core/takeover.js';
import type { Colour } from '../plan/colour.js';
import { previewKeyOf } from '../plan/labels.js';
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
 * The candidate goes live without a container of the app started: its
 * route container (the live router, one generation up) starts beside the
 * containers that answered the preview, and Traefik's next reload shadows
 * the old colour's router in one step; the old colour keeps running and
 * finishes what it has in flight. On failure the route container goes
 * (exit 1): the candidate is on its preview route again. A candidate
 * launched before route containers is relaunched live instead.
 */
async function goLive(ctx: Context, { release, colour, generation, view }: { release: Release; colour: Colour; generation: number; view: ColourView }): Promise<Launched> {
  const mode = { kind: 'live', generation } as const;
  const held = view.containers.length > 0 && view.containers.every((c) => c.state === 'running' && c.labels[LABEL.routing] === 'held');
  const undo: Undo = {
    what: `putting ${colour} back to preview only`,
    run: held ? () => withdrawColour(ctx, release, colour) : () => revertToPreview(ctx, release, colour, view.running),
    hint: 'check `bluegreen status`; the previous live colour still has its live router',
  };
  if (!held) return launchLive(ctx, { release, colour, generation, count: view.running }, undo);
  await verifiedOrUndone(ctx, colour, mode, undo, async (deadline) => {
    const { excluded, companions } = await currentExclusions(ctx, release);
    // The containers that answered the preview, as observed at the start of the switch (held: all running).
    const containers = view.containers.map((c) => ({ labels: c.labels, ips: c.ips ?? {} }));
    const spec = renderColourProject(release, colour, { ...mode, exclude: excluded, companionExclude: companions, previewKey: previewKeyOf(view.containers) }, ctx.options.network, true);
    await startRoute(ctx, spec, release, colour, generation);
    await verifyRoute(ctx, release, colour, mode, containers, deadline);
  });
  return {};
}

/** A release in a colour with its live router one generation up, verified. */
async function launchLive(ctx: Context, launch: { release: Release; colour: Colour; generation: number; count: number; scaled?: Record<string, number> }, undo: Undo): Promise<Launched> {
  const { release, colour, generation, count, scaled = {} } = launch;
  await launchVerified(ctx, release, colour, { kind: 'live', generation }, count, undo, scaled);
  return {};
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
