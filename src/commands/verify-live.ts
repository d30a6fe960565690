import type { Context } from '../core/context.js';
import { preflight } from '../core/preflight.js';
import { usageError } from '../errors.js';
import type { Colour } from '../plan/colour.js';
import { LABEL, liveRouter, serviceName } from '../plan/names.js';
import { legacyLivePriority, livePriority } from '../plan/priority.js';
import { liveColour, routable } from '../plan/reality.js';
import { Deadline } from '../waiting/retry.js';
import { waitRouted } from '../waiting/traefik.js';
import { loadRelease } from '../core/load-release.js';
import { verifyCompanionRoutes } from '../core/launch.js';

/** Checks that Traefik routes the live colour to exactly its running containers. */
export async function verifyLive(ctx: Context): Promise<{ colour: Colour; servers: number }> {
  const { colours } = await preflight(ctx);
  const live = liveColour(colours);
  if (!live) throw usageError('no colour is live', 'run `bluegreen deploy` first');
  const release = await loadRelease(ctx, colours[live].release!);
  // The colour's containers, not its route container (which carries the router, not the service).
  const running = (await ctx.docker.containers({ [LABEL.app]: ctx.app, [LABEL.colour]: live })).filter((c) => c.labels[LABEL.role] !== 'route');
  const servers = running.filter(routable).map((c) => `http://${c.ips[ctx.options.network]}:${release.routing.port}`);
  await ctx.out.step(
    `Traefik routes ${live}`,
    () =>
      waitRouted(ctx.traefik, {
        router: liveRouter(ctx.app, live),
        priority: livePriority(colours[live].generation!),
        alsoPriority: legacyLivePriority(colours[live].generation!),
        service: serviceName(ctx.app, live),
        servers,
        deadline: Deadline.after(ctx.options.timeoutMs),
      }),
    { colour: live },
  );
  // Its routed companions' live routers too (`-t web -t api`), each with exactly its containers.
  await verifyCompanionRoutes(ctx, release, live, { kind: 'live', generation: colours[live].generation! }, Deadline.after(ctx.options.timeoutMs));
  return { colour: live, servers: servers.length };
}
