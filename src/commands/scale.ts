import type { Context } from '../core/context.js';
import { observeColours } from '../core/observe.js';
import type { HistoryNote } from '../core/operation.js';
import { preflight } from '../core/preflight.js';
import { usageError } from '../errors.js';
import type { Colour } from '../plan/colour.js';
import { renderColourProject } from '../plan/colour-project.js';
import { colourProject, LABEL, liveRouter, serviceName } from '../plan/names.js';
import { livePriority } from '../plan/priority.js';
import { liveColour } from '../plan/reality.js';
import { applyScale, formatScale, type ScaleSpec } from '../plan/scale.js';
import { parseDuration } from '../plan/duration.js';
import { waitHealthy } from '../waiting/health.js';
import { detachFromTraefik } from '../core/detach.js';
import type { ContainerView } from '../runtime/docker.js';
import { Deadline } from '../waiting/retry.js';
import { waitRouted } from '../waiting/traefik.js';
import { loadRelease } from './switch.js';

export interface ScaleResult {
  colour: Colour;
  from: number;
  to: number;
}

/**
 * Scales the live colour's target, counting from the containers that run
 * (not a stored number). Existing containers are never recreated
 * (--no-recreate, same labels); new ones are routed only once healthy;
 * removed ones are first taken out of Traefik (core/detach.ts), then get
 * SIGTERM and their grace period. Traefik's API must then list exactly the
 * remaining containers.
 */
export async function scaleLive(ctx: Context, note: HistoryNote, spec: ScaleSpec | undefined): Promise<ScaleResult> {
  if (!spec) throw usageError('scale needs a count', 'e.g. `bluegreen scale +2`, `bluegreen scale -1`, `bluegreen scale 3`');
  await preflight(ctx);
  const colours = await observeColours(ctx);
  const live = liveColour(colours);
  if (!live) throw usageError(`no colour is live: nothing to scale ${formatScale(spec)}`, 'run `bluegreen deploy` first');
  const view = colours[live];
  const to = applyScale(spec, view.running);
  const generation = view.generation!;
  Object.assign(note, { colour: live, release: view.release, detail: `${view.running} -> ${to}` });
  if (to === view.running) {
    ctx.out.info(`${live} already runs ${to}`);
    return { colour: live, from: view.running, to };
  }
  const release = await loadRelease(ctx, view.release!);
  note.image = release.image;
  const mode = { kind: 'live', generation } as const;
  const fields = { colour: live, release: release.number };
  const deadline = Deadline.after(ctx.options.timeoutMs);
  const routeTo = (containers: ContainerView[]) =>
    waitRouted(ctx.traefik, {
      router: liveRouter(ctx.app, live),
      priority: livePriority(generation),
      service: serviceName(ctx.app, live),
      servers: containers.map((c) => `http://${c.ips[ctx.options.network]}:${release.routing.port}`),
      deadline,
    });
  if (to < view.running) {
    // Compose removes the highest-numbered replicas: take exactly those out of Traefik first.
    const current = (await ctx.docker.containers({ 'com.docker.compose.project': colourProject(ctx.app, live), 'com.docker.compose.service': release.target }))
      .filter((c) => c.state === 'running')
      .sort((a, b) => Number(a.labels['com.docker.compose.container-number']) - Number(b.labels['com.docker.compose.container-number']));
    const keep = current.slice(0, to);
    const doomed = current.slice(to);
    const plural = doomed.length > 1 ? 's' : '';
    await ctx.out.step(`take ${doomed.length} replica${plural} out of Traefik`, () => detachFromTraefik(ctx, release, doomed, () => routeTo(keep)), fields, 'detach');
    // By ID: which replicas compose removes on a scale-down changed between its versions.
    const grace = Math.ceil(parseDuration(release.service.stop_grace_period ?? '10s', 'stop_grace_period') / 1000);
    await ctx.out.step(`stop ${doomed.length} replica${plural}`, () => Promise.all(doomed.map((c) => ctx.docker.stopAndRemove(c.id, grace))), fields, 'stop');
  }
  const before = new Set((await ctx.docker.containers({ 'com.docker.compose.project': colourProject(ctx.app, live) })).map((c) => c.id));
  await ctx.out.step(`scale ${live} from ${view.running} to ${to}`, () =>
    ctx.compose.up(renderColourProject(release, live, mode, ctx.options.network), { scale: { service: release.target, count: to }, noRecreate: true }), fields, 'scale');
  let containers: ContainerView[];
  try {
    containers = await ctx.out.step('wait until healthy', () =>
      waitHealthy(ctx.docker, {
        labels: { 'com.docker.compose.project': colourProject(ctx.app, live), 'com.docker.compose.service': release.target, [LABEL.routing]: 'live' },
        count: to,
        deadline,
        what: `${live} scaled to ${to}`,
      }), fields, 'healthy');
  } catch (error) {
    // New replicas that never became healthy were never routed: remove them.
    const added = (await ctx.docker.containers({ 'com.docker.compose.project': colourProject(ctx.app, live) })).filter((c) => !before.has(c.id));
    await Promise.all(added.map((c) => ctx.docker.stopAndRemove(c.id, 0)));
    throw error;
  }
  await ctx.out.step(`Traefik routes ${to} server${to > 1 ? 's' : ''}`, () => routeTo(containers), fields, 'traefik');
  return { colour: live, from: view.running, to };
}
