import type { Context } from '../core/context.js';
import { drain } from '../core/drain.js';
import { about } from '../core/operation.js';
import type { HistorySubject } from '../plan/state.js';
import { preflight } from '../core/preflight.js';
import { BgError, ExitCode, usageError } from '../errors.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { atProvider, colourProject, companionLiveRouter, LABEL, liveRouter } from '../plan/names.js';
import { runningWorkers } from '../core/companions.js';
import { onInstance, routerOnEachInstance } from '../waiting/traefik.js';
import { companionLivePriority, countsAsLive, livePriority } from '../plan/priority.js';
import { liveColour, type ColourView } from '../plan/reality.js';
import { liveExcludesOf, routesOf } from '../plan/labels.js';
import { stillAnsweredByOld } from '../plan/shadowing.js';
import { withdrawColour } from '../core/detach.js';
import { preHook } from '../core/hooks.js';
import { plainContainers, stopPlainContainers } from '../core/takeover.js';

export interface StopOldResult {
  colour?: Colour;
  stopped: number;
  drainedMs: number;
  /** Plain compose containers of the app (as it ran before bluegreen) drained and stopped: core/takeover.ts. */
  takenOver?: string[];
  about: HistorySubject;
}

/**
 * Drains and stops the colour that is not live. Stopped, not removed (so
 * `rollback` can bring it back) unless --remove. Refuses when Traefik does
 * not show the live colour's router winning: stopping would then cut traffic.
 */
export async function stopOld(ctx: Context, options: { remove: boolean }): Promise<StopOldResult> {
  const { colours } = await preflight(ctx);
  const live = liveColour(colours);
  if (!live) throw usageError('no colour is live, so none is old', 'run `bluegreen deploy` first; `bluegreen down` removes everything');
  const stoppedOld = await stopOldColour(ctx, options, colours, live);
  const takenOver = await takeOverPlain(ctx, colours[live]);
  return takenOver.length ? { ...stoppedOld, takenOver, about: { ...stoppedOld.about, detail: takeoverDetail(ctx.app, takenOver) } } : stoppedOld;
}

/** What history says of a takeover. */
export const takeoverDetail = (app: string, names: string[]) => `took over ${names.join(', ')} from plain compose (project ${app}): drained and stopped`;

/** The app as plain compose ran it before the first deploy, once the live colour's router wins: drained and stopped. */
async function takeOverPlain(ctx: Context, live: ColourView): Promise<string[]> {
  const release = live.release === undefined ? undefined : await ctx.store.loadRelease(live.release).catch(() => undefined);
  const services = release ? [release.target, ...Object.keys(release.companions ?? {})] : ctx.options.target ? [ctx.options.target] : [];
  if (services.length === 0 || !(await plainContainers(ctx, services)).some((c) => c.state === 'running')) return [];
  await assertLiveRouterWins(ctx, live.colour, live.generation ?? 0);
  return about({ colour: live.colour, release: live.release }, () => stopPlainContainers(ctx, services));
}

async function stopOldColour(ctx: Context, options: { remove: boolean }, colours: Record<Colour, ColourView>, live: Colour): Promise<StopOldResult> {
  const old = otherColour(live);
  const subject = { colour: old, release: colours[old].release };
  if (colours[old].containers.length === 0 || (colours[old].running === 0 && !options.remove)) {
    if (await stopStrayWorkers(ctx, old)) return { stopped: 0, drainedMs: 0, about: subject };
    ctx.out.info(`${old} is not running: nothing to stop`);
    return { stopped: 0, drainedMs: 0, about: subject };
  }
  return about(subject, async () => {
    await assertLiveRouterWins(ctx, live, colours[live].generation ?? 0);
    await assertCompanionRoutersWin(ctx, live, colours[live].generation ?? 0, colours[live].containers);
    await preHook(ctx, 'pre_stop_old', { release: colours[old].release, colour: old, previousRelease: colours[old].release, liveColour: live });
    await handOverRoutersLeftAlone(ctx, colours[live], colours[old]);
    const drained = colours[old].running > 0 ? await ctx.out.step(`drain ${old}`, () => drain(ctx, old), { colour: old }, 'drain') : { waitedMs: 0 };
    const project = colourProject(ctx.app, old);
    if (options.remove) await ctx.out.step(`remove ${old}`, () => ctx.compose.down(project), { colour: old }, 'remove');
    else await ctx.out.step(`stop ${old} (kept for rollback)`, () => ctx.compose.stop(project), { colour: old }, 'stop');
    await ctx.store.update((s) => (s.candidate?.colour === old ? { ...s, candidate: undefined } : s));
    return { colour: old, stopped: colours[old].running, drainedMs: drained.waitedMs, about: subject };
  });
}

