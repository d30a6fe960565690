import { basePriority } from '../plan/labels.js';
import { atProvider, checkRouter, LABEL, liveRouter, previewRouter } from '../plan/names.js';
import type { Release } from '../plan/release.js';
import { liveRule } from '../plan/rule.js';
import { defaultPriority, exclusionsFor, type Exclusions, type OwnRoute, type RouterFact } from '../plan/shadowing.js';
import { COLOURS, isColour } from '../plan/colour.js';
import type { Context } from './context.js';
import type { RouterView } from '../runtime/traefik-api.js';

/** Traefik's provider of bluegreen's routers: `docker`, or `swarm` in swarm mode. */
type Provider = 'docker' | 'swarm';

/** The target's own route, as plan/shadowing.ts compares the team's routers with it. */
export function ownRoute(ctx: Context, release: Release, provider: Provider = 'docker'): OwnRoute {
  const ours = new Set(COLOURS.flatMap((colour) => [liveRouter(ctx.app, colour), previewRouter(ctx.app, colour), checkRouter(ctx.app, colour)].map((name) => atProvider(name, provider))));
  return {
    rule: liveRule(release.routing.rule, release.routing.servicePaths),
    priority: basePriority(release.routing),
    entryPoints: release.routing.entrypoints,
    ownRouters: (name) => ours.has(name),
  };
}

/**
 * Every HTTP router Traefik has, each with the priority it had before
 * bluegreen: another bluegreen app's live router counts with its own rule's
 * priority (from its containers' labels), and preview routers (reached only
 * with the colour header) and check routers (with the preview key) are left out.
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
  }
  return routers.flatMap((router): RouterFact[] => {
    const known = bluegreen.get(router.name);
    if (known === 'preview') return [];
    const priority = typeof known === 'number' ? known : router.priority || defaultPriority(router.rule);
    return [{ name: router.name, rule: router.rule, priority, entryPoints: router.entryPoints, status: router.status, ruleSyntax: router.ruleSyntax }];
  });
}

/** The labels of every running colour of every bluegreen app on the engine. */
export const runningColoursLabels = (ctx: Context) => ctx.docker.runningLabels({ [LABEL.managed]: 'true', [LABEL.colour]: '' });

/**
 * The team's routers a colour of this release must leave alone, read from
 * Traefik now, and said: those left alone, and those it cannot leave alone.
 * `managed`: the running colours' labels where they are not containers' (swarm).
 */
export async function currentExclusions(ctx: Context, release: Release, provider: Provider = 'docker', managed?: Promise<Record<string, string>[]>): Promise<Exclusions> {
  const found = exclusionsFor(await routerFacts(ctx, { managed }, provider), ownRoute(ctx, release, provider));
  const { excluded } = found;
  if (excluded.length) ctx.out.info(`  leaving alone ${excluded.length} router${excluded.length > 1 ? 's' : ''} that Traefik prefers over ${ctx.app}'s own: ${excluded.map((r) => r.name).join(', ')}`);
  for (const router of found.cannot) {
    ctx.out.warn(`${router.name} wins over ${ctx.app}'s own router, but ${router.why}: bluegreen's live router shadows it; give it a priority above 1000000000 or a v3 rule`);
  }
  return found;
}
