import type { ComposeConfig } from '../plan/compose-model.js';
import { renderSideProject } from '../plan/side-project.js';
import type { Context } from './context.js';
import { ensureResources } from './resources.js';

/**
 * Starts the side targets once, for both colours, and waits for those with a
 * healthcheck. Compose recreates a side target only when its own
 * configuration changed, so a deploy leaves a database running. A side
 * target that runs but is not named this time (`-T cache` where it used to
 * be `-T cache -T extra`) is left running: it may hold data, and only
 * `bluegreen down` removes side targets.
 */
export async function ensureSideTargets(ctx: Context, config: ComposeConfig): Promise<void> {
  if (ctx.options.sideTargets.length === 0) return;
  const spec = renderSideProject(config, ctx.app, ctx.options.sideTargets);
  await ensureResources(ctx, spec);
  await ctx.out.step(`side targets ${ctx.options.sideTargets.join(', ')}`, () => ctx.compose.up(spec, { wait: true, waitTimeoutSeconds: Math.ceil(ctx.options.timeoutMs / 1000), keepOrphans: true }));
}