/** Workers of a colour whose routed containers are gone or stopped serve nobody's release: stopped too. */
async function stopStrayWorkers(ctx: Context, colour: Colour): Promise<boolean> {
  if ((await runningWorkers(ctx, colour)).length === 0) return false;
  await ctx.out.step(`stop ${colour}'s workers (its routed containers do not run)`, () => ctx.compose.stop(colourProject(ctx.app, colour)), { colour }, 'stop');
  return true;
}

/**
 * Before the other colour is drained and stopped, every Traefik instance
 * must show the live colour's router winning: one that has not loaded it
 * (lagging, restarted) would still send requests to the colour stopped.
 */
export async function assertLiveRouterWins(ctx: Context, live: Colour, generation: number, provider: 'docker' | 'swarm' = 'docker'): Promise<void> {
  const views = await routerOnEachInstance(ctx.traefik, atProvider(liveRouter(ctx.app, live), provider));
  const index = views.findIndex((router) => router?.status !== 'enabled' || !countsAsLive(router.priority, generation));
  if (index === -1) return;
  const router = views[index];
  throw new BgError(
    `Traefik does not show ${liveRouter(ctx.app, live)} enabled at priority ${livePriority(generation)}${onInstance(index, views.length)} (${router ? `${router.status}, priority ${router.priority}` : 'absent'}): stopping the other colour could cut live traffic`,
    ExitCode.failedReverted,
    'check `bluegreen status`; nothing was stopped',
  );
}

/**
 * The same for each routed companion's live router (`-t web -t api`): one
 * that Traefik refused (its service not up) leaves that target on the old
 * colour, which must then keep running.
 */
async function assertCompanionRoutersWin(ctx: Context, live: Colour, generation: number, containers: { state: string; labels: Record<string, string> }[]): Promise<void> {
  const routed = containers.find((c) => c.state === 'running' && c.labels[LABEL.routing] === 'live');
  for (const [index, { target }] of (routed ? routesOf(routed.labels) : []).entries()) {
    const name = companionLiveRouter(ctx.app, live, target);
    const priority = companionLivePriority(generation, index + 1);
    const views = await routerOnEachInstance(ctx.traefik, atProvider(name));
    const lagging = views.findIndex((router) => router?.status !== 'enabled' || !countsAsLive(router.priority, generation, index + 1));
    if (lagging === -1) continue;
    const router = views[lagging];
    throw new BgError(
      `Traefik does not show ${name} enabled at priority ${priority}${onInstance(lagging, views.length)} (${router ? `${router.status}, priority ${router.priority}` : 'absent'}): ${target} may still be answered by ${otherColour(live)}`,
      ExitCode.failedReverted,
      `check \`bluegreen status\` and ${target}'s health in ${live}; nothing was stopped`,
    );
  }
}

/**
 * When the old colour still answers a team router that the live colour
 * leaves alone (plan/shadowing.ts stillAnsweredByOld), it is taken out of
 * Traefik while it runs (paused, relisted, resumed: core/detach.ts), so those
 * requests go to their own service before the old colour stops.
 */
async function handOverRoutersLeftAlone(ctx: Context, live: ColourView, old: ColourView): Promise<void> {
  const [liveExcludes, oldExcludes] = [liveExcludesOf(live.containers), liveExcludesOf(old.containers)];
  if (!liveExcludes || !oldExcludes) return;
  const routers = stillAnsweredByOld(liveExcludes, oldExcludes);
  if (routers.length === 0) return;
  const release = old.release === undefined ? undefined : await ctx.store.loadRelease(old.release);
  if (!release) {
    ctx.out.warn(`${old.colour} still answers ${routers.join(', ')}, and its release file is gone: stopping it without taking it out of Traefik first`);
    return;
  }
  await ctx.out.step(`hand ${routers.join(', ')} back (${old.colour} out of Traefik)`, () => withdrawColour(ctx, release, old.colour), { colour: old.colour }, 'handover');
}
