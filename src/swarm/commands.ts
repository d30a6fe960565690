import { assertNotServingLive } from '../core/guard.js';
import { pruneReleases } from '../commands/up.js';
import { recordLive } from '../core/record-live.js';
import { assertLiveRouterWins } from '../commands/stop-old.js';
import type { Context } from '../core/context.js';
import { drain } from '../core/drain.js';
import { resolveImage } from '../core/image.js';
import { about } from '../core/operation.js';
import { chooseTarget } from '../core/target.js';
import { BgError, ExitCode, LockLostError, needsPersonError, usageError } from '../errors.js';
import { candidateColour, otherColour, type Colour } from '../plan/colour.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { colourProject, LABEL, sideProject } from '../plan/names.js';
import { liveColour, nextGeneration } from '../plan/reality.js';
import { freezeRelease, type Release } from '../plan/release.js';
import { applyScale, formatScale, type ScaleSpec } from '../plan/scale.js';
import { externalResources } from '../plan/side-project.js';
import type { HistorySubject } from '../plan/state.js';
import { pinnedImage, renderSideStack, stackService } from '../plan/swarm-stack.js';
import { Deadline } from '../waiting/retry.js';
import { preHook, warningHook } from '../core/hooks.js';
import { appPreviewKey } from '../core/preview-key.js';
import { releaseProbe } from '../plan/probe.js';
import { loadRelease } from '../commands/switch.js';
import { stopAfterSwitchFailed } from '../commands/deploy.js';
import type { SwitchBack } from '../commands/bake.js';
import { assertBakeCanJudge } from '../core/bake.js';
import { swarmPreflight } from './checks.js';
import { colourService, deployColour, deployVerified, verifyColourRoute, waitTasksRunning, type SwarmParts } from './launch.js';
import type { RoutingMode } from '../plan/labels.js';
import { readSwarmColours } from './reality.js';
import { assertWorkersOnly, assertWorkersStillRunning, forSwarm, resolveWorkers, stopWorkers } from './workers.js';
import { scaleWorker } from './scale-worker.js';

export interface SwarmSwitchResult {
  colour: Colour;
  release: Release;
  generation: number;
  switchedAt: number;
  /** Tasks of the colour that the switch replaced: none, when swarm only changed the service's labels. */
  tasksReplaced: number;
  from?: Colour;
  about: HistorySubject;
}

