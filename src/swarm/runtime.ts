import type { ColourRuntime, ScaleResult } from '../core/colour-runtime.js';
import type { Context } from '../core/context.js';
import { loadRelease } from '../core/load-release.js';
import type { Colour } from '../plan/colour.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import type { RoutingMode } from '../plan/labels.js';
import { colourProject, LABEL, sideProject } from '../plan/names.js';
import { liveColour, type ColourView } from '../plan/reality.js';
import type { Release } from '../plan/release.js';
import { externalResources } from '../plan/side-project.js';
import type { HistorySubject } from '../plan/state.js';
import { pinnedImage, renderSideStack, stackService } from '../plan/swarm-stack.js';
import { Deadline } from '../waiting/retry.js';
import { swarmPreflight } from './checks.js';
import { colourService, deployColour, deployVerified, verifyColourRoute, waitTasksRunning, type SwarmParts } from './launch.js';
import { readSwarmColours } from './reality.js';
import { scaleWorker } from './scale-worker.js';
import { assertWorkersOnly, assertWorkersStillRunning, forSwarm, stopWorkers } from './workers.js';

/**
 * A swarm: each colour is a stack (`<app>-blue`, `<app>-green`) whose
 * target service carries its Traefik labels (swarm provider); the side
 * targets are the stack `<app>-side`. A change of routing changes a
 * service's labels only: swarm replaces no task.
 */
export function swarmRuntime(swarm: SwarmParts): ColourRuntime {
  const waitFor = (ctx: Context, deadline: Deadline) => (service: string, count: number) => waitTasksRunning(ctx, swarm, service, count, deadline);
  return {
    provider: 'swarm',
    unit: 'task',
    ownsPlainProject: false,
    flowRefusal: '--flow (Docker Flow) is not supported in swarm mode',
    observe: async (ctx) => {
      await swarmPreflight(ctx, swarm);
      const [colours, state] = await Promise.all([readSwarmColours(swarm.engine, ctx.app), ctx.store.read()]);
      return { colours, state };
    },
    firstCount: (config, target) => config.services[target]?.deploy?.replicas || 1,
    // Plain compose runs nothing on a swarm's services.
    plainToTakeOver: async () => [],
    asRun: async (ctx, frozen, images) => {
      // Tasks on other nodes find the image by name (an ID is only this engine's), by digest where it has one.
      const { reference, pinned } = pinnedImage(images.target, await swarm.engine.repoDigests(frozen.service.image!));
      if (!pinned)
        ctx.out.warn(`${images.target} has no registry digest (built or loaded here, not pushed): every node runs what that name is there, now and at a rollback; push it to a registry to pin it`);
      return forSwarm(ctx, swarm, { ...frozen, service: { ...frozen.service, image: reference } }, images.companions);
    },
    warnBeforeUp: (ctx) => warnWorkersStillSideTargets(ctx, swarm),
    sideTargets: (ctx, config) => ({
      start: async (release) => {
        await ensureOverlays(ctx, swarm, config, release);
        await startSideTargets(ctx, swarm, config);
      },
    }),
    launchVerified: async (ctx, { release, colour, mode, count }, undo) => {
      await deployVerified(ctx, swarm, { release, colour, mode, replicas: count }, undo);
      return {};
    },
    removeColour: (ctx, colour) => ctx.out.step(`remove stack ${colourProject(ctx.app, colour)}`, () => swarm.stacks.remove(colourProject(ctx.app, colour)), { colour }, 'remove'),
    removeCommand: (app, colour) => `docker stack rm ${colourProject(app, colour)}`,
    assertCandidateIntact: (_ctx, release, colour) => assertWorkersStillRunning(swarm, release, colour),
    goLive: async (ctx, { release, colour, generation, view }) => {
      const before = new Set(view.containers.map((t) => t.id));
      const preview = { kind: 'preview' } as const;
      const tasks = await deployVerified(
        ctx,
        swarm,
        { release, colour, mode: { kind: 'live', generation }, replicas: view.running },
        {
          what: `putting ${colour} back to preview only`,
          run: async () => void (await deployColour(ctx, swarm, release, colour, preview, view.running, Deadline.after(ctx.options.timeoutMs))),
          hint: 'check `bluegreen status`; the previous live colour still has its live router',
        },
      );
      return { replaced: tasks.filter((t) => !before.has(t.id)).length };
    },
    assertRunnable: (release) => assertWorkersOnly(release),
    promote: async (ctx, { release, colour, generation, count, view }) => {
      const before = new Set(view.containers.map((t) => t.id));
      // A colour that still runs this release (shadowed, as in a bake window)
      // only has its labels changed: a failure puts its previous route back
      // and keeps its tasks, the warm fallback. One that was stopped is
      // scaled to 0 again.
      const ranIt = view.running > 0 && view.release === release.number && view.routing !== undefined;
      const previousMode: RoutingMode = view.routing === 'live' ? { kind: 'live', generation: view.generation! } : { kind: 'preview' };
      const service = colourService(ctx.app, colour, release);
      const undo = ranIt
        ? {
            what: `putting ${colour}'s previous route back`,
            run: async () => void (await deployColour(ctx, swarm, release, colour, previousMode, view.running, Deadline.after(ctx.options.timeoutMs))),
            hint: `check \`bluegreen status\`; ${colour} still runs release ${release.number}`,
          }
        : {
            what: `scaling ${colour} to 0`,
            run: async () => {
              await swarm.stacks.scale(service, 0);
              await stopWorkers(ctx, swarm, colour, async () => undefined);
            },
            hint: `check \`bluegreen status\`; docker service scale ${service}=0`,
          };
      const tasks = await deployVerified(ctx, swarm, { release, colour, mode: { kind: 'live', generation }, replicas: count }, undo);
      return { replaced: tasks.filter((t) => !before.has(t.id)).length };
    },
    // A worker left running without its routed service (an interrupted command) has no traffic to drain.
    stopStrayWorkers: (ctx, colour) => stopWorkers(ctx, swarm, colour, waitFor(ctx, Deadline.after(ctx.options.timeoutMs))),
    // No withdraw: a task leaves Traefik when swarm stops it, at the provider's next poll.
    stopColour: async (ctx, colour) => {
      const service = (await readSwarmColours(swarm.engine, ctx.app))[colour].service;
      const deadline = Deadline.after(ctx.options.timeoutMs);
      if (service) {
        await ctx.out.step(
          `scale ${service.name} to 0 (kept for rollback)`,
          async () => {
            await swarm.stacks.scale(service.name, 0);
            await waitTasksRunning(ctx, swarm, service.name, 0, deadline);
          },
          { colour },
          'stop',
        );
      }
      await stopWorkers(ctx, swarm, colour, waitFor(ctx, deadline));
    },
    takeOverPlain: async () => [],
    scaleTarget: async (ctx, spec, target, { colours }) => {
      const live = liveColour(colours)!;
      return scaleWorker(ctx, swarm, await loadRelease(ctx, colours[live].release!), live, target, spec);
    },
    // Swarm picks the tasks to stop and sends them SIGTERM; Traefik drops
    // them at its next poll, well inside their stop grace period, and the
    // colour's retry middleware resends a request refused meanwhile.
    scaleDownMoves: false,
    scaleInPlace: (ctx, scale) => scaleService(ctx, swarm, scale),
    status: async (ctx) => {
      const { swarmStatus } = await import('./status.js');
      return swarmStatus(ctx, swarm);
    },
    removeProject: (_ctx, project) => swarm.stacks.remove(project),
  };
}

