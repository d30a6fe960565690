import type { Context } from '../core/context.js';
import { drain } from '../core/drain.js';
import { about } from '../core/operation.js';
import type { HistorySubject } from '../plan/state.js';
import { BgError, ExitCode, usageError } from '../errors.js';
import { assertLiveRouterWins } from '../core/guard.js';
import type { ColourRuntime, Provider } from '../core/colour-runtime.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { atProvider, companionLiveRouter, LABEL } from '../plan/names.js';
import { onInstance, routerOnEachInstance } from '../waiting/traefik.js';
import { companionLivePriority, countsAsLive } from '../plan/priority.js';
import { liveCarriers, liveColour, type Colours, type ColourView } from '../plan/reality.js';
import { liveExcludesOf, routesOf } from '../plan/labels.js';
import { stillAnsweredByOld } from '../plan/shadowing.js';
import { preHook } from '../core/hooks.js';

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
  const runtime = await ctx.runtime();
  const { colours } = await runtime.observe(ctx);
  const live = liveColour(colours);
  if (!live) throw usageError('no colour is live, so none is old', 'run `bluegreen deploy` first; `bluegreen down` removes everything');
  const stoppedOld = await stopOldColour(ctx, runtime, options, colours, live);
  const takenOver = await runtime.takeOverPlain(ctx, colours[live]);
  return takenOver.length ? { ...stoppedOld, takenOver, about: { ...stoppedOld.about, detail: takeoverDetail(ctx.app, takenOver) } } : stoppedOld;
}

/** What history says of a takeover. */
export const takeoverDetail = (app: string, names: string[]) => `took over ${names.join(', ')} from plain compose (project ${app}): drained and stopped`;

async function stopOldColour(ctx: Context, runtime: ColourRuntime, options: { remove: boolean }, colours: Colours, live: Colour): Promise<StopOldResult> {
  const old = otherColour(live);
  const view = colours[old];
  const subject = { colour: old, release: view.release };
  // A colour stopped and kept still says which release it ran (its containers, its service's labels).
  const present = view.containers.length > 0 || view.release !== undefined;
  if (!present || (view.running === 0 && !options.remove)) {
    if (await runtime.stopStrayWorkers(ctx, old)) return { stopped: 0, drainedMs: 0, about: subject };
    ctx.out.info(`${old} is not running: nothing to stop`);
    return { stopped: 0, drainedMs: 0, about: subject };
  }
  return about(subject, async () => {
    const generation = colours[live].generation ?? 0;
    await assertLiveRouterWins(ctx, live, generation, runtime.provider);
    await assertCompanionRoutersWin(ctx, live, generation, liveCarriers(colours[live]), runtime.provider);
    await preHook(ctx, 'pre_stop_old', { release: view.release, colour: old, previousRelease: view.release, liveColour: live });
    await handOverRoutersLeftAlone(ctx, runtime, colours[live], view);
    const drained = view.running > 0 ? await ctx.out.step(`drain ${old}`, () => drain(ctx, old, runtime.provider), { colour: old }, 'drain') : { waitedMs: 0 };
    if (options.remove) await runtime.removeColour(ctx, old);
    else await runtime.stopColour(ctx, old, view);
    await ctx.store.update((s) => (s.candidate?.colour === old ? { ...s, candidate: undefined } : s));
    return { colour: old, stopped: view.running, drainedMs: drained.waitedMs, about: subject };
  });
}

/**
 * The same for each routed companion's live router (`-t web -t api`): one
 * that Traefik refused (its service not up) leaves that target on the old
 * colour, which must then keep running.
 */
async function assertCompanionRoutersWin(ctx: Context, live: Colour, generation: number, containers: { state: string; labels: Record<string, string> }[], provider: Provider): Promise<void> {
  const routed = containers.find((c) => c.state === 'running' && c.labels[LABEL.routing] === 'live');
  for (const [index, { target }] of (routed ? routesOf(routed.labels) : []).entries()) {
    const name = companionLiveRouter(ctx.app, live, target);
    const priority = companionLivePriority(generation, index + 1);
    const views = await routerOnEachInstance(ctx.traefik, atProvider(name, provider));
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
 * Traefik while it runs (on one host: paused, relisted, resumed, core/detach.ts), so those
 * requests go to their own service before the old colour stops.
 */
async function handOverRoutersLeftAlone(ctx: Context, runtime: ColourRuntime, live: ColourView, old: ColourView): Promise<void> {
  if (!runtime.withdraw) return;
  const [liveExcludes, oldExcludes] = [liveExcludesOf(liveCarriers(live)), liveExcludesOf(liveCarriers(old))];
  if (!liveExcludes || !oldExcludes) return;
  const routers = stillAnsweredByOld(liveExcludes, oldExcludes);
  if (routers.length === 0) return;
  const release = old.release === undefined ? undefined : await ctx.store.loadRelease(old.release);
  if (!release) {
    ctx.out.warn(`${old.colour} still answers ${routers.join(', ')}, and its release file is gone: stopping it without taking it out of Traefik first`);
    return;
  }
  await ctx.out.step(`hand ${routers.join(', ')} back (${old.colour} out of Traefik)`, () => runtime.withdraw!(ctx, release, old.colour), { colour: old.colour }, 'handover');
}