/** `up` in swarm mode: the next release as the candidate colour's stack, preview route only, verified; on failure the stack is removed (exit 1). */
export async function swarmUp(ctx: Context, swarm: SwarmParts): Promise<{ colour: Colour; release: Release; count: number; about: HistorySubject }> {
  await swarmPreflight(ctx, swarm);
  const [colours, state, config] = await Promise.all([readSwarmColours(swarm.engine, ctx.app), ctx.store.read(), ctx.userConfig()]);
  const target = chooseTarget(config, ctx.options.target, ctx.options.sideTargets, ctx.options.companions);
  const live = liveColour(colours);
  const colour = candidateColour(live);
  const liveCount = live ? colours[live].running : 0;
  const count = ctx.options.scale ? applyScale(ctx.options.scale, liveCount) : liveCount || config.services[target]?.deploy?.replicas || 1;
  const { image, imageId } = await resolveImage(ctx, config, target);
  const number = state.lastRelease + 1;
  const workers = await resolveWorkers(ctx, config);
  const { release: frozen, warnings } = freezeRelease({
    config,
    app: ctx.app,
    number,
    target,
    sideTargets: ctx.options.sideTargets,
    companions: workers.inputs,
    imageId,
    imageHasHealthcheck: await ctx.docker.imageHasHealthcheck(imageId),
    noHealthcheck: ctx.options.noHealthcheck,
    rule: ctx.options.rule,
    port: ctx.options.port,
    entrypoint: ctx.options.entrypoint,
    servicePaths: ctx.options.servicePaths,
    colourHeader: ctx.options.colourHeader,
    createdAt: new Date().toISOString(),
    createdBy: ctx.by,
  });
  // Tasks on other nodes find the image by name (an ID is only this engine's), by digest where it has one.
  const { reference, pinned } = pinnedImage(image, await swarm.engine.repoDigests(imageId));
  if (!pinned) ctx.out.warn(`${image} has no registry digest (built or loaded here, not pushed): every node runs what that name is there, now and at a rollback; push it to a registry to pin it`);
  const release: Release = await forSwarm(ctx, swarm, { ...frozen, service: { ...frozen.service, image: reference } }, workers.images);
  const subject = { release: number, image, colour };
  return about(subject, async () => {
    // As on one host: Traefik must not route live traffic to the colour about to be replaced.
    await assertNotServingLive(ctx, colour, 'swarm');
    warnings.forEach((w) => ctx.out.warn(w));
    await preHook(ctx, 'pre_up', {
      release: number,
      colour,
      previousRelease: live ? colours[live].release : undefined,
      liveColour: live,
      preview: { colour, key: await appPreviewKey(ctx), probe: releaseProbe(release, ctx.options.probe) },
    });
    await ctx.store.saveRelease(release);
    await ctx.store.update((s) => ({ ...s, lastRelease: Math.max(s.lastRelease, number), candidate: undefined }));
    await ensureOverlays(ctx, swarm, config, release);
    await startSideTargets(ctx, swarm, config);
    await deployVerified(
      ctx,
      swarm,
      { release, colour, mode: { kind: 'preview' }, replicas: count },
      {
        what: `removing the candidate ${colour}`,
        run: () => swarm.stacks.remove(colourProject(ctx.app, colour)),
        hint: `remove it by hand: docker stack rm ${colourProject(ctx.app, colour)}`,
      },
    );
    await ctx.store.update((s) => ({ ...s, candidate: { colour, release: number } }));
    await pruneReleases(ctx);
    return { colour, release, count, about: subject };
  });
}

/** The app's networks as attachable overlays (bluegreen's, labelled), so that tasks on every node, and the side targets, share them. */
async function ensureOverlays(ctx: Context, swarm: SwarmParts, config: ComposeConfig, release: Release): Promise<void> {
  const labels = { [LABEL.managed]: 'true', [LABEL.app]: ctx.app };
  const sides = ctx.options.sideTargets.length ? [renderSideStack(config, ctx.app, ctx.options.sideTargets)] : [];
  const networks = new Set([...externalResources(...sides).networks, ...Object.values(release.networks).map((n) => n.name)]);
  for (const name of networks) if (name !== ctx.options.network) await swarm.engine.ensureNetwork(name, labels, 'overlay');
}

/** The side targets' stack, deployed as it is (unchanged services keep their tasks), and waited on. */
async function startSideTargets(ctx: Context, swarm: SwarmParts, config: ComposeConfig): Promise<void> {
  if (ctx.options.sideTargets.length === 0) return;
  const stack = renderSideStack(config, ctx.app, ctx.options.sideTargets);
  const deadline = Deadline.after(ctx.options.timeoutMs);
  await ctx.out.step(`side targets ${ctx.options.sideTargets.join(', ')}`, async () => {
    await swarm.stacks.deploy(stack);
    for (const [name, service] of Object.entries(stack.services)) {
      await waitTasksRunning(ctx, swarm, stackService(sideProject(ctx.app), name), service.deploy?.replicas ?? 1, deadline);
    }
  });
}

/**
 * `switch` in swarm mode: the candidate's service gets its live router one
 * generation up, a change of the service's labels only (no task is
 * replaced), and Traefik's next poll shadows the old colour's router. On
 * failure the candidate goes back to its preview route (exit 1).
 */
