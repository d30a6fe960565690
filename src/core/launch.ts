import type { Colour } from '../plan/colour.js';
import { renderColourProject, ROUTE_SERVICE } from '../plan/colour-project.js';
import { previewKeyOf, rankedCompanions, type RoutingMode } from '../plan/labels.js';
import {
  atDocker,
  colourProject,
  companionLiveRouter,
  companionPreviewRouter,
  companionPreviewServiceName,
  companionServiceName,
  LABEL,
  liveRouter,
  PREVIEW_KEY_HEADER,
  previewHeaders,
  previewRouter,
  previewServiceName,
  serviceName,
} from '../plan/names.js';
import { companionLivePriority, companionPreviewPriority, livePriority, PREVIEW_PRIORITY } from '../plan/priority.js';
import type { Release } from '../plan/release.js';
import type { ContainerView } from '../runtime/docker.js';
import { waitAnsweredBy } from '../waiting/end-to-end.js';
import { waitHealthy } from '../waiting/health.js';
import { Deadline } from '../waiting/retry.js';
import { BgError, ExitCode, LockLostError, needsPersonError } from '../errors.js';
import { failedUndoExit } from '../plan/revert.js';
import { onEachInstance, waitRouted } from '../waiting/traefik.js';
import type { Context } from './context.js';
import { removeRoute, startRoute } from './route.js';
import type { Undo } from './colour-runtime.js';
import { ensureResources } from './resources.js';
import { currentExclusions } from './routers.js';
import { appPreviewKey } from './preview-key.js';
import { releaseProbe } from '../plan/probe.js';
import { companionCounts, companionsBefore, runningWorkers, stopOtherReleaseWorkers, waitCompanionsHealthy } from './companions.js';
import { certificateError, isCertificateError } from '../runtime/entrypoint.js';

/**
 * Runs a release in a colour and waits until every container is healthy;
 * in live mode, then starts the colour's route container (its live router)
 * once they are. The target's labels do not depend on the mode (held, see
 * plan/labels.ts), so compose recreates a colour's containers only for
 * another release or configuration: harmless here, because bluegreen only
 * ever does this to a colour that carries no live traffic.
 */
export async function launchColour(ctx: Context, frozen: Release, colour: Colour, mode: RoutingMode, count: number, deadline: Deadline, scaled: Record<string, number> = {}): Promise<ContainerView[]> {
  const [{ excluded, companions: companionExclude }, previewKey, release] = await Promise.all([currentExclusions(ctx, frozen), appPreviewKey(ctx), companionCounts(ctx, frozen, colour, scaled)]);
  const spec = renderColourProject(release, colour, { ...mode, exclude: excluded, companionExclude, previewKey }, ctx.options.network, true);
  await ensureResources(ctx, spec);
  const fields = { colour, release: release.number };
  // A route container left from the colour's last time live must not send live traffic to what starts now.
  if (mode.kind === 'preview') await removeRoute(ctx, colour);
  const companions = await companionsBefore(ctx, release, colour);
  await stopOtherReleaseWorkers(ctx, colour, companions);
  // The colour carries no live traffic (the guards make sure): what it runs
  // is replaced at once, not after its stop_grace_period (an app whose PID 1
  // ignores SIGTERM would make every launch wait it out).
  const { [ROUTE_SERVICE]: _route, ...appServices } = spec.services;
  await ctx.out.step(
    `start ${count} container${count > 1 ? 's' : ''} ${mode.kind === 'preview' ? 'with the preview route' : `(the live route, generation ${mode.generation}, once healthy)`}`,
    () => ctx.compose.up({ ...spec, services: appServices }, { scale: { service: release.target, count }, stopTimeoutSeconds: 0 }),
    fields,
    'start',
  );
  const labels = { 'com.docker.compose.project': colourProject(ctx.app, colour), 'com.docker.compose.service': release.target, [LABEL.routing]: 'held', [LABEL.release]: String(release.number) };
  const waitTarget = () => waitHealthy(ctx.docker, { labels, count, deadline, what: `${colour} (release ${release.number})` });
  // Workers that ran this release, healthy, before the start were left as
  // they are: judged when they started, not again (a rollback, or its undo).
  const names = [release.target, ...Object.keys(release.companions ?? {})].join(', ');
  const containers = companions.ready
    ? await ctx.out.step('wait until healthy', waitTarget, fields, 'healthy')
    : await ctx.out.step(`wait until ${names} are healthy`, async () => (await Promise.all([waitTarget(), waitCompanionsHealthy(ctx, release, colour, deadline)]))[0], fields, 'healthy');
  if (mode.kind === 'live') await startRoute(ctx, spec, release, colour, mode.generation);
  return containers;
}

/** Verifies the route in Traefik's API, then end to end through the entrypoint. */
export async function verifyRoute(ctx: Context, release: Release, colour: Colour, mode: RoutingMode, containers: Pick<ContainerView, 'ips' | 'labels'>[], deadline: Deadline): Promise<void> {
  const fields = { colour, release: release.number };
  const router = mode.kind === 'preview' ? previewRouter(ctx.app, colour) : liveRouter(ctx.app, colour);
  const priority = mode.kind === 'preview' ? PREVIEW_PRIORITY : livePriority(mode.generation);
  const servers = containers.map((c) => `http://${c.ips[ctx.options.network]}:${release.routing.port}`);
  await ctx.out.step(
    `Traefik routes ${atDocker(router)}${onEachInstance(ctx.traefik)}`,
    () => waitRouted(ctx.traefik, { router, priority, service: (mode.kind === 'preview' ? previewServiceName : serviceName)(ctx.app, colour), servers, deadline }),
    fields,
    'traefik',
  );
  await verifyCompanionRoutes(ctx, release, colour, mode, deadline);
  const preview = mode.kind === 'preview';
  const probe = releaseProbe(release, ctx.options.probe);
  const key = previewKeyOf(containers) ?? (await ctx.store.read()).previewKey;
  await ctx.out.step(
    `answered by ${colour} through ${ctx.entrypoint.url}${preview ? ' (with the colour header and preview key)' : ''}`,
    () =>
      waitAnsweredBy({
        entrypoint: ctx.entrypoint,
        probe,
        statuses: ctx.options.probe.statuses,
        colour,
        headers: checkHeaders(colour, preview, key),
        times: preview ? 1 : 5,
        deadline,
      }),
    fields,
    'end-to-end',
  );
}

