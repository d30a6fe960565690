import type { Colour } from './colour.js';
import {
  LABEL,
  colourHeaderMiddleware,
  COLOUR_HEADER,
  checkRouter,
  companionLiveRouter as companionLiveRouterName,
  companionPreviewRouter,
  companionPreviewServiceName,
  companionServiceName,
  liveRouter,
  previewRouter,
  retryMiddleware,
  previewServiceName,
  serviceName,
} from './names.js';
import { checkPriority, companionLivePriority, companionPreviewPriority, legacyLivePriority, livePriority, PREVIEW_PRIORITY } from './priority.js';
import type { Release, RoutingSpec } from './release.js';
import { checkRule, liveRule, previewRule } from './rule.js';
import { escapeDollars } from './adopt.js';
import { defaultPriority, excludingRule } from './shadowing.js';

/**
 * Preview only (after `up`), or live at a generation (after `switch`,
 * `rollback`); `exclude` are the team's routers the colour's rules leave
 * alone (plan/shadowing.ts), read from Traefik when the colour is launched;
 * `previewKey` is what the preview route asks for besides the colour header.
 */
export type RoutingMode = ({ kind: 'preview' } | { kind: 'live'; generation: number }) & {
  exclude?: { name: string; rule: string }[];
  /** The same, for each routed companion's rule (its own team routers to leave alone). */
  companionExclude?: Record<string, { name: string; rule: string }[]>;
  previewKey?: string;
  /** Render the live router at the priority of colours launched before the stride (a replica added to such a colour). */
  legacyPriority?: boolean;
};

type Excluded = { name: string; rule: string }[];

/** A release's routed companions, ranked by the priority Traefik gave their routers before (plan/priority.ts). */
export function rankedCompanions(release: Release): { target: string; routing: RoutingSpec; rank: number }[] {
  return Object.entries(release.companionRouting ?? {})
    .sort(([a, x], [b, y]) => basePriority(x) - basePriority(y) || a.localeCompare(b))
    .map(([target, routing], index) => ({ target, routing, rank: index + 1 }));
}

/** The priority Traefik would have given the target's own router: what the team's routers were ranked against. */
export const basePriority = (routing: Release['routing']) => routing.priority ?? defaultPriority(liveRule(routing.rule, routing.servicePaths));

/**
 * The Traefik and bluegreen labels of one colour's target containers.
 * `held` (how one host launches since the route container): the containers
 * serve the preview and live services and carry the preview router only,
 * whatever the mode; the live router rides on the colour's route container
 * (routeLabels), so a switch starts no container of the app. Otherwise (a
 * swarm service, a replica added to a colour launched before) the live
 * router is on the containers themselves in live mode.
 */
