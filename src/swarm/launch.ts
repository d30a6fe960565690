import type { Context } from '../core/context.js';
import { appPreviewKey } from '../core/preview-key.js';
import { currentExclusions } from '../core/routers.js';
import { BgError, ExitCode, LockLostError, needsPersonError } from '../errors.js';
import type { Colour } from '../plan/colour.js';
import { formatDuration } from '../plan/duration.js';
import type { RoutingMode } from '../plan/labels.js';
import { colourProject, LABEL, liveRouter, previewHeaders, previewRouter, previewServiceName, serviceName } from '../plan/names.js';
import { legacyLivePriority, livePriority, PREVIEW_PRIORITY } from '../plan/priority.js';
import { releaseProbe } from '../plan/probe.js';
import type { Release } from '../plan/release.js';
import { renderColourStack, stackService } from '../plan/swarm-stack.js';
import type { TaskView } from '../runtime/docker.js';
import type { Engine } from '../core/ports.js';
import type { Stacks } from '../core/select-runtime.js';
import { waitAnsweredBy } from '../waiting/end-to-end.js';
import { Deadline, retryUntil } from '../waiting/retry.js';
import { onEachInstance, waitRouted } from '../waiting/traefik.js';
import { waitWorkersRunning, workerCounts } from './workers.js';
import { settledTasks } from '../plan/swarm-tasks.js';

/** What swarm mode adds to a command's context: the engine's swarm reads and the stacks. */
export interface SwarmParts {
  engine: Engine;
  stacks: Stacks;
}

const describeMode = (mode: RoutingMode) => (mode.kind === 'preview' ? 'preview route' : `live route, generation ${mode.generation}`);

/** The colour's target service, as swarm names it. */
export const colourService = (app: string, colour: Colour, release: Release) => stackService(colourProject(app, colour), release.target);

/**
 * Deploys the colour's stack with the given routing and `replicas` tasks,
 * and waits until that many run (healthy: swarm holds a task in `starting`
 * until its healthcheck passes). Changing only the routing of a running
 * colour changes its service's labels: its tasks stay as they are.
 */
export async function deployColour(ctx: Context, swarm: SwarmParts, release: Release, colour: Colour, mode: RoutingMode, replicas: number, deadline: Deadline): Promise<TaskView[]> {
  const [{ excluded }, previewKey, counted] = await Promise.all([
    currentExclusions(ctx, release, 'swarm', runningColourServicesLabels(swarm)),
    appPreviewKey(ctx),
    workerCounts(swarm, release, colour),
  ]);
  const { path, host } = releaseProbe(release, ctx.options.probe);
  const stack = renderColourStack(counted, colour, { ...mode, exclude: excluded, previewKey }, ctx.options.network, replicas, release.service.image!, { path, host });
  const fields = { colour, release: release.number };
  await ctx.out.step(`deploy stack ${stack.name}: ${replicas} task${replicas > 1 ? 's' : ''} with the ${describeMode(mode)}`, () => swarm.stacks.deploy(stack, { prune: true }), fields, 'start');
  // Tasks of this release only: the stack may have run another one a moment ago (an `up` over a candidate).
  const tasks = await ctx.out.step(
    'wait until its tasks run',
    () => waitTasksRunning(ctx, swarm, colourService(ctx.app, colour, release), replicas, deadline, { routed: true, release: release.number }),
    fields,
    'healthy',
  );
  await waitWorkersRunning(ctx, counted, colour, (service, count) => waitTasksRunning(ctx, swarm, service, count, deadline, { release: release.number }));
  return tasks;
}

/** The labels of every bluegreen colour service on the swarm that runs tasks (core/routers.ts ranks their routers). */
export const runningColourServicesLabels = async (swarm: SwarmParts) =>
  (await swarm.engine.services({ [LABEL.managed]: 'true', [LABEL.colour]: '' })).filter((service) => service.replicas > 0).map((service) => service.labels);

/**
 * Waits until exactly `count` tasks of the service run: with `routed`, each
 * with an address on Traefik's network; with `release`, each of that release.
 */
