import { recordLive } from '../core/record-live.js';
import type { Context } from '../core/context.js';
import { about } from '../core/operation.js';
import type { HistorySubject } from '../plan/state.js';
import { preflight } from '../core/preflight.js';
import { LockLostError, needsPersonError, usageError } from '../errors.js';
import type { Colour } from '../plan/colour.js';
import { renderColourProject } from '../plan/colour-project.js';
import { launchedBeforeStride, liveCompanionExcludesOf, liveExcludesOf, previewKeyOf } from '../plan/labels.js';
import { colourProject, LABEL, liveRouter, serviceName } from '../plan/names.js';
import { legacyLivePriority, livePriority } from '../plan/priority.js';
import { liveColour } from '../plan/reality.js';
import { applyScale, formatScale, type ScaleSpec } from '../plan/scale.js';
import { waitHealthy } from '../waiting/health.js';
import { promoteRelease } from '../core/promote.js';
import type { Observed } from '../core/reconcile.js';
import { stopAfterSwitch } from './deploy.js';
import { otherColour } from '../plan/colour.js';
import { nextGeneration } from '../plan/reality.js';
import type { Release } from '../plan/release.js';
import type { ContainerView } from '../runtime/docker.js';
import { Deadline } from '../waiting/retry.js';
import { onEachInstance, waitRouted } from '../waiting/traefik.js';
import { loadRelease } from './switch.js';

export interface ScaleResult {
  colour: Colour;
  from: number;
  to: number;
  /** A scale-down moves live traffic to the other colour: the colour it came from. */
  movedFrom?: Colour;
  /** Another target than the first (`scale api +2`). */
  target?: string;
  about: HistorySubject;
}

/**
 * Scales the live colour's target, counting from the containers that run
 * (not a stored number). Up: existing containers are never recreated
 * (--no-recreate, same labels); new ones are routed only once healthy, and
 * Traefik's API must then list them all. Down: see scaleDown.
 */
export async function scaleLive(ctx: Context, spec: ScaleSpec | undefined, target?: string): Promise<ScaleResult> {
  if (!spec) throw usageError('scale needs a count', 'e.g. `bluegreen scale +2`, `bluegreen scale -1`, `bluegreen scale 3`');
  if (target !== undefined) {
    const { scaleCompanion } = await import('./scale-companion.js');
    const scaled = await scaleCompanion(ctx, spec, target);
    if (scaled) return scaled;
  }
  const { colours, state } = await preflight(ctx);
  const live = liveColour(colours);
  if (!live) throw usageError(`no colour is live: nothing to scale ${formatScale(spec)}`, 'run `bluegreen deploy` first');
  const view = colours[live];
  const to = applyScale(spec, view.running);
  const generation = view.generation!;
  const counted = { colour: live, release: view.release, detail: `${view.running} -> ${to}` };
  if (to === view.running) {
    ctx.out.info(`${live} already runs ${to}`);
    return { colour: live, from: view.running, to, about: counted };
  }
  const release = await loadRelease(ctx, view.release!);
  const subject = { ...counted, image: release.image };
  return about(subject, async (): Promise<ScaleResult> => {
    const mode = liveModeOf(ctx, live, generation, view.containers);
    const fields = { colour: live, release: release.number };
    const deadline = Deadline.after(ctx.options.timeoutMs);
    const routeTo = (containers: ContainerView[]) =>
      waitRouted(ctx.traefik, {
        router: liveRouter(ctx.app, live),
        priority: (mode.legacyPriority ? legacyLivePriority : livePriority)(generation),
        service: serviceName(ctx.app, live),
        servers: containers.map((c) => `http://${c.ips[ctx.options.network]}:${release.routing.port}`),
        deadline,
      });
    if (to < view.running) return scaleDown(ctx, { live, from: view.running, to, release }, { colours, state });
    const before = new Set((await ctx.docker.containers({ 'com.docker.compose.project': colourProject(ctx.app, live) })).map((c) => c.id));
    await ctx.out.step(
      `scale ${live} from ${view.running} to ${to}`,
      () =>
        // The first target only: its other targets keep the count they run (`scale api +2` before).
        ctx.compose.up(renderColourProject(release, live, mode, ctx.options.network), { scale: { service: release.target, count: to }, noRecreate: true, services: [release.target] }),
      fields,
      'scale',
    );
    let containers: ContainerView[];
    try {
      containers = await ctx.out.step(
        'wait until healthy',
        () =>
          waitHealthy(ctx.docker, {
            labels: { 'com.docker.compose.project': colourProject(ctx.app, live), 'com.docker.compose.service': release.target, [LABEL.routing]: 'live' },
            count: to,
            deadline,
            what: `${live} scaled to ${to}`,
          }),
        fields,
        'healthy',
      );
    } catch (error) {
      if (error instanceof LockLostError) throw error;
      // New replicas that never became healthy were never routed: remove them.
      await removeAdded(ctx, live, before).catch((removal: Error) => {
        throw needsPersonError(
          `${(error as Error).message}; removing the new replicas failed too: ${removal.message}`,
          `check \`bluegreen status\`; \`bluegreen scale ${view.running}\` sets the count back`,
        );
      });
      throw error;
    }
    // Healthy replicas of the live colour are routed as soon as Traefik sees
    // them: a failure from here on has changed live traffic (exit 5).
    await ctx.out
      .step(`Traefik routes ${to} server${to > 1 ? 's' : ''}${onEachInstance(ctx.traefik)}`, () => routeTo(containers), fields, 'traefik')
      .catch((error: Error) => {
        if (error instanceof LockLostError) throw error;
        throw needsPersonError(
          `${live} runs ${to} healthy replicas, but ${error.message}`,
          `the new replicas may already take live traffic: check \`bluegreen status\`, then \`bluegreen scale ${to}\` or \`bluegreen scale ${view.running}\``,
        );
      });
    return { colour: live, from: view.running, to, about: subject };
  });
}

