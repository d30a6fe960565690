import type { ScaleResult } from '../core/colour-runtime.js';
import type { Context } from '../core/context.js';
import { LockLostError, needsPersonError } from '../errors.js';
import type { Colour } from '../plan/colour.js';
import { renderColourProject } from '../plan/colour-project.js';
import { excludesOf, launchedBeforeStride, liveCompanionExcludesOf, liveExcludesOf, previewKeyOf, routesOf } from '../plan/labels.js';
import { colourProject, LABEL, liveRouter, serviceName } from '../plan/names.js';
import { legacyLivePriority, livePriority } from '../plan/priority.js';
import type { ColourView } from '../plan/reality.js';
import type { Release } from '../plan/release.js';
import type { HistorySubject } from '../plan/state.js';
import type { ContainerView } from '../runtime/docker.js';
import { waitHealthy } from '../waiting/health.js';
import { Deadline } from '../waiting/retry.js';
import { onEachInstance, waitRouted } from '../waiting/traefik.js';

/**
 * More containers of the live colour's first target: existing containers
 * are never recreated (--no-recreate, same labels); new ones are routed
 * only once healthy, and Traefik's API must then list them all. A failure
 * before they are healthy removes them (exit 1); after, they may take live
 * traffic already (exit 5).
 */
export async function scaleUpInPlace(ctx: Context, scale: { live: Colour; view: ColourView; release: Release; to: number; subject: HistorySubject }): Promise<ScaleResult> {
  const { live, view, release, to, subject } = scale;
  const generation = view.generation!;
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
  const before = new Set((await ctx.docker.containers({ 'com.docker.compose.project': colourProject(ctx.app, live) })).map((c) => c.id));
  await ctx.out.step(
    `scale ${live} from ${view.running} to ${to}`,
    () =>
      // The first target only: its other targets keep the count they run (`scale api +2` before).
      ctx.compose.up(renderColourProject(release, live, mode, ctx.options.network, mode.held), { scale: { service: release.target, count: to }, noRecreate: true, services: [release.target] }),
    fields,
    'scale',
  );
  let containers: ContainerView[];
  try {
    containers = await ctx.out.step(
      'wait until healthy',
      () =>
        waitHealthy(ctx.docker, {
          labels: { 'com.docker.compose.project': colourProject(ctx.app, live), 'com.docker.compose.service': release.target, [LABEL.routing]: mode.held ? 'held' : 'live' },
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
}

/**
 * The routing a live colour's containers were launched with: a container
 * added to it must carry exactly the same labels (Traefik drops a router
 * defined two ways). `held`: launched since the route container, whose
 * labels do not depend on the mode.
 */
export function liveModeOf(ctx: Context, live: Colour, generation: number, containers: { state: string; labels: Record<string, string> }[]) {
  const held = containers.find((c) => c.state === 'running' && c.labels[LABEL.routing] === 'held');
  if (held) {
    const companionExclude = Object.fromEntries(routesOf(held.labels).map((route) => [route.target, route.excludes]));
    return { kind: 'live', generation, exclude: excludesOf(held.labels), companionExclude, previewKey: previewKeyOf(containers), legacyPriority: false, held: true } as const;
  }
  return {
    kind: 'live',
    generation,
    exclude: liveExcludesOf(containers) ?? [],
    companionExclude: liveCompanionExcludesOf(containers),
    previewKey: previewKeyOf(containers),
    legacyPriority: launchedBeforeStride(ctx.app, live, generation, containers),
    held: false,
  } as const;
}

/** Removes the live colour's replicas that a failed scale-up added (never routed: not healthy). */
export async function removeAdded(ctx: Context, live: Colour, before: Set<string>): Promise<void> {
  const added = (await ctx.docker.containers({ 'com.docker.compose.project': colourProject(ctx.app, live) })).filter((c) => !before.has(c.id));
  await Promise.all(added.map((c) => ctx.docker.stopAndRemove(c.id, 0)));
}