export async function swarmSwitch(ctx: Context, swarm: SwarmParts): Promise<SwarmSwitchResult> {
  await swarmPreflight(ctx, swarm);
  const [colours, state] = await Promise.all([readSwarmColours(swarm.engine, ctx.app), ctx.store.read()]);
  const live = liveColour(colours);
  const colour = live ? otherColour(live) : (state.candidate?.colour ?? 'blue');
  const view = colours[colour];
  if (view.running === 0 || view.routing !== 'preview') {
    throw usageError(`nothing to switch to: ${colour} does not run a candidate`, 'run `bluegreen up` first (or `bluegreen deploy`)');
  }
  const release = await loadRelease(ctx, view.release!);
  await assertWorkersStillRunning(swarm, release, colour);
  const generation = nextGeneration(state, colours);
  const subject = { release: release.number, image: release.image, colour };
  const before = new Set(view.tasks.map((t) => t.id));
  const previousRelease = live ? colours[live].release : undefined;
  await about(subject, () =>
    preHook(ctx, 'pre_switch', { release: release.number, colour, previousRelease, liveColour: live, preview: { colour, key: state.previewKey, probe: releaseProbe(release, ctx.options.probe) } }),
  );
  const tasks = await about(subject, () =>
    deployVerified(
      ctx,
      swarm,
      { release, colour, mode: { kind: 'live', generation }, replicas: view.running },
      {
        what: `putting ${colour} back to preview only`,
        run: async () => void (await deployVerified(ctx, swarm, { release, colour, mode: { kind: 'preview' }, replicas: view.running }, { what: 'nothing', run: async () => undefined, hint: '' })),
        hint: 'check `bluegreen status`; the previous live colour still has its live router',
      },
    ),
  );
  const switchedAt = Date.now();
  await recordLive(ctx, { colour, release: release.number, generation, at: switchedAt, replaced: previousRelease });
  await warningHook(ctx, 'post_switch', { release: release.number, colour, previousRelease, liveColour: colour });
  return { colour, release, generation, switchedAt, tasksReplaced: tasks.filter((t) => !before.has(t.id)).length, from: live, about: subject };
}

/**
 * `stop-old` in swarm mode: drains the colour that is not live, then scales
 * its service to 0 (kept, with its release, for `rollback`), or removes its
 * stack with --remove. Refuses when Traefik does not show the live router winning.
 */
export async function swarmStopOld(ctx: Context, swarm: SwarmParts, options: { remove: boolean }): Promise<{ colour?: Colour; stopped: number; drainedMs: number; about: HistorySubject }> {
  await swarmPreflight(ctx, swarm);
  const colours = await readSwarmColours(swarm.engine, ctx.app);
  const live = liveColour(colours);
  if (!live) throw usageError('no colour is live, so none is old', 'run `bluegreen deploy` first');
  const old = otherColour(live);
  const view = colours[old];
  const subject = { colour: old, release: view.release };
  if (!view.service || (view.running === 0 && !options.remove)) {
    ctx.out.info(`${old} is not running: nothing to stop`);
    // A worker left running without its routed service (an interrupted command) has no traffic to drain.
    await stopWorkers(ctx, swarm, old, (service, count) => waitTasksRunning(ctx, swarm, service, count, Deadline.after(ctx.options.timeoutMs)));
    return { stopped: 0, drainedMs: 0, about: subject };
  }
  return about(subject, async () => {
    const generation = colours[live].generation ?? 0;
    await assertLiveRouterWins(ctx, live, generation, 'swarm');
    await preHook(ctx, 'pre_stop_old', { release: view.release, colour: old, previousRelease: view.release, liveColour: live });
    const drained = view.running > 0 ? await ctx.out.step(`drain ${old}`, () => drain(ctx, old, 'swarm'), { colour: old }, 'drain') : { waitedMs: 0 };
    if (options.remove) await ctx.out.step(`remove stack ${colourProject(ctx.app, old)}`, () => swarm.stacks.remove(colourProject(ctx.app, old)), { colour: old }, 'remove');
    else {
      const deadline = Deadline.after(ctx.options.timeoutMs);
      await ctx.out.step(
        `scale ${view.service!.name} to 0 (kept for rollback)`,
        async () => {
          await swarm.stacks.scale(view.service!.name, 0);
          await waitTasksRunning(ctx, swarm, view.service!.name, 0, deadline);
        },
        { colour: old },
        'stop',
      );
      await stopWorkers(ctx, swarm, old, (service, count) => waitTasksRunning(ctx, swarm, service, count, deadline));
    }
    await ctx.store.update((s) => (s.candidate?.colour === old ? { ...s, candidate: undefined } : s));
    return { colour: old, stopped: view.running, drainedMs: drained.waitedMs, about: subject };
  });
}

