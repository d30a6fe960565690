import { createHash } from 'node:crypto';
import type { Colour } from '../plan/colour.js';
import { ROUTE_SERVICE } from '../plan/colour-project.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { LABEL } from '../plan/names.js';
import type { Release } from '../plan/release.js';
import type { Context } from './context.js';

/**
 * The colour's route container for a generation: its live router shadows
 * the other colour's in one Traefik reload. Started through the engine's API
 * (a create and a start: `docker compose up` of it took several times as
 * long), as the rendered project describes it and labelled as compose
 * labels it, so that compose's stop and down of the colour take it along;
 * the colour's containers, healthy and verified, are left as they are. One
 * left from before (an interrupted command) is replaced.
 */
export async function startRoute(ctx: Context, spec: ComposeConfig, release: Release, colour: Colour, generation: number): Promise<void> {
  const route = spec.services[ROUTE_SERVICE]!;
  const [networkKey] = Object.keys(route.networks ?? {});
  const network = spec.networks?.[networkKey!]?.name ?? ctx.options.network;
  await ctx.out.step(
    `route live traffic to ${colour} (route container, generation ${generation})`,
    async () => {
      await Promise.all([ctx.docker.ensureRouteImage(), removeRoute(ctx, colour)]);
      await ctx.docker.runContainer({
        name: `${spec.name}-${ROUTE_SERVICE}-1`,
        image: route.image!,
        entrypoint: route.entrypoint as string[],
        labels: {
          // Unescaped: compose would have turned each `$$` of the rendered project back into `$`.
          ...Object.fromEntries(Object.entries(route.labels ?? {}).map(([key, value]) => [key, value.replaceAll('$$', '$')])),
          'com.docker.compose.project': spec.name,
          'com.docker.compose.service': ROUTE_SERVICE,
          'com.docker.compose.container-number': '1',
          'com.docker.compose.oneoff': 'False',
          // Compose's stop and down find a project's containers by this label too.
          'com.docker.compose.config-hash': createHash('sha256').update(JSON.stringify(route)).digest('hex'),
        },
        network,
        restart: route.restart as string | undefined,
      });
    },
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
