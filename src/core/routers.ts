import { isMaintenanceRouter } from '../plan/maintenance.js';
import { isCanaryRouter } from '../plan/canary.js';
import { basePriority, routesOf } from '../plan/labels.js';
import type { Provider } from './colour-runtime.js';
import { atProvider, checkRouter, companionLiveRouter, companionPreviewRouter, isColourObject, LABEL, liveRouter, previewRouter } from '../plan/names.js';
import type { Release, RoutingSpec } from '../plan/release.js';
import { liveRule } from '../plan/rule.js';
import { defaultPriority, exclusionsFor, type Exclusions, type OwnRoute, type RouterFact } from '../plan/shadowing.js';
import { isColour } from '../plan/colour.js';
import type { Context } from './context.js';
import type { RouterView } from '../runtime/traefik-api.js';

/**
 * The target's own route (or a routed companion's, given its routing), as
 * plan/shadowing.ts compares the team's routers with it. Every router of
 * either colour is the app's own, whichever release's target defined it.
 */
export function ownRoute(ctx: Context, release: Release, provider: Provider = 'docker', routing: RoutingSpec = release.routing): OwnRoute {
  const suffix = `@${provider}`;
  return {
    rule: liveRule(routing.rule, routing.servicePaths),
    priority: basePriority(routing),
    entryPoints: routing.entrypoints,
    ownRouters: (name) => name.endsWith(suffix) && isColourObject(ctx.app, name.slice(0, -suffix.length)),
  };
}

/**
 * Every HTTP router Traefik has, each with the priority it had before
 * bluegreen: another bluegreen app's live router counts with its own rule's
 * priority (from its containers' labels), and preview routers (reached only
 * with the colour header), check routers (with the preview key) and
 * maintenance and canary routers (copies of live ones, plan/maintenance.ts,
 * plan/canary.ts) are left out.
 * `known`: what the caller has asked for already; `managed`, the labels of
 * every running colour (in swarm mode, its services' labels).
 */
export async function routerFacts(ctx: Context, known: { routers?: RouterView[]; managed?: Promise<Record<string, string>[]> } = {}, provider: Provider = 'docker'): Promise<RouterFact[]> {
  const [routers, managed] = await Promise.all([known.routers ?? ctx.traefik.routers(), known.managed ?? runningColoursLabels(ctx)]);
  const bluegreen = new Map<string, number | 'preview'>();
  for (const labels of managed) {
    const app = labels[LABEL.app];
    const colour = labels[LABEL.colour];
    const base = Number(labels[LABEL.basePriority]);
    if (!app || !isColour(colour)) continue;
    bluegreen.set(atProvider(previewRouter(app, colour), provider), 'preview');
    bluegreen.set(atProvider(checkRouter(app, colour), provider), 'preview'); // reached with a preview key only, like a preview
    if (Number.isFinite(base) && base > 0) bluegreen.set(atProvider(liveRouter(app, colour), provider), base);
    for (const route of routesOf(labels)) {
      bluegreen.set(atProvider(companionPreviewRouter(app, colour, route.target), provider), 'preview');
      bluegreen.set(atProvider(companionLiveRouter(app, colour, route.target), provider), route.base);
    }
  }
  return routers.flatMap((router): RouterFact[] => {
    const known = bluegreen.get(router.name);
    // A maintenance page's router (any bluegreen app's) is a copy of a live router, up for a while: not the team's.
    if (known === 'preview' || isMaintenanceRouter(router.name, router.priority) || isCanaryRouter(router.name, router.priority)) return [];
    // The default router Traefik gives a container that defines a service and no router (the page's
    // server, a canary step's servers): `Host(<its name>)`, to bluegreen's own service: not the team's.
    if (/-(maintenance|canary-\d+)(@docker)?$/.test(router.service)) return [];
    const priority = typeof known === 'number' ? known : router.priority || defaultPriority(router.rule);
    return [{ name: router.name, rule: router.rule, priority, entryPoints: router.entryPoints, status: router.status, ruleSyntax: router.ruleSyntax }];
  });
}

/** The labels of every running colour of every bluegreen app on the engine. */
export const runningColoursLabels = (ctx: Context) => ctx.docker.runningLabels({ [LABEL.managed]: 'true', [LABEL.colour]: '' });

/**
 * The team's routers a colour of this release must leave alone, read from
 * Traefik now, and said: those left alone, and those it cannot leave alone;
 * `companions`, those each routed companion's rule leaves alone.
 * `managed`: the running colours' labels where they are not containers' (swarm).
 */
export async function currentExclusions(
  ctx: Context,
  release: Release,
  provider: Provider = 'docker',
  managed?: Promise<Record<string, string>[]>,
): Promise<Exclusions & { companions: Record<string, Exclusions['excluded']> }> {
  const facts = await routerFacts(ctx, { managed }, provider);
  const found = exclusionsFor(facts, ownRoute(ctx, release, provider));
  say(ctx, `${ctx.app}'s`, found);
  const companions: Record<string, Exclusions['excluded']> = {};
  for (const [target, routing] of Object.entries(release.companionRouting ?? {})) {
    const ofCompanion = exclusionsFor(facts, ownRoute(ctx, release, provider, routing));
    say(ctx, `${ctx.app}'s ${target}'s`, ofCompanion);
    companions[target] = ofCompanion.excluded;
  }
  return { ...found, companions };
}

function say(ctx: Context, whose: string, found: Exclusions): void {
  const { excluded } = found;
  if (excluded.length) ctx.out.info(`  leaving alone ${excluded.length} router${excluded.length > 1 ? 's' : ''} that Traefik prefers over ${whose} own: ${excluded.map((r) => r.name).join(', ')}`);
  for (const router of found.cannot) {
    ctx.out.warn(`${router.name} wins over ${whose} own router, but ${router.why}: bluegreen's live router shadows it; give it a priority above 1000000000 or a v3 rule`);
  }
}