/**
 * `rollback` in swarm mode: the previous live release (or --to N) from its
 * frozen file in the colour that is not live, with a live router one
 * generation up, as many tasks as run live now. On failure that colour is
 * scaled to 0 and live traffic stays where it was (exit 1).
 */
export async function swarmRollback(ctx: Context, swarm: SwarmParts, options: { to?: number }): Promise<SwarmSwitchResult> {
  await swarmPreflight(ctx, swarm);
  const [colours, state] = await Promise.all([readSwarmColours(swarm.engine, ctx.app), ctx.store.read()]);
  const live = liveColour(colours);
  const liveRelease = live ? colours[live].release : undefined;
  const number = options.to ?? state.previousLive;
  if (number === undefined) throw usageError('there is no earlier live release to roll back to', 'see `bluegreen history`; `rollback --to N` picks a release');
  if (number === liveRelease) throw usageError(`release ${number} is already live in ${live}`, 'see `bluegreen history` for other releases');
  const release = await loadRelease(ctx, number);
  // Before anything changes: a release made on one host with routed targets cannot run here.
  assertWorkersOnly(release);
  const colour = candidateColour(live);
  const subject = { release: number, image: release.image, colour };
  const generation = nextGeneration(state, colours);
  const replicas = live ? colours[live].running : 1;
  const target = colours[colour];
  const before = new Set(target.tasks.map((t) => t.id));
  // A colour that still runs this release (shadowed, as in a bake window) only
  // had its labels changed: a failure puts its previous route back and keeps
  // its tasks, the warm fallback. One that was stopped is scaled to 0 again.
  const ranIt = target.running > 0 && target.release === number && target.routing !== undefined;
  const previousMode: RoutingMode = target.routing === 'live' ? { kind: 'live', generation: target.generation! } : { kind: 'preview' };
  const undo = ranIt
    ? {
        what: `putting ${colour}'s previous route back`,
        run: async () => void (await deployColour(ctx, swarm, release, colour, previousMode, target.running, Deadline.after(ctx.options.timeoutMs))),
        hint: `check \`bluegreen status\`; ${colour} still runs release ${number}`,
      }
    : {
        what: `scaling ${colour} to 0`,
        run: async () => {
          await swarm.stacks.scale(colourService(ctx.app, colour, release), 0);
          await stopWorkers(ctx, swarm, colour, async () => undefined);
        },
        hint: `check \`bluegreen status\`; docker service scale ${colourService(ctx.app, colour, release)}=0`,
      };
  const tasks = await about(subject, () => deployVerified(ctx, swarm, { release, colour, mode: { kind: 'live', generation }, replicas }, undo));
  const switchedAt = Date.now();
  await recordLive(ctx, { colour, release: number, generation, at: switchedAt, replaced: liveRelease });
  return { colour, release, generation, switchedAt, tasksReplaced: tasks.filter((t) => !before.has(t.id)).length, from: live, about: subject };
}