/**
 * Each routed companion's router, as Traefik shows it: its preview router,
 * or its live router (carried by the first target's containers, so in the
 * same reload as theirs), sending to exactly the companion's containers.
 * The end-to-end check asks the first target only: a companion's rule
 * names no path known to answer.
 */
export async function verifyCompanionRoutes(ctx: Context, release: Release, colour: Colour, mode: RoutingMode, deadline: Deadline): Promise<void> {
  const companions = rankedCompanions(release);
  if (companions.length === 0) return;
  const fields = { colour, release: release.number };
  const running = await runningWorkers(ctx, colour);
  for (const { target, routing, rank } of companions) {
    const router = mode.kind === 'preview' ? companionPreviewRouter(ctx.app, colour, target) : companionLiveRouter(ctx.app, colour, target);
    const priority = mode.kind === 'preview' ? companionPreviewPriority(rank) : companionLivePriority(mode.generation, rank);
    const service = (mode.kind === 'preview' ? companionPreviewServiceName : companionServiceName)(ctx.app, colour, target);
    const servers = running
      .filter((c) => c.labels['com.docker.compose.service'] === target && c.labels[LABEL.release] === String(release.number))
      .map((c) => `http://${c.ips[ctx.options.network]}:${routing.port}`);
    await ctx.out.step(`Traefik routes ${atDocker(router)}${onEachInstance(ctx.traefik)}`, () => waitRouted(ctx.traefik, { router, priority, service, servers, deadline }), fields, 'traefik');
  }
}

/**
 * What the end-to-end check sends: the preview route's headers; for the
 * live route, the preview key alone: the live router takes it as any
 * request (its rule asks nothing of it), the check router answers it when
 * live answers carry no colour header, and maintenance mode lets it through
 * (plan/maintenance.ts), so a deploy --maintenance verifies the app, not the page.
 */
function checkHeaders(colour: Colour, preview: boolean, key: string | undefined): Record<string, string> {
  if (preview) return previewHeaders(colour, key);
  return key ? { [PREVIEW_KEY_HEADER]: key } : {};
}

/**
 * A certificate that does not verify for the app's host will not verify
 * later either: refused before anything is launched (exit 2). Any other
 * outcome is for the end-to-end check to judge.
 */
async function assertCertificateVerifies(ctx: Context, release: Release): Promise<void> {
  if (!ctx.entrypoint.secure) return;
  const probe = releaseProbe(release, ctx.options.probe);
  await ctx.entrypoint.request(probe, {}, 3000).catch((error: unknown) => {
    if (isCertificateError(error)) throw certificateError(ctx.entrypoint.url, probe.host, error);
  });
}

/** Removes a colour that carries no live traffic (a failed candidate). */
export async function removeColour(ctx: Context, colour: Colour): Promise<void> {
  await ctx.out.step(`remove ${colour}`, () => ctx.compose.down(colourProject(ctx.app, colour)), { colour }, 'remove');
}

/**
 * Launches a release in a colour with the given routing and verifies it
 * (health, Traefik, end to end) within one --timeout. On failure it undoes
 * and fails with exit 1; an undo that fails too is exit 5, needs a person.
 */
export async function launchVerified(ctx: Context, release: Release, colour: Colour, mode: RoutingMode, count: number, undo: Undo, scaled: Record<string, number> = {}): Promise<void> {
  await assertCertificateVerifies(ctx, release);
  await verifiedOrUndone(ctx, colour, mode, undo, async (deadline) => {
    const containers = await launchColour(ctx, release, colour, mode, count, deadline, scaled);
    await verifyRoute(ctx, release, colour, mode, containers, deadline);
  });
}

/** Runs `body` within one --timeout; on failure runs `undo` (exit 1), or fails with exit 5 (4: the engine is gone) when that fails too. */
export async function verifiedOrUndone(ctx: Context, colour: Colour, mode: RoutingMode, undo: Undo, body: (deadline: Deadline) => Promise<void>): Promise<void> {
  const deadline = Deadline.after(ctx.options.timeoutMs);
  try {
    await body(deadline);
  } catch (error) {
    if (error instanceof LockLostError) throw error;
    await undo.run().catch((undoError: BgError) => {
      if (failedUndoExit(mode.kind, undoError) === ExitCode.unreachable) {
        throw new BgError(
          `${(error as Error).message}; ${undo.what} could not reach the engine either: ${colour} is left on its preview route, never live`,
          ExitCode.unreachable,
          'live traffic is untouched; once the engine answers, the next up or deploy replaces it',
        );
      }
      throw needsPersonError(`${(error as Error).message}; ${undo.what} failed too: ${undoError.message}`, undo.hint);
    });
    throw error instanceof BgError ? error : new BgError((error as Error).message, ExitCode.failedReverted);
  }
}