export function colourLabels(release: Release, colour: Colour, mode: RoutingMode, network: string, held = false): Record<string, string> {
  const { app, routing } = release;
  const service = serviceName(app, colour);
  const ownMiddlewares = routing.middlewareDefinitions ?? {};
  const ownName = (name: string) => `${app}-${colour}-${name}`;
  const withHeader = colourMiddlewares(release, colour, true);
  const exclude = mode.exclude ?? [];
  const rule = excludingRule(liveRule(routing.rule, routing.servicePaths), exclude);
  const previewService = previewServiceName(app, colour);
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    'traefik.docker.network': network,
    ...serviceLabelsOf(routing, previewService),
    [`traefik.http.middlewares.${colourHeaderMiddleware(app, colour)}.headers.customresponseheaders.${COLOUR_HEADER}`]: colour,
    // A safety net for a connection refused while a replica goes away:
    // retried only when no byte of the request reached the server.
    [`traefik.http.middlewares.${retryMiddleware(app, colour)}.retry.attempts`]: '3',
    [`traefik.http.middlewares.${retryMiddleware(app, colour)}.retry.initialinterval`]: '50ms',
    ...routerLabels(routing, previewRouter(app, colour), previewRule(rule, colour, mode.previewKey), PREVIEW_PRIORITY, withHeader, previewService),
    [LABEL.managed]: 'true',
    [LABEL.app]: app,
    [LABEL.colour]: colour,
    [LABEL.release]: String(release.number),
    [LABEL.image]: release.image,
    [LABEL.routing]: held ? 'held' : mode.kind,
    [LABEL.generation]: !held && mode.kind === 'live' ? String(mode.generation) : '',
    [LABEL.basePriority]: String(basePriority(routing)),
    [LABEL.excludes]: exclude.length ? JSON.stringify(exclude) : '',
    [LABEL.previewKey]: mode.previewKey ?? '',
  };
  for (const [name, settings] of Object.entries(ownMiddlewares)) {
    for (const [prop, value] of Object.entries(settings)) labels[`traefik.http.middlewares.${ownName(name)}.${prop}`] = value;
  }
  if (release.companionRouting)
    labels[LABEL.routes] = JSON.stringify(rankedCompanions(release).map(({ target, routing: spec }) => ({ target, base: basePriority(spec), excludes: mode.companionExclude?.[target] ?? [] })));
  // Held: the live service is served from the start; only a route container's router sends to it.
  if (held) Object.assign(labels, serviceLabelsOf(routing, service));
  else if (mode.kind === 'live') Object.assign(labels, serviceLabelsOf(routing, service), liveRouters(release, colour, mode));
  // Compose interpolates `$`: every value is escaped (a rule may hold `$`, e.g. HostRegexp(`^.+$`)).
  return escaped(labels);
}

/**
 * The labels of a colour's route container (one host): the live router at
 * the generation's priority, the routed companions' live routers (one
 * Traefik reload moves every target), the check router; each names a
 * service or middleware its colour's containers define. Its own service
 * (Traefik gives every container one, which needs a port) is never routed.
 */
export function routeLabels(release: Release, colour: Colour, mode: RoutingMode & { kind: 'live' }, network: string): Record<string, string> {
  const { app, routing } = release;
  return escaped({
    'traefik.enable': 'true',
    'traefik.docker.network': network,
    [`traefik.http.services.${app}-${colour}-route.loadbalancer.server.port`]: '9',
    ...liveRouters(release, colour, mode),
    [LABEL.managed]: 'true',
    [LABEL.app]: app,
    [LABEL.routeOf]: colour,
    [LABEL.release]: String(release.number),
    [LABEL.role]: 'route',
    [LABEL.routing]: 'live',
    [LABEL.generation]: String(mode.generation),
    [LABEL.basePriority]: String(basePriority(routing)),
    [LABEL.excludes]: mode.exclude?.length ? JSON.stringify(mode.exclude) : '',
    [LABEL.previewKey]: mode.previewKey ?? '',
    ...(release.companionRouting
      ? { [LABEL.routes]: JSON.stringify(rankedCompanions(release).map(({ target, routing: spec }) => ({ target, base: basePriority(spec), excludes: mode.companionExclude?.[target] ?? [] }))) }
      : {}),
  });
}

const escaped = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).map(([key, value]) => [key, escapeDollars(value)]));

/** The colour's retry middleware, its colour header (unless left out), then the target's own middlewares, each pointing at the colour's copy. */
function colourMiddlewares(release: Release, colour: Colour, header: boolean): string {
  const { app, routing } = release;
  const own = routing.middlewareDefinitions ?? {};
  // A reference to a middleware the target defines points at the colour's own copy.
  const userMiddlewares = routing.middlewares.map((ref) => {
    const name = ref.replace(/@docker$/, '');
    return own[name] ? `${app}-${colour}-${name}@docker` : ref;
  });
  return [`${retryMiddleware(app, colour)}@docker`, ...(header ? [`${colourHeaderMiddleware(app, colour)}@docker`] : []), ...userMiddlewares].join(',');
}

