import type { Context } from '../core/context.js';
import { BgError, ExitCode, usageError } from '../errors.js';
import { otherColour, type Colour } from '../plan/colour.js';
import { companionCount, withReplicas } from '../plan/compose-model.js';
import { colourProject, LABEL } from '../plan/names.js';
import type { Release } from '../plan/release.js';
import { pinnedImage, stackService } from '../plan/swarm-stack.js';
import type { ServiceView } from '../runtime/docker.js';
import type { SwarmParts } from './launch.js';

/**
 * Coloured workers in swarm mode (`target: [app, worker]`): each worker is a
 * service of its colour's stack beside the routed target, from the same
 * frozen release, with no route (`traefik.enable=false`, labelled
 * `io.bluegreen.companion-of=<colour>` on the service). A switch redeploys
 * the stack with the worker's spec unchanged, so swarm replaces none of its
 * tasks; stop-old scales it to 0 with its colour.
 */

/**
 * A frozen release as swarm runs it: every node finds each worker's image
 * by its name, pinned by registry digest where it has one (an image ID is
 * only this engine's). A routed companion is refused (exit 2) before
 * anything changes: its live router would ride on the first target's
 * service, which swarm mode does not render yet.
 */
export async function forSwarm(ctx: Context, swarm: SwarmParts, release: Release, images: Record<string, string>): Promise<Release> {
  assertWorkersOnly(release);
  if (!release.companions) return release;
  const companions: Record<string, Release['service']> = {};
  for (const [name, spec] of Object.entries(release.companions)) {
    const image = images[name]!;
    const { reference, pinned } = pinnedImage(image, await swarm.engine.repoDigests(spec.image!));
    if (!pinned) ctx.out.warn(`${image} (${name}) has no registry digest (built or loaded here, not pushed): every node runs what that name is there`);
    companions[name] = { ...spec, image: reference };
  }
  return { ...release, companions };
}

/** Several routed targets are one-host only for now: exit 2 naming them. */
export function assertWorkersOnly(release: Pick<Release, 'number' | 'target' | 'companionRouting'>): void {
  const routed = Object.keys(release.companionRouting ?? {});
  if (routed.length === 0) return;
  throw usageError(
    `${routed.join(', ')} of release ${release.number}: a target with routes of its own beside ${release.target} is not in swarm mode yet (workers are)`,
    'in swarm mode deploy the routed service as an app of its own; a --target beyond the first must have no Traefik router (a worker)',
  );
}

/** The app's worker services on the swarm, of both colours. */
export const workerServices = async (swarm: SwarmParts, app: string): Promise<ServiceView[]> => swarm.engine.services({ [LABEL.app]: app, [LABEL.companionOf]: '' });

/** The worker's service in a colour's stack. */
export const workerService = (app: string, colour: Colour, name: string) => stackService(colourProject(app, colour), name);

/**
 * How many tasks each worker runs at a launch of `release` in `colour`: as
 * many as its service there asks for when it runs this release already (a
 * switch keeps a `scale worker +1`, and swarm leaves its tasks alone), else
 * as many as the other colour's runs (a deploy keeps the live scale), else
 * what its file asks for.
 */
export async function workerCounts(swarm: SwarmParts, release: Release, colour: Colour): Promise<Release> {
  if (!release.companions) return release;
  const services = await workerServices(swarm, release.app);
  const replicasOf = (c: Colour, name: string, sameRelease: boolean) =>
    services.find((s) => s.name === workerService(release.app, c, name) && (!sameRelease || s.labels[LABEL.release] === String(release.number)))?.replicas ?? 0;
  const companions = Object.fromEntries(
    Object.entries(release.companions).map(([name, spec]) => [name, withReplicas(spec, replicasOf(colour, name, true) || replicasOf(otherColour(colour), name, false) || companionCount(spec))]),
  );
  return { ...release, companions };
}

/** Waits until every worker of the colour runs its count of tasks, each healthy (swarm holds a task in `starting` until then). */
export async function waitWorkersRunning(ctx: Context, release: Release, colour: Colour, waitTasks: (service: string, count: number) => Promise<unknown>): Promise<void> {
  const workers = Object.entries(release.companions ?? {});
  if (workers.length === 0) return;
  await ctx.out.step(
    `wait until ${workers.map(([name]) => name).join(', ')} run${workers.length > 1 ? '' : 's'} (no route, health only)`,
    () => Promise.all(workers.map(([name, spec]) => waitTasks(workerService(ctx.app, colour, name), companionCount(spec)))),
    { colour, release: release.number },
    'workers',
  );
}

/** Scales every worker service of a colour to 0 (stop-old, an undone rollback): swarm stops each task within its stop_grace_period. True when any ran. */
export async function stopWorkers(ctx: Context, swarm: SwarmParts, colour: Colour, waitTasks: (service: string, count: number) => Promise<unknown>): Promise<boolean> {
  const running = (await workerServices(swarm, ctx.app)).filter((s) => s.labels[LABEL.companionOf] === colour && s.replicas > 0);
  if (running.length === 0) return false;
  await ctx.out.step(
    `scale ${running.map((s) => s.name).join(', ')} to 0 (kept for rollback)`,
    async () => {
      for (const service of running) await swarm.stacks.scale(service.name, 0);
      await Promise.all(running.map((service) => waitTasks(service.name, 0)));
    },
    { colour },
    'stop-workers',
  );
  return true;
}

/**
 * Before a switch, as on one host (core/companions.ts): a worker of the
 * candidate that no longer runs all its tasks of this release since up
 * (swarm stops a task that turned unhealthy and starts another) refuses
 * it, nothing changed (exit 1), rather than a switch whose wait and undo
 * would both wait on it.
 */
export async function assertWorkersStillRunning(swarm: SwarmParts, release: Release, colour: Colour): Promise<void> {
  const services = await workerServices(swarm, release.app);
  for (const name of Object.keys(release.companions ?? {})) {
    const service = services.find((s) => s.name === workerService(release.app, colour, name));
    if (!service) continue;
    const running = (await swarm.engine.tasks(service.id)).filter((t) => t.state === 'running' && t.release === String(release.number)).length;
    if (running < service.replicas) {
      throw new BgError(
        `${name} of ${colour} (release ${release.number}) runs ${running} of its ${service.replicas} tasks since up (swarm replaces a task that turned unhealthy); nothing was switched`,
        ExitCode.failedReverted,
        `see \`docker service ps ${service.name}\`; \`bluegreen up\` relaunches the candidate`,
      );
    }
  }
}
