import { otherColour, type Colour } from '../plan/colour.js';
import type { Provider } from './colour-runtime.js';
import { companionCount, withReplicas } from '../plan/compose-model.js';
import { colourProject, LABEL } from '../plan/names.js';
import { routesOf } from '../plan/labels.js';
import type { Release } from '../plan/release.js';
import type { ContainerView } from '../runtime/docker.js';
import { waitHealthy } from '../waiting/health.js';
import type { Deadline } from '../waiting/retry.js';
import type { Context } from './context.js';
import { BgError, ExitCode } from '../errors.js';

/**
 * The coloured workers (plan/release.ts companions) a launch of `release`
 * in `colour` finds there: whether they already run this release, healthy
 * (compose leaves them as they are: nothing to judge again), and the
 * services running another release (compose would recreate or remove them).
 */
export interface CompanionsFound {
  ready: boolean;
  otherRelease: string[];
}

/** The worker containers running in a colour, of any release. */
export async function runningWorkers(ctx: Context, colour: Colour): Promise<ContainerView[]> {
  return (await ctx.docker.containers({ [LABEL.app]: ctx.app, [LABEL.companionOf]: colour })).filter((c) => c.state === 'running');
}

export async function companionsBefore(ctx: Context, release: Release, colour: Colour): Promise<CompanionsFound> {
  const wanted = Object.entries(release.companions ?? {});
  const running = await runningWorkers(ctx, colour);
  const service = (c: ContainerView) => c.labels['com.docker.compose.service'] ?? '';
  const ofThisRelease = running.filter((c) => c.labels[LABEL.release] === String(release.number));
  const ready = wanted.every(([name, spec]) => ofThisRelease.filter((c) => service(c) === name && (c.health === 'healthy' || c.health === 'none')).length === companionCount(spec));
  const otherRelease = [...new Set(running.filter((c) => !ofThisRelease.includes(c)).map(service))].filter(Boolean);
  return { ready, otherRelease };
}

/**
 * Before a switch: the candidate's companions of this release that have
 * turned unhealthy since `up` (a worker, or a routed target) refuse it,
 * nothing changed (exit 1). Switched anyway, the launch would wait on them,
 * fail, and its undo back to the preview route would wait on them again and
 * fail too (exit 5 for a candidate that never carried live traffic).
 */
export async function assertCompanionsStillHealthy(ctx: Context, release: Release, colour: Colour): Promise<void> {
  if (Object.keys(release.companions ?? {}).length === 0) return;
  const sick = (await runningWorkers(ctx, colour)).filter((c) => c.labels[LABEL.release] === String(release.number) && c.health === 'unhealthy');
  if (sick.length === 0) return;
  const services = [...new Set(sick.map((c) => c.labels['com.docker.compose.service'] ?? c.name))].join(', ');
  const lastOutput = (await ctx.docker.inspect(sick[0]!.id).catch(() => sick[0]!)).lastHealthOutput;
  const said = lastOutput ? `: ${lastOutput}` : '';
  throw new BgError(
    `${services} of ${colour} (release ${release.number}) turned unhealthy after up${said}; nothing was switched`,
    ExitCode.failedReverted,
    `see \`docker logs ${sick[0]!.name}\`; \`bluegreen up\` relaunches the candidate`,
  );
}

/**
 * Stops workers of another release before compose replaces them, each
 * within its own stop_grace_period: the launch replaces the colour's routed
 * containers at once (they carry no live traffic), but a worker may be in
 * the middle of a job.
 */
export async function stopOtherReleaseWorkers(ctx: Context, colour: Colour, found: CompanionsFound): Promise<void> {
  if (found.otherRelease.length === 0) return;
  await ctx.out.step(
    `stop ${found.otherRelease.join(', ')} of ${colour}'s previous release (within its stop_grace_period)`,
    () => ctx.compose.stop(colourProject(ctx.app, colour), undefined, found.otherRelease),
    { colour },
    'stop-workers',
  );
}

/** Every companion's containers, as many as its file asks for (deploy.replicas, else one), running and healthy. */
export async function waitCompanionsHealthy(ctx: Context, release: Release, colour: Colour, deadline: Deadline): Promise<void> {
  await Promise.all(
    Object.entries(release.companions ?? {}).map(([name, spec]) => {
      const labels = { 'com.docker.compose.project': colourProject(ctx.app, colour), 'com.docker.compose.service': name, [LABEL.release]: String(release.number) };
      return waitHealthy(ctx.docker, { labels, count: companionCount(spec), deadline, what: `${name} of ${colour} (release ${release.number})` });
    }),
  );
}

/** The routed companions whose live routers a colour's first-target containers carry (their LABEL.routes): none in swarm mode. */
export async function routedTargets(ctx: Context, colour: Colour, provider: Provider): Promise<string[]> {
  if (provider === 'swarm') return [];
  const containers = await ctx.docker.containers({ [LABEL.app]: ctx.app, [LABEL.colour]: colour });
  return [...new Set(containers.flatMap((c) => routesOf(c.labels).map((route) => route.target)))];
}

/**
 * How many containers of each companion a launch of `release` in `colour`
 * runs: as many as the colour has of this release already (a switch, a
 * rollback: a `scale api +2` is kept), else as many as run in the other
 * colour (a deploy keeps the live scale, as for the first target), else
 * what its file asks for. `given` wins (a scale).
 */
export async function companionCounts(ctx: Context, release: Release, colour: Colour, given: Record<string, number> = {}): Promise<Release> {
  if (!release.companions) return release;
  const all = await ctx.docker.containers({ [LABEL.app]: ctx.app, [LABEL.companionOf]: '' });
  const of = (c: ContainerView, name: string) => c.labels['com.docker.compose.service'] === name;
  const counts = Object.fromEntries(
    Object.entries(release.companions).map(([name, spec]) => {
      const here = all.filter((c) => of(c, name) && c.labels[LABEL.companionOf] === colour && c.labels[LABEL.release] === String(release.number)).length;
      const there = all.filter((c) => of(c, name) && c.labels[LABEL.companionOf] === otherColour(colour) && c.state === 'running').length;
      return [name, given[name] ?? (here || there || companionCount(spec))];
    }),
  );
  return { ...release, companions: Object.fromEntries(Object.entries(release.companions).map(([name, spec]) => [name, withReplicas(spec, counts[name]!)])) };
}