export async function waitTasksRunning(ctx: Context, swarm: SwarmParts, service: string, count: number, deadline: Deadline, expect: { routed?: boolean; release?: number } = {}): Promise<TaskView[]> {
  const { routed = false, release } = expect;
  const started = Date.now();
  let last: TaskView[] = [];
  return retryUntil(
    async () => {
      last = await swarm.engine.tasks(service);
      return settledTasks(last, count, { network: routed ? ctx.options.network : undefined, release });
    },
    {
      deadline,
      intervalMs: 100,
      onTimeout: () =>
        new BgError(
          `${service}: ${count} task${count > 1 ? 's' : ''}${release === undefined ? '' : ` of release ${release}`} not running after ${formatDuration(Date.now() - started)} (${last.map((t) => `${t.node}: ${t.state}${release !== undefined && t.release !== String(release) ? ` release ${t.release ?? '?'}` : ''}${t.error ? ` (${t.error})` : ''}`).join(', ') || 'no task'})`,
          ExitCode.failedReverted,
          'see `docker service ps --no-trunc ' + service + '`; is the image on every node?',
        ),
    },
  );
}

/** Verifies the colour's route in Traefik's API (swarm provider), then end to end through the entrypoint. */
export async function verifyColourRoute(ctx: Context, release: Release, colour: Colour, mode: RoutingMode, tasks: TaskView[], deadline: Deadline): Promise<void> {
  const fields = { colour, release: release.number };
  const preview = mode.kind === 'preview';
  const router = preview ? previewRouter(ctx.app, colour) : liveRouter(ctx.app, colour);
  const servers = tasks.map((t) => `http://${t.ips[ctx.options.network]}:${release.routing.port}`);
  await ctx.out.step(
    `Traefik routes ${router}@swarm${onEachInstance(ctx.traefik)}`,
    () =>
      waitRouted(ctx.traefik, {
        router,
        priority: preview ? PREVIEW_PRIORITY : livePriority(mode.generation),
        // A scale does not relabel the service: one labelled before the priorities' stride keeps its priority.
        ...(preview ? {} : { alsoPriority: legacyLivePriority(mode.generation) }),
        service: (preview ? previewServiceName : serviceName)(ctx.app, colour),
        servers,
        deadline,
        provider: 'swarm',
      }),
    fields,
    'traefik',
  );
  const key = preview ? await appPreviewKey(ctx) : undefined;
  await ctx.out.step(
    `answered by ${colour} through ${ctx.entrypoint.url}`,
    () =>
      waitAnsweredBy({
        entrypoint: ctx.entrypoint,
        probe: releaseProbe(release, ctx.options.probe),
        statuses: ctx.options.probe.statuses,
        colour,
        headers: preview ? previewHeaders(colour, key) : {},
        times: preview ? 1 : 5,
        deadline,
      }),
    fields,
    'end-to-end',
  );
}

/** Deploys and verifies within one --timeout; on failure runs `undo` (exit 1), or needs a person when that fails too (exit 5). */
export async function deployVerified(
  ctx: Context,
  swarm: SwarmParts,
  launch: { release: Release; colour: Colour; mode: RoutingMode; replicas: number },
  undo: { what: string; run: () => Promise<void>; hint: string },
): Promise<TaskView[]> {
  const deadline = Deadline.after(ctx.options.timeoutMs);
  try {
    const tasks = await deployColour(ctx, swarm, launch.release, launch.colour, launch.mode, launch.replicas, deadline);
    await verifyColourRoute(ctx, launch.release, launch.colour, launch.mode, tasks, deadline);
    return tasks;
  } catch (error) {
    if (error instanceof LockLostError) throw error;
    await undo.run().catch((undoError: Error) => {
      throw needsPersonError(`${(error as Error).message}; ${undo.what} failed too: ${undoError.message}`, undo.hint);
    });
    throw error instanceof BgError ? error : new BgError((error as Error).message, ExitCode.failedReverted);
  }
}
