import type { Colour } from './colour.js';
import {
  LABEL,
  colourHeaderMiddleware,
  COLOUR_HEADER,
  checkRouter,
  liveRouter,
  previewRouter,
  retryMiddleware,
  previewServiceName,
  serviceName,
} from './names.js';
import { checkPriority, livePriority, PREVIEW_PRIORITY } from './priority.js';
import type { Release } from './release.js';
import { checkRule, liveRule, previewRule } from './rule.js';
import { escapeDollars } from './adopt.js';
import { defaultPriority, excludingRule } from './shadowing.js';

/**
 * Preview only (after `up`), or live at a generation (after `switch`,
 * `rollback`); `exclude` are the team's routers the colour's rules leave
 * alone (plan/shadowing.ts), read from Traefik when the colour is launched;
 * `previewKey` is what the preview route asks for besides the colour header.
 */
export type RoutingMode = ({ kind: 'preview' } | { kind: 'live'; generation: number }) & { exclude?: { name: string; rule: string }[]; previewKey?: string };

/** The priority Traefik would have given the target's own router: what the team's routers were ranked against. */
export const basePriority = (routing: Release['routing']) => routing.priority ?? defaultPriority(liveRule(routing.rule, routing.servicePaths));

/** The Traefik and bluegreen labels of one colour's target containers. */
export function colourLabels(release: Release, colour: Colour, mode: RoutingMode, network: string): Record<string, string> {
  const { app, routing } = release;
  const service = serviceName(app, colour);
  const ownMiddlewares = routing.middlewareDefinitions ?? {};
  const ownName = (name: string) => `${app}-${colour}-${name}`;
  // A reference to a middleware the target defines points at the colour's own copy.
  const userMiddlewares = routing.middlewares.map((ref) => {
    const name = ref.replace(/@docker$/, '');
    return ownMiddlewares[name] ? `${ownName(name)}@docker` : ref;
  });
  const withHeader = [`${retryMiddleware(app, colour)}@docker`, `${colourHeaderMiddleware(app, colour)}@docker`, ...userMiddlewares].join(',');
  // colour_header: preview: live answers do not say which colour answered.
  const liveMiddlewares = routing.colourHeader === 'preview' ? [`${retryMiddleware(app, colour)}@docker`, ...userMiddlewares].join(',') : withHeader;
  const exclude = mode.exclude ?? [];
  const rule = excludingRule(liveRule(routing.rule, routing.servicePaths), exclude);

  const router = (name: string, routerRule: string, priority: number, middlewares = withHeader, target = service): Record<string, string> => {
    const prefix = `traefik.http.routers.${name}`;
    const labels: Record<string, string> = {
      [`${prefix}.rule`]: routerRule,
      [`${prefix}.priority`]: String(priority),
      [`${prefix}.entrypoints`]: routing.entrypoints.join(','),
      [`${prefix}.service`]: target,
      [`${prefix}.middlewares`]: middlewares,
    };
    for (const [prop, value] of Object.entries(routing.routerExtras)) labels[`${prefix}.${prop}`] = value;
    return labels;
  };

  // Every container serves the preview service; only live ones the live service.
  const serviceLabels = (name: string): Record<string, string> => ({
    [`traefik.http.services.${name}.loadbalancer.server.port`]: String(routing.port),
    ...Object.fromEntries(Object.entries(routing.serviceExtras).map(([prop, value]) => [`traefik.http.services.${name}.loadbalancer.${prop}`, value])),
  });
  const previewService = previewServiceName(app, colour);
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    'traefik.docker.network': network,
    ...serviceLabels(previewService),
    [`traefik.http.middlewares.${colourHeaderMiddleware(app, colour)}.headers.customresponseheaders.${COLOUR_HEADER}`]: colour,
    // A safety net for a connection refused while a replica goes away:
    // retried only when no byte of the request reached the server.
    [`traefik.http.middlewares.${retryMiddleware(app, colour)}.retry.attempts`]: '3',
    [`traefik.http.middlewares.${retryMiddleware(app, colour)}.retry.initialinterval`]: '50ms',
    ...router(previewRouter(app, colour), previewRule(rule, colour, mode.previewKey), PREVIEW_PRIORITY, withHeader, previewService),
    [LABEL.managed]: 'true',
    [LABEL.app]: app,
    [LABEL.colour]: colour,
    [LABEL.release]: String(release.number),
    [LABEL.image]: release.image,
    [LABEL.routing]: mode.kind,
    [LABEL.generation]: mode.kind === 'live' ? String(mode.generation) : '',
    [LABEL.basePriority]: String(basePriority(routing)),
    [LABEL.excludes]: exclude.length ? JSON.stringify(exclude) : '',
    [LABEL.previewKey]: mode.previewKey ?? '',
  };
  for (const [name, settings] of Object.entries(ownMiddlewares)) {
    for (const [prop, value] of Object.entries(settings)) labels[`traefik.http.middlewares.${ownName(name)}.${prop}`] = value;
  }
  if (mode.kind === 'live') {
    Object.assign(labels, serviceLabels(service), router(liveRouter(app, colour), rule, livePriority(mode.generation), liveMiddlewares));
    // Without the colour on live answers, the live check asks this mirror of the live router (plan/priority.ts).
    if (routing.colourHeader === 'preview' && mode.previewKey) {
      Object.assign(labels, router(checkRouter(app, colour), checkRule(rule, mode.previewKey), checkPriority(mode.generation)));
    }
  }
  // Compose interpolates `$`: every value is escaped (a rule may hold `$`, e.g. HostRegexp(`^.+$`)).
  return Object.fromEntries(Object.entries(labels).map(([key, value]) => [key, escapeDollars(value)]));
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

/**
 * The preview key a colour's containers were launched with: a replica
 * added later must ask for the same one (one router, one definition).
 */
export function previewKeyOf(containers: { labels: Record<string, string> }[]): string | undefined {
  return containers.map((c) => c.labels[LABEL.previewKey]).find(Boolean);
}

/** Whether a container serves only its colour's preview service (launched since the preview service was split off), not the live one. */
export const servesPreviewOnly = (app: string, colour: Colour, labels: Record<string, string>) =>
  !(`traefik.http.services.${serviceName(app, colour)}.loadbalancer.server.port` in labels);
