import type { Context } from '../core/context.js';
import { LockLostError, needsPersonError } from '../errors.js';
import { COLOURS } from '../plan/colour.js';
import { colourProject, sideProject } from '../plan/names.js';
import { externalResources, renderSideProject } from '../plan/side-project.js';

/**
 * Removes both colours and the side targets. Named volumes are kept unless
 * --volumes; frozen releases and history are kept either way.
 */
export async function down(ctx: Context, options: { volumes: boolean }): Promise<string[]> {
  await ctx.docker.ping();
  const runtime = await ctx.runtime();
  const removeProject = (project: string) => runtime.removeProject(ctx, project);
  const volumes = new Set<string>();
  const networks = new Set<string>();
  // The app's services in its own compose project: side targets, and the containers of the app's targets a first deploy took over.
  const appServices = new Set(ctx.options.sideTargets);
  const state = await ctx.store.read();
  for (const number of await ctx.store.releaseNumbers()) {
    const release = await ctx.store.loadRelease(number);
    Object.values(release?.volumes ?? {}).forEach((v) => volumes.add(v.name));
    Object.values(release?.networks ?? {}).forEach((n) => networks.add(n.name));
    [release?.target, ...Object.keys(release?.companions ?? {})].forEach((name) => name && appServices.add(name));
  }
  const config = await ctx.userConfig().catch(() => undefined);
  if (config && ctx.options.sideTargets.length) {
    const side = externalResources(renderSideProject(config, ctx.app, ctx.options.sideTargets));
    side.volumes.forEach((v) => volumes.add(v));
    side.networks.forEach((n) => networks.add(n));
  }
  try {
    for (const colour of COLOURS) {
      await ctx.out.step(`remove ${colour}`, () => removeProject(colourProject(ctx.app, colour)), { colour }, 'remove');
    }
    await ctx.out.step('remove side targets', () => removeProject(sideProject(ctx.app)), {}, 'remove-side');
    const { removeCanary } = await import('../core/canary.js');
    await removeCanary(ctx);
    const { maintenanceContainers, removeMaintenance } = await import('../core/maintenance.js');
    if ((await maintenanceContainers(ctx)).length) await ctx.out.step('remove the maintenance page', () => removeMaintenance(ctx), {}, 'maintenance-page');
    // Only the app's own services there: anything else the team runs in that project stays.
    const own = !runtime.ownsPlainProject ? [] : (await ctx.docker.containers({ 'com.docker.compose.project': ctx.app })).filter((c) => appServices.has(c.labels['com.docker.compose.service'] ?? ''));
    if (own.length)
      await ctx.out.step(`remove ${[...new Set(own.map((c) => c.name))].join(', ')} (project ${ctx.app})`, () => ctx.compose.down(ctx.app, { services: [...appServices] }), {}, 'remove-plain');
  } catch (error) {
    if (error instanceof LockLostError) throw error;
    // Half of the app may be gone, the live colour with it: not "live untouched" (1).
    throw needsPersonError(`down stopped half-way: ${(error as Error).message}`, 'see `bluegreen status` for what still runs; run `bluegreen down` again once the cause is fixed');
  }
  // The app's own networks (never Traefik's): bluegreen created them.
  for (const name of networks) if (name !== ctx.options.network) await ctx.docker.removeNetwork(name, ctx.app);
  const removed: string[] = [];
  if (options.volumes) {
    for (const name of volumes) if (await ctx.docker.removeVolume(name, ctx.app)) removed.push(name);
  }
  await ctx.store.update((s) => ({ ...s, live: undefined, candidate: undefined, previousLive: s.live?.release ?? state.previousLive }));
  return removed;
}
