import type { Colour } from '../plan/colour.js';
import { ROUTE_SERVICE } from '../plan/colour-project.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { LABEL } from '../plan/names.js';
import type { Release } from '../plan/release.js';
import type { Context } from './context.js';

/**
 * The colour's route container for a generation (recreated by compose when
 * its labels change): its live router shadows the other colour's in one
 * Traefik reload. Only that service is started: the colour's containers,
 * healthy and verified, are left exactly as they are.
 */
export async function startRoute(ctx: Context, spec: ComposeConfig, release: Release, colour: Colour, generation: number): Promise<void> {
  await ctx.docker.ensureRouteImage();
  await ctx.out.step(
    `route live traffic to ${colour} (route container, generation ${generation})`,
    () => ctx.compose.up(spec, { services: [ROUTE_SERVICE], stopTimeoutSeconds: 0 }),
    { colour, release: release.number },
    'route',
  );
}

/** Removes a colour's route container: its live router leaves Traefik at the next reload. */
export async function removeRoute(ctx: Context, colour: Colour): Promise<boolean> {
  const routes = await ctx.docker.containers({ [LABEL.app]: ctx.app, [LABEL.routeOf]: colour });
  await Promise.all(routes.map((c) => ctx.docker.stopAndRemove(c.id, 0)));
  return routes.length > 0;
}