/** The live router of the colour at its generation, the routed companions' live routers, and the check router. */
function liveRouters(release: Release, colour: Colour, mode: RoutingMode & { kind: 'live' }): Record<string, string> {
  const { app, routing } = release;
  const rule = excludingRule(liveRule(routing.rule, routing.servicePaths), mode.exclude ?? []);
  // colour_header: preview: live answers do not say which colour answered.
  const liveMiddlewares = colourMiddlewares(release, colour, routing.colourHeader !== 'preview');
  const labels = routerLabels(routing, liveRouter(app, colour), rule, (mode.legacyPriority ? legacyLivePriority : livePriority)(mode.generation), liveMiddlewares, serviceName(app, colour));
  for (const companion of rankedCompanions(release)) Object.assign(labels, companionLiveRouter(release, colour, companion, mode.generation, mode.companionExclude?.[companion.target] ?? []));
  // Without the colour on live answers, the live check asks this mirror of the live router (plan/priority.ts).
  if (routing.colourHeader === 'preview' && mode.previewKey) {
    Object.assign(
      labels,
      routerLabels(routing, checkRouter(app, colour), checkRule(rule, mode.previewKey), checkPriority(mode.generation), colourMiddlewares(release, colour, true), serviceName(app, colour)),
    );
  }
  return labels;
}

function routerLabels(routing: RoutingSpec, name: string, rule: string, priority: number, middlewares: string, service: string): Record<string, string> {
  const prefix = `traefik.http.routers.${name}`;
  const labels: Record<string, string> = {
    [`${prefix}.rule`]: rule,
    [`${prefix}.priority`]: String(priority),
    [`${prefix}.entrypoints`]: routing.entrypoints.join(','),
    [`${prefix}.service`]: service,
    [`${prefix}.middlewares`]: middlewares,
  };
  for (const [prop, value] of Object.entries(routing.routerExtras)) labels[`${prefix}.${prop}`] = value;
  return labels;
}

function serviceLabelsOf(routing: RoutingSpec, name: string): Record<string, string> {
  return {
    [`traefik.http.services.${name}.loadbalancer.server.port`]: String(routing.port),
    ...Object.fromEntries(Object.entries(routing.serviceExtras).map(([prop, value]) => [`traefik.http.services.${name}.loadbalancer.${prop}`, value])),
  };
}

/**
 * The middlewares a companion's routers use: the colour's retry (and colour
 * header), defined on the first target's containers, then its own, each
 * pointing at the copy its containers define.
 */
function companionMiddlewares(release: Release, colour: Colour, target: string, routing: RoutingSpec, header: boolean): string {
  const own = routing.middlewareDefinitions ?? {};
  const firstTargets = release.routing.middlewareDefinitions ?? {};
  // A middleware the compose file defines on the first target is defined again as that target's colour copy.
  const refs = routing.middlewares.map((ref) => {
    const name = ref.replace(/@docker$/, '');
    if (own[name]) return `${release.app}-${colour}-${target}-${name}@docker`;
    return firstTargets[name] ? `${release.app}-${colour}-${name}@docker` : ref;
  });
  const colourOnes = [`${retryMiddleware(release.app, colour)}@docker`, ...(header ? [`${colourHeaderMiddleware(release.app, colour)}@docker`] : [])];
  return [...colourOnes, ...refs].join(',');
}

/** A routed companion's live router, carried by its colour's first-target containers in live mode. */
function companionLiveRouter(release: Release, colour: Colour, companion: { target: string; routing: RoutingSpec; rank: number }, generation: number, exclude: Excluded): Record<string, string> {
  const { target, routing, rank } = companion;
  const rule = excludingRule(liveRule(routing.rule, []), exclude);
  const middlewares = companionMiddlewares(release, colour, target, routing, routing.colourHeader !== 'preview');
  return routerLabels(routing, companionLiveRouterName(release.app, colour, target), rule, companionLivePriority(generation, rank), middlewares, companionServiceName(release.app, colour, target));
}

/**
 * The Traefik labels of a routed companion's containers: its services (the
 * live one too: only a live router, on the first target's containers, sends
 * to it), its own middlewares and its preview router. They do not depend on
 * the routing mode, so a switch leaves these containers as they are.
 */