/** `deploy` in swarm mode: up, switch, stop-old; a failed switch removes the candidate; a failed stop-old after the switch needs a person (exit 5). */
export async function swarmDeploy(ctx: Context, swarm: SwarmParts, options: { keepOld: boolean }) {
  await assertBakeCanJudge(ctx);
  const up = await swarmUp(ctx, swarm);
  let switched: SwarmSwitchResult;
  try {
    switched = await swarmSwitch(ctx, swarm);
  } catch (error) {
    if (error instanceof LockLostError || (error instanceof BgError && error.exitCode === ExitCode.needsPerson)) throw error;
    await swarm.stacks.remove(colourProject(ctx.app, up.colour)).catch((removal: Error) => {
      throw needsPersonError(`${(error as Error).message}; removing the candidate failed too: ${removal.message}`, `docker stack rm ${colourProject(ctx.app, up.colour)}`);
    });
    throw error;
  }
  // The old colour runs through the bake window, untouched: a switch back is a label update away.
  if (ctx.options.bake.ms > 0) await (await import('../commands/bake.js')).bakeOrSwitchBack(ctx, switched, swarmSwitchBack(ctx, swarm));
  const stopped = options.keepOld ? undefined : await swarmStopAfterSwitch(ctx, swarm, switched);
  return { up, switched, stopped, about: up.about };
}

/** The bake window's way back on a swarm: the earlier release's colour gets the live router one generation up (its labels only), then the failing colour is drained and scaled to 0. */
export const swarmSwitchBack = (ctx: Context, swarm: SwarmParts): SwitchBack => ({
  provider: 'swarm',
  rollBack: () => swarmRollback(ctx, swarm, {}),
  stopFailing: (back) => swarmStopAfterSwitch(ctx, swarm, back),
});

/** stop-old after a verified switch or rollback: the new release is live, so a failure here needs a person. */
export function swarmStopAfterSwitch(ctx: Context, swarm: SwarmParts, switched: Pick<SwarmSwitchResult, 'about' | 'colour' | 'release'>) {
  return about(
    switched.about,
    async () => {
      try {
        return await swarmStopOld(ctx, swarm, { remove: false });
      } catch (error) {
        throw stopAfterSwitchFailed(error, switched);
      }
    },
    { over: true },
  );
}

/**
 * `scale` in swarm mode: the live colour's service gets the new replica
 * count; Traefik's API must then list exactly the tasks that run. Down:
 * swarm picks the tasks to stop and sends them SIGTERM; Traefik drops them
 * at its next poll (refreshSeconds), well inside their stop grace period,
 * and the colour's retry middleware resends a request refused meanwhile.
 */
export async function swarmScale(
  ctx: Context,
  swarm: SwarmParts,
  spec: ScaleSpec | undefined,
  target?: string,
): Promise<{ colour: Colour; from: number; to: number; target?: string; about: HistorySubject }> {
  if (!spec) throw usageError('scale needs a count', 'e.g. `bluegreen scale +2`, `bluegreen scale -1`, `bluegreen scale 3`');
  await swarmPreflight(ctx, swarm);
  const colours = await readSwarmColours(swarm.engine, ctx.app);
  const live = liveColour(colours);
  if (!live) throw usageError(`no colour is live: nothing to scale ${formatScale(spec)}`, 'run `bluegreen deploy` first');
  const view = colours[live];
  if (target !== undefined) {
    const scaled = await scaleWorker(ctx, swarm, await loadRelease(ctx, view.release!), live, target, spec);
    if (scaled) return scaled;
  }
  const to = applyScale(spec, view.running);
  const subject = { colour: live, release: view.release, detail: `${view.running} -> ${to}` };
  if (to === view.running) {
    ctx.out.info(`${live} already runs ${to}`);
    return { colour: live, from: to, to, about: subject };
  }
  const release = await loadRelease(ctx, view.release!);
  return about(subject, async () => {
    const deadline = Deadline.after(ctx.options.timeoutMs);
    const service = view.service!.name;
    await ctx.out.step(`scale ${service} from ${view.running} to ${to}`, () => swarm.stacks.scale(service, to), { colour: live }, 'scale');
    const tasks = await ctx.out.step('wait until its tasks run', () => waitTasksRunning(ctx, swarm, service, to, deadline, { routed: true }), { colour: live }, 'healthy');
    await verifyColourRoute(ctx, release, live, { kind: 'live', generation: view.generation! }, tasks, deadline);
    return { colour: live, from: view.running, to, about: subject };
  });
}