/** The live colour's service gets the new replica count; Traefik's API must then list exactly the tasks that run. */
async function scaleService(
  ctx: Context,
  swarm: SwarmParts,
  { live, view, release, to, subject }: { live: Colour; view: ColourView; release: Release; to: number; subject: HistorySubject },
): Promise<ScaleResult> {
  const deadline = Deadline.after(ctx.options.timeoutMs);
  const service = colourService(ctx.app, live, release);
  await ctx.out.step(`scale ${service} from ${view.running} to ${to}`, () => swarm.stacks.scale(service, to), { colour: live }, 'scale');
  const tasks = await ctx.out.step('wait until its tasks run', () => waitTasksRunning(ctx, swarm, service, to, deadline, { routed: true }), { colour: live }, 'healthy');
  await verifyColourRoute(ctx, release, live, { kind: 'live', generation: view.generation! }, tasks, deadline);
  return { colour: live, from: view.running, to, about: subject };
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
 * As on one host (core/side-targets.ts): a worker (`-t worker`) that still
 * runs as a service of the side targets' stack runs beside each colour's
 * own now; said, with how to stop it (nothing here would).
 */
async function warnWorkersStillSideTargets(ctx: Context, swarm: SwarmParts): Promise<void> {
  if (ctx.options.companions.length === 0) return;
  const stack = sideProject(ctx.app);
  const services = await swarm.engine.services({ 'com.docker.stack.namespace': stack });
  for (const name of ctx.options.companions) {
    const service = services.find((s) => s.name === stackService(stack, name) && s.replicas > 0);
    if (service) ctx.out.warn(`${name} still runs in the stack ${stack} (a side target before): it runs beside each colour's ${name} now; stop it with docker service rm ${service.name}`);
  }
}