export function companionContainerLabels(release: Release, colour: Colour, target: string, network: string, previewKey?: string): Record<string, string> {
  const { app } = release;
  const companion = rankedCompanions(release).find((c) => c.target === target);
  if (!companion) return {};
  const { routing, rank } = companion;
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    'traefik.docker.network': network,
    ...serviceLabelsOf(routing, companionPreviewServiceName(app, colour, target)),
    ...serviceLabelsOf(routing, companionServiceName(app, colour, target)),
    ...routerLabels(
      routing,
      companionPreviewRouter(app, colour, target),
      previewRule(liveRule(routing.rule, []), colour, previewKey),
      companionPreviewPriority(rank),
      companionMiddlewares(release, colour, target, routing, true),
      companionPreviewServiceName(app, colour, target),
    ),
  };
  for (const [name, settings] of Object.entries(routing.middlewareDefinitions ?? {})) {
    for (const [prop, value] of Object.entries(settings)) labels[`traefik.http.middlewares.${app}-${colour}-${target}-${name}.${prop}`] = value;
  }
  return Object.fromEntries(Object.entries(labels).map(([key, value]) => [key, escapeDollars(value)]));
}

/** What a colour's first-target containers say of its routed companions' live routers (LABEL.routes). */
export function routesOf(labels: Record<string, string>): { target: string; base: number; excludes: Excluded }[] {
  try {
    const parsed = JSON.parse(labels[LABEL.routes] || '[]') as unknown;
    return Array.isArray(parsed)
      ? parsed.filter((r): r is { target: string; base: number; excludes: Excluded } => typeof r?.target === 'string' && typeof r?.base === 'number' && Array.isArray(r?.excludes))
      : [];
  } catch {
    return [];
  }
}

/**
 * The exclusions a running colour was launched with (its label), so that a
 * replica added later carries exactly the same router: Traefik drops a
 * router defined two ways, for everyone.
 */
export function excludesOf(labels: Record<string, string>): { name: string; rule: string }[] {
  try {
    const parsed = JSON.parse(labels[LABEL.excludes] || '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((r): r is { name: string; rule: string } => typeof r?.name === 'string' && typeof r?.rule === 'string') : [];
  } catch {
    return [];
  }
}

/** The exclusions a colour's running live containers carry, or undefined when none runs with a live router. */
export function liveExcludesOf(containers: { state: string; labels: Record<string, string> }[]): { name: string; rule: string }[] | undefined {
  const routed = containers.find((c) => c.state === 'running' && c.labels[LABEL.routing] === 'live');
  return routed ? excludesOf(routed.labels) : undefined;
}

/** Whether a colour's running live containers carry the live router at the priority of colours launched before the stride. */
export function launchedBeforeStride(app: string, colour: Colour, generation: number, containers: { state: string; labels: Record<string, string> }[]): boolean {
  const routed = containers.find((c) => c.state === 'running' && c.labels[LABEL.routing] === 'live');
  const priority = Number(routed?.labels[`traefik.http.routers.${liveRouter(app, colour)}.priority`]);
  return priority === legacyLivePriority(generation) && priority !== livePriority(generation);
}

/** The routed companions' exclusions a colour's running live containers carry (a replica added later renders the same routers). */
export function liveCompanionExcludesOf(containers: { state: string; labels: Record<string, string> }[]): Record<string, Excluded> {
  const routed = containers.find((c) => c.state === 'running' && c.labels[LABEL.routing] === 'live');
  return Object.fromEntries((routed ? routesOf(routed.labels) : []).map((route) => [route.target, route.excludes]));
}

/**
 * The preview key a colour's containers were launched with: a replica
 * added later must ask for the same one (one router, one definition).
 */
export function previewKeyOf(containers: { labels: Record<string, string> }[]): string | undefined {
  return containers.map((c) => c.labels[LABEL.previewKey]).find(Boolean);
}

/** Whether a container serves only its colour's preview service (launched since the preview service was split off), not the live one. */
export const servesPreviewOnly = (app: string, colour: Colour, labels: Record<string, string>) => !(`traefik.http.services.${serviceName(app, colour)}.loadbalancer.server.port` in labels);
