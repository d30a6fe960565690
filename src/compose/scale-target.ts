import type { Context } from '../core/context.js';
import { companionCounts, runningWorkers } from '../core/companions.js';
import { about } from '../core/operation.js';
import type { Observed } from '../core/reconcile.js';
import type { ScaleResult } from '../core/colour-runtime.js';
import { LockLostError, needsPersonError, usageError } from '../errors.js';
import { renderColourProject } from '../plan/colour-project.js';
import { rankedCompanions } from '../plan/labels.js';
import { colourProject, companionLiveRouter, companionServiceName, LABEL } from '../plan/names.js';
import { companionLivePriority } from '../plan/priority.js';
import { liveColour } from '../plan/reality.js';
import type { Release } from '../plan/release.js';
import { applyScale, type ScaleSpec } from '../plan/scale.js';
import { waitHealthy } from '../waiting/health.js';
import { Deadline } from '../waiting/retry.js';
import { onEachInstance, waitRouted } from '../waiting/traefik.js';
import { liveModeOf, removeAdded } from './scale-up.js';
import { loadRelease } from '../core/load-release.js';
import type { Colour } from '../plan/colour.js';

/**
 * `scale api +2`: another target of the live release than its first.
 * Up: its new containers start beside the running ones (nothing recreated)
 * and, for a routed target, Traefik's API must list them all under its live
 * service. Down: a worker loses containers in place (compose stops them
 * within their stop_grace_period; no route to lose); a routed target moves
 * with the whole release to the other colour (`move`), as a scale-down of
 * the first target does (commands/scale.ts says why). Returns undefined
 * when `target` is the first target: the plain scale then runs.
 */
export async function scaleTarget(
  ctx: Context,
  spec: ScaleSpec,
  target: string,
  observed: Observed,
  move: (scale: { live: Colour; from: number; to: number; release: Release; target: string }) => Promise<ScaleResult>,
): Promise<ScaleResult | undefined> {
  const live = liveColour(observed.colours)!;
  const view = observed.colours[live];
  const release = await loadRelease(ctx, view.release!);
  if (target === release.target) return undefined;
  if (!release.companions?.[target]) {
    throw usageError(
      `${target} is not a target of release ${release.number} (its targets: ${[release.target, ...Object.keys(release.companions ?? {})].join(', ')})`,
      `name one of them, or give the count alone to scale ${release.target}`,
    );
  }
  const running = (await runningWorkers(ctx, live)).filter((c) => c.labels['com.docker.compose.service'] === target && c.labels[LABEL.release] === String(release.number));
  const from = running.length;
  const to = applyScale(spec, from);
  const subject = { colour: live, release: release.number, image: release.image, detail: `${target} ${from} -> ${to}` };
  if (to === from) {
    ctx.out.info(`${target} of ${live} already runs ${to}`);
    return { colour: live, from, to, target, about: subject };
  }
  const routed = Boolean(release.companionRouting?.[target]);
  if (to < from && routed) return move({ live, from, to, release, target });
  return about(subject, async (): Promise<ScaleResult> => {
    const mode = liveModeOf(ctx, live, view.generation!, view.containers);
    const project = renderColourProject(await companionCounts(ctx, release, live, { [target]: to }), live, mode, ctx.options.network, mode.held);
    const fields = { colour: live, release: release.number };
    const deadline = Deadline.after(ctx.options.timeoutMs);
    const before = new Set((await ctx.docker.containers({ 'com.docker.compose.project': colourProject(ctx.app, live) })).map((c) => c.id));
    await ctx.out.step(
      `scale ${target} of ${live} from ${from} to ${to}`,
      () => ctx.compose.up(project, { scale: { service: target, count: to }, noRecreate: true, services: [target] }),
      fields,
      'scale',
    );
    const labels = { 'com.docker.compose.project': colourProject(ctx.app, live), 'com.docker.compose.service': target, [LABEL.release]: String(release.number) };
    let containers;
    try {
      containers = await ctx.out.step('wait until healthy', () => waitHealthy(ctx.docker, { labels, count: to, deadline, what: `${target} of ${live} scaled to ${to}` }), fields, 'healthy');
    } catch (error) {
      if (error instanceof LockLostError || to < from) throw error;
      // New containers that never became healthy were never routed: remove them.
      await removeAdded(ctx, live, before).catch((removal: Error) => {
        throw needsPersonError(
          `${(error as Error).message}; removing the new ${target} containers failed too: ${removal.message}`,
          `check \`bluegreen status\`; \`bluegreen scale ${target} ${from}\` sets the count back`,
        );
      });
      throw error;
    }
    if (routed)
      await verifyCompanionServers(
        ctx,
        release,
        live,
        target,
        view.generation!,
        containers.map((c) => `http://${c.ips[ctx.options.network]}:${release.companionRouting![target]!.port}`),
        deadline,
        from,
      );
    return { colour: live, from, to, target, about: subject };
  });
}

/** Healthy containers of a live routed target are routed as soon as Traefik sees them: a failure from here on has changed live traffic (exit 5). */
async function verifyCompanionServers(ctx: Context, release: Release, live: Colour, target: string, generation: number, servers: string[], deadline: Deadline, from: number): Promise<void> {
  const rank = rankedCompanions(release).find((c) => c.target === target)!.rank;
  const router = companionLiveRouter(ctx.app, live, target);
  await ctx.out
    .step(
      `Traefik routes ${servers.length} ${target} server${servers.length > 1 ? 's' : ''}${onEachInstance(ctx.traefik)}`,
      () => waitRouted(ctx.traefik, { router, priority: companionLivePriority(generation, rank), service: companionServiceName(ctx.app, live, target), servers, deadline }),
      { colour: live, release: release.number },
      'traefik',
    )
    .catch((error: Error) => {
      if (error instanceof LockLostError) throw error;
      throw needsPersonError(
        `${target} of ${live} runs ${servers.length} healthy containers, but ${error.message}`,
        `the new containers may already take live traffic: check \`bluegreen status\`, then \`bluegreen scale ${target} ${from}\``,
      );
    });
}
