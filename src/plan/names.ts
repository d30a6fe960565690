import type { Colour } from './colour.js';

/**
 * Every Traefik object a colour defines carries the app and the colour in
 * its name: two routers with one name and different settings are dropped by
 * Traefik for everyone, so names must never collide across colours.
 */
export const colourProject = (app: string, colour: Colour) => `${app}-${colour}`;
export const sideProject = (app: string) => `${app}-side`;
export const serviceName = (app: string, colour: Colour) => `${app}-${colour}`;
/** The preview router's service: only the live containers serve the live one (serviceName), so a switch can start them beside the preview ones. */
export const previewServiceName = (app: string, colour: Colour) => `${app}-${colour}-preview`;
export const liveRouter = (app: string, colour: Colour) => `${app}-${colour}-live`;
export const previewRouter = (app: string, colour: Colour) => `${app}-${colour}-preview`;
/** A routed companion's objects (`-t web -t api`): the colour's names with the target's. */
export const companionServiceName = (app: string, colour: Colour, target: string) => `${app}-${colour}-${target}`;
export const companionPreviewServiceName = (app: string, colour: Colour, target: string) => `${app}-${colour}-${target}-preview`;
export const companionLiveRouter = (app: string, colour: Colour, target: string) => `${app}-${colour}-${target}-live`;
export const companionPreviewRouter = (app: string, colour: Colour, target: string) => `${app}-${colour}-${target}-preview`;
/**
 * Whether a router's name is one of an app's colours' (its target's, or a
 * routed companion's, of any release): `<app>-<colour>-[<target>-]live`,
 * `-preview` or `-check`.
 */
export const isColourObject = (app: string, name: string) => /^(blue|green)-(.+-)?(live|preview|check)$/.test(name.startsWith(`${app}-`) ? name.slice(app.length + 1) : '');
/**
 * Whether a service in Traefik's metrics is one a colour's live routers
 * send to: its first target's (`<app>-<colour>`) or one of its routed
 * companions' (`<app>-<colour>-<target>`, `targets` named).
 */
export const isColourLiveService = (app: string, colour: Colour, provider: Provider = 'docker', targets: string[] = []) => {
  const names = new Set([serviceName(app, colour), ...targets.map((target) => companionServiceName(app, colour, target))].map((name) => `${name}@${provider}`));
  return (name: string) => names.has(name);
};
export const colourHeaderMiddleware = (app: string, colour: Colour) => `${app}-${colour}-header`;
export const retryMiddleware = (app: string, colour: Colour) => `${app}-${colour}-retry`;

/** Names as Traefik's API knows objects that the docker provider made. */
/** Reached with the preview key alone: how the live check identifies the colour when live answers carry no colour header. */
export const checkRouter = (app: string, colour: Colour) => `${app}-${colour}-check`;
export const atDocker = (name: string) => `${name}@docker`;
/** As Traefik's API names an object of the docker provider, or of the swarm provider in swarm mode. */
/** Traefik's provider of bluegreen's routers: `docker` on one host, `swarm` on a swarm. */
export type Provider = 'docker' | 'swarm';

export const atProvider = (name: string, provider: Provider = 'docker') => `${name}@${provider}`;

export const COLOUR_HEADER = 'X-Bluegreen-Color';
/** With the colour header, reaches a colour's preview route: the app's secret (plan/preview-key.ts). */
export const PREVIEW_KEY_HEADER = 'X-Bluegreen-Preview-Key';

/** The request headers that reach a colour's preview route. */
export const previewHeaders = (colour: Colour, key: string | undefined): Record<string, string> => (key ? { [COLOUR_HEADER]: colour, [PREVIEW_KEY_HEADER]: key } : { [COLOUR_HEADER]: colour });

/** Labels bluegreen puts on everything it runs, so it can find them again. */
export const LABEL = {
  managed: 'io.bluegreen.managed',
  app: 'io.bluegreen.app',
  colour: 'io.bluegreen.colour',
  release: 'io.bluegreen.release',
  routing: 'io.bluegreen.routing',
  generation: 'io.bluegreen.generation',
  image: 'io.bluegreen.image',
  role: 'io.bluegreen.role',
  /**
   * On a companion (a coloured worker), the colour it runs in. It has no
   * io.bluegreen.colour label, so that what counts a colour's routed
   * containers never counts it.
   */
  companionOf: 'io.bluegreen.companion-of',
  /**
   * On a colour's route container (one host: it carries the live router),
   * the colour. No io.bluegreen.colour label either: it is not one of the
   * colour's containers.
   */
  routeOf: 'io.bluegreen.route-of',
  /** The priority the target's own router had before bluegreen (plan/shadowing.ts). */
  basePriority: 'io.bluegreen.base-priority',
  /** The team's routers this colour's rules exclude: JSON [{name, rule}]. */
  excludes: 'io.bluegreen.excludes',
  /**
   * On the first target's containers, the release's routed companions as
   * their live routers were rendered: JSON [{target, base, excludes}] (a
   * replica added later renders the same routers; another app reads the
   * base priorities).
   */
  routes: 'io.bluegreen.routes',
  /** The preview key the colour's preview router asks for ('' when launched before keys existed). */
  previewKey: 'io.bluegreen.preview-key',
} as const;
