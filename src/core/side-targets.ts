import type { ComposeConfig } from '../plan/compose-model.js';
import { labelledSideProject, plainSideProject, renderSideProject, type SideProjectStyle } from '../plan/side-project.js';
import { sideProject } from '../plan/names.js';
import type { Context } from './context.js';
import { ensureResources } from './resources.js';
import type { ContainerView } from '../runtime/docker.js';

/**
 * Starts the side targets once, for both colours, and waits for those with a
 * healthcheck. Compose recreates a side target only when its own
 * configuration changed, so a deploy leaves a database running. A side
 * target that runs but is not named this time (`-T cache` where it used to
 * be `-T cache -T extra`) is left running: it may hold data, and only
 * `bluegreen down` removes side targets.
 */
export async function ensureSideTargets(ctx: Context, config: ComposeConfig, unchanged = sideTargetsUnchanged(ctx, config)): Promise<void> {
  if (ctx.options.sideTargets.length === 0) return;
  const spec = renderSideProject(config, ctx.app, ctx.options.sideTargets, await sideProjectStyle(ctx));
  const names = ctx.options.sideTargets.join(', ');
  await ensureResources(ctx, spec);
  // `compose up --wait` of side targets compose would leave as they are
  // still costs ~0.6 s of every deploy: skipped when nothing would change.
  if (await unchanged) {
    ctx.out.info(`side targets ${names}: running, healthy, unchanged`);
    return;
  }
  await ctx.out.step(`side targets ${names}`, () => ctx.compose.up(spec, { wait: true, waitTimeoutSeconds: Math.ceil(ctx.options.timeoutMs / 1000), keepOrphans: true }));
}

/**
 * Whether `compose up` would leave every side target as it is (false when
 * there are none, or when it cannot tell): only reads, so that `up` asks it
 * early, while it does other things (compose's hash takes ~0.1 s).
 */
export function sideTargetsUnchanged(ctx: Context, config: ComposeConfig): Promise<boolean> {
  if (ctx.options.sideTargets.length === 0) return Promise.resolve(false);
  return sideProjectStyle(ctx)
    .then((style) => asComposeWouldLeaveThem(ctx, renderSideProject(config, ctx.app, ctx.options.sideTargets, style)))
    .catch(() => false);
}

/**
 * Where the app's side targets run: in the app's own compose project, as
 * `docker compose up` runs them (a team's database keeps running when
 * bluegreen first deploys); or in `<app>-side`, where an older bluegreen
 * started them, as long as anything runs there (moved, a database would
 * start twice on one volume).
 */
export async function sideProjectStyle(ctx: Pick<Context, 'app' | 'docker'>): Promise<SideProjectStyle> {
  const legacy = await ctx.docker.runningLabels({ 'com.docker.compose.project': sideProject(ctx.app) });
  const stopped = legacy.length ? [] : await ctx.docker.containers({ 'com.docker.compose.project': sideProject(ctx.app) });
  return legacy.length || stopped.length ? labelledSideProject(ctx.app) : plainSideProject(ctx.app);
}

/**
 * Whether every side target runs, healthy, as `compose up` would leave it:
 * labelled with compose's own hash of its configuration as rendered now, and
 * running the image its reference names here now (a tag pulled since).
 */
async function asComposeWouldLeaveThem(ctx: Context, spec: ComposeConfig): Promise<boolean> {
  const [hashes, running] = await Promise.all([ctx.compose.serviceHashes(spec), ctx.docker.containers({ 'com.docker.compose.project': spec.name })]);
  for (const [service, definition] of Object.entries(spec.services)) {
    const containers = running.filter((c) => c.labels['com.docker.compose.service'] === service);
    // A service named by its image must run the one that reference names here now
    // (none here: compose up would pull it); one built by compose has no reference to follow.
    const imageId = definition.image ? await ctx.docker.imageId(definition.image) : undefined;
    if (definition.image && !imageId) return false;
    const asLeft = (c: ContainerView) =>
      c.state === 'running' && (c.health === 'healthy' || c.health === 'none') && c.labels['com.docker.compose.config-hash'] === hashes[service] && (!imageId || c.imageId === imageId);
    if (!hashes[service] || containers.length === 0 || !containers.every(asLeft)) return false;
  }
  return true;
}

/**
 * A service that used to be a side target (or ran under plain compose) and
 * is now a coloured worker still runs once where side targets run (they are
 * never removed but by `down`): two releases' workers would then consume the
 * same jobs. Said, not removed: it may be the user's to stop. In the app's
 * own project it is the app as plain compose runs it, which stop-old takes
 * over; in an older bluegreen's `<app>-side` nothing would stop it.
 */
export async function warnWorkersStillSideTargets(ctx: Context): Promise<void> {
  if (ctx.options.companions.length === 0) return;
  const { project, labelled } = await sideProjectStyle(ctx);
  const side = await ctx.docker.runningLabels({ 'com.docker.compose.project': project });
  const stale = [...new Set(side.map((labels) => labels['com.docker.compose.service'] ?? '').filter((name) => ctx.options.companions.includes(name)))];
  for (const name of stale) {
    const remedy = labelled ? 'stop it with' : 'stop-old drains and stops it once a colour is live, or stop it now with';
    ctx.out.warn(`${name} still runs once in ${project} (a side target or plain compose before): it runs beside each colour's ${name} now; ${remedy} docker compose -p ${project} rm -sf ${name}`);
  }
}