/** The routing a live colour's containers were launched with: a container added to it must carry exactly the same routers. */
export function liveModeOf(ctx: Context, live: Colour, generation: number, containers: { state: string; labels: Record<string, string> }[]) {
  return {
    kind: 'live',
    generation,
    exclude: liveExcludesOf(containers) ?? [],
    companionExclude: liveCompanionExcludesOf(containers),
    previewKey: previewKeyOf(containers),
    legacyPriority: launchedBeforeStride(ctx.app, live, generation, containers),
  } as const;
}

/** Removes the live colour's replicas that a failed scale-up added (never routed: not healthy). */
export async function removeAdded(ctx: Context, live: Colour, before: Set<string>): Promise<void> {
  const added = (await ctx.docker.containers({ 'com.docker.compose.project': colourProject(ctx.app, live) })).filter((c) => !before.has(c.id));
  await Promise.all(added.map((c) => ctx.docker.stopAndRemove(c.id, 0)));
}

/**
 * Down: the same frozen release starts in the other colour with the new
 * count and its live router one generation up; once verified, the colour it
 * replaces is drained and stopped like after a switch. Removing replicas from
 * the live colour in place cannot be made safe: any container event on the
 * engine makes Traefik relist, and a replica that is still running (an app
 * whose PID 1 ignores SIGTERM runs its whole grace period) is routed again
 * until it is killed with requests in flight. A shadowed colour gets none.
 */
export async function scaleDown(ctx: Context, move: { live: Colour; from: number; to: number; release: Release; target?: string }, { colours, state }: Observed): Promise<ScaleResult> {
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
  await promoteRelease(ctx, release, colour, generation, count, live, scaled);
  // The release is unchanged: what rollback brings back stays as it was (recordedLive never records a release as its own previous one).
  await recordLive(ctx, { colour, release: release.number, generation, at: Date.now(), replaced: release.number });
  const subject = { colour, release: release.number, image: release.image, detail: `${target ? `${target} ` : ''}${from} -> ${to} (moved from ${live} to ${colour})` };
  await stopAfterSwitch(ctx, { colour, release, generation, switchedAt: Date.now(), about: subject });
  return { colour, from, to, movedFrom: live, about: subject, ...(target ? { target } : {}) };
}
