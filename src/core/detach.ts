import { formatDuration } from '../plan/duration.js';
import { atDocker, LABEL, liveRouter } from '../plan/names.js';
import type { Colour } from '../plan/colour.js';
import { BgError, ExitCode } from '../errors.js';
import { Deadline, retryUntil } from '../waiting/retry.js';
import { routerOnEachInstance } from '../waiting/traefik.js';
import type { Release } from '../plan/release.js';
import type { ContainerView } from '../runtime/docker.js';
import { neverRouted } from '../plan/routable.js';
import type { Context } from './context.js';
import { removeRoute } from './route.js';
import { drain } from './drain.js';

/** The healthcheck command as an argv, or undefined where there is none to run. */
export function healthcheckCommand(release: Release): string[] | undefined {
  const test = release.service.healthcheck?.test;
  const argv = typeof test === 'string' ? ['CMD-SHELL', test] : test;
  if (!argv?.length || argv[0] === 'NONE' || release.service.healthcheck?.disable) return undefined;
  if (argv[0] === 'CMD') return argv.slice(1);
  if (argv[0] === 'CMD-SHELL') return ['/bin/sh', '-c', argv.slice(1).join(' ')];
  return argv;
}

/**
 * Takes replicas out of Traefik's load balancer while they still run, so
 * that stopping them afterwards drops nothing. Container labels cannot
 * change, but Traefik drops a container that is not `running`: the replicas
 * are paused (requests sent to them meanwhile wait, they are not refused),
 * a throwaway container makes Traefik relist, and once its API no longer
 * lists them they are resumed to finish what they had.
 */
export async function detachFromTraefik(ctx: Context, release: Release, doomed: ContainerView[], verify: () => Promise<void>): Promise<boolean> {
  const command = healthcheckCommand(release);
  if (!command) {
    ctx.out.warn('the target has no healthcheck command to make Traefik relist with: replicas are stopped while routed (the retry middleware covers refused connections)');
    return false;
  }
  const started = Date.now();
  const watchdog = ctx.docker.unpauseLater(
    doomed.map((c) => c.id),
    WATCHDOG_MS,
  );
  try {
    for (const container of doomed) await ctx.docker.pause(container.id);
    await ctx.docker.triggerProviderRefresh(release.imageId, command, { [LABEL.managed]: 'true', [LABEL.app]: ctx.app, [LABEL.role]: 'refresh-trigger' });
    await verify();
  } finally {
    await Promise.allSettled(doomed.map((container) => ctx.docker.unpause(container.id)));
    watchdog.stop();
  }
  ctx.out.info(`  ${doomed.map((c) => c.name).join(', ')} out of Traefik after ${formatDuration(Date.now() - started)}`);
  return true;
}

/** Bound on how long replicas stay paused if this process is killed meanwhile. */
const WATCHDOG_MS = 10_000;

/**
 * Takes a whole colour out of Traefik before it is recreated or removed by
 * a revert: its live router may already be winning when a check failed late.
 * Its route container goes first (that is the live router, for a colour
 * launched since); containers that carry a live router themselves
 * (launched before) are taken out while they run.
 */
export async function withdrawColour(ctx: Context, release: Release, colour: Colour): Promise<void> {
  const routes = await removeRoute(ctx, colour);
  const all = await ctx.docker.containers({ [LABEL.app]: ctx.app, [LABEL.colour]: colour });
  const running = all.filter((c) => c.state === 'running' && c.labels[LABEL.routing] !== 'held');
  // Gone from every Traefik instance: one that still lists it still sends it requests.
  const gone = async () => {
    const absentEverywhere = async () => (await routerOnEachInstance(ctx.traefik, atDocker(liveRouter(ctx.app, colour)))).every((router) => router === undefined);
    await retryUntil(async () => ((await absentEverywhere().catch(() => false)) ? true : undefined), {
      deadline: Deadline.after(15_000),
      onTimeout: () => new BgError(`Traefik still routes ${liveRouter(ctx.app, colour)}`, ExitCode.needsPerson),
    });
  };
  if (running.length === 0) {
    if (!routes) return;
    await gone();
    // Traefik's API shows a route gone a moment before its routers stop using it: requests that still
    // reach the colour meanwhile end before the caller stops it (its live service quiet, core/drain.ts).
    await drain(ctx, colour);
    return;
  }
  // Stopped first, so that none passes its healthcheck (and is routed) meanwhile; not paused: a
  // container paused while it starts (its healthcheck probes every start_interval) was once seen
  // to survive the SIGKILL of the relaunch after it, left running with its live router.
  const starting = neverRouted(running);
  await Promise.all(starting.map((c) => ctx.docker.stopAndRemove(c.id, 0)));
  const routable = running.filter((c) => !starting.includes(c));
  if (routable.length === 0) return gone();
  await detachFromTraefik(ctx, release, routable, gone);
}
