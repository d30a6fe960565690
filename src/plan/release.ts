import { usageError } from '../errors.js';
import { adoptTraefikLabels, type AdoptedRouting } from './adopt.js';
import { basePriority } from './labels.js';
import { MAX_ROUTED_COMPANIONS } from './priority.js';
import type { ComposeConfig, ComposeService, ExternalResource } from './compose-model.js';
import { defaultRule, liveRule } from './rule.js';

/** How a release is routed: frozen with it, so a rollback routes exactly as before. */
export interface RoutingSpec {
  rule: string;
  /** The target router's own priority label, if it had one (else Traefik's default: the rule's length). */
  priority?: number;
  servicePaths: string[];
  port: number;
  entrypoints: string[];
  middlewares: string[];
  routerExtras: Record<string, string>;
  serviceExtras: Record<string, string>;
  /** Middlewares the target defines itself, defined again per colour. */
  middlewareDefinitions?: Record<string, Record<string, string>>;
  /** 'preview': only preview answers carry X-Bluegreen-Color (absent: every answer, as before the option). */
  colourHeader?: 'preview';
}

/** A release: the target as resolved at `up`, image pinned, colourless. */
export interface Release {
  app: string;
  number: number;
  target: string;
  /** The image as the user named it (display). */
  image: string;
  /** The image ID it resolved to at `up`: what every later operation runs. */
  imageId: string;
  createdAt: string;
  createdBy: string;
  routing: RoutingSpec;
  service: ComposeService;
  networks: Record<string, ExternalResource>;
  volumes: Record<string, ExternalResource>;
  /** Top-level secrets and configs the target uses, as resolved (absolute file paths). */
  secrets?: Record<string, unknown>;
  configs?: Record<string, unknown>;
  /**
   * The release's other coloured services (a queue worker), frozen like the
   * target: they start, stop and roll back with its colour, carry no route
   * and are judged by their health alone, unless they are routed too.
   */
  companions?: Record<string, ComposeService>;
  /**
   * The routing of the companions that have routes of their own (`-t web
   * -t api`): their live routers ride on the target's containers, so one
   * switch moves every target's route in one Traefik reload.
   */
  companionRouting?: Record<string, RoutingSpec>;
}

/** A companion as `up` resolved it: its image pinned like the target's. */
export interface CompanionInput {
  name: string;
  imageId: string;
  imageHasHealthcheck: boolean;
}

export interface FreezeInput {
  config: ComposeConfig;
  app: string;
  number: number;
  target: string;
  sideTargets: string[];
  companions?: CompanionInput[];
  imageId: string;
  imageHasHealthcheck: boolean;
  noHealthcheck: boolean;
  rule?: string;
  port?: number;
  entrypoint: string;
  servicePaths: string[];
  colourHeader?: 'all' | 'preview';
  createdAt: string;
  createdBy: string;
}

export interface Frozen {
  release: Release;
  warnings: string[];
}

/** Checks the target can run twice side by side and freezes it as a release. */
export function freezeRelease(input: FreezeInput): Frozen {
  const { config, target } = input;
  const service = config.services[target];
  if (!service) throw unknownService(config, target, 'target');
  for (const side of input.sideTargets) {
    if (!config.services[side]) throw unknownService(config, side, 'side target');
    if (side === target) throw usageError(`--side-target: ${side} is the target`, 'a side target is a service the target uses (a database, a cache)');
  }
  refuseWhatCannotRunTwice(target, service);
  const warnings = checkHealthcheck(target, service, input.imageHasHealthcheck, input.noHealthcheck);
  const companions = freezeCompanions(input, warnings);
  refuseNonHttpRouting(target, service.labels ?? {});
  const adopted = adoptTraefikLabels(service.labels);
  const routing = routingOf(target, service, adopted, input, { rule: input.rule, port: input.port, servicePaths: input.servicePaths });
  const frozenService: ComposeService = { ...pinned(service, input.imageId), labels: adopted.keptLabels };
  const companionRouting = freezeCompanionRouting(input, companions, routing);
  assertDependsOnlyOnSideTargets(target, service, input.sideTargets, [...Object.keys(companions)]);
  const services = [service, ...Object.keys(companions).map((name) => config.services[name]!)];
  return {
    warnings,
    release: {
      app: input.app,
      number: input.number,
      target,
      image: service.image ?? `${config.name}-${target}`,
      imageId: input.imageId,
      createdAt: input.createdAt,
      createdBy: input.createdBy,
      routing,
      service: frozenService,
      networks: Object.assign({}, ...services.map((s) => externalNetworks(config, s))) as Release['networks'],
      volumes: Object.assign({}, ...services.map((s) => externalVolumes(config, s))) as Release['volumes'],
      ...usedTopLevel(config, services, 'secrets'),
      ...usedTopLevel(config, services, 'configs'),
      ...(Object.keys(companions).length ? { companions } : {}),
      ...(Object.keys(companionRouting).length ? { companionRouting } : {}),
    },
  };
}

/** A companion is routed when it has HTTP routers of its own and is not switched off for Traefik (else it is a worker). */
const hasOwnRoutes = (labels: Record<string, string>) => labels['traefik.enable'] !== 'false' && Object.keys(labels).some((key) => /^traefik\.http\.routers\./.test(key));

/**
 * Middlewares are defined again per colour as <app>-<colour>-<name> (the
 * first target's) and <app>-<colour>-<target>-<name> (a companion's): two
 * that would get one name are refused, since Traefik drops a middleware
 * defined two ways for every router that uses it.
 */
function assertMiddlewareNamesDistinct(primary: RoutingSpec, routed: Record<string, RoutingSpec>, target: string): void {
  const seen = new Map(Object.keys(primary.middlewareDefinitions ?? {}).map((name) => [name, `${target}'s middleware ${name}`]));
  for (const [companion, routing] of Object.entries(routed)) {
    for (const name of Object.keys(routing.middlewareDefinitions ?? {})) {
      const key = `${companion}-${name}`;
      const other = seen.get(key);
      if (other) throw usageError(`services.${companion}: its middleware ${name} and ${other} would both be named <app>-<colour>-${key}`, 'rename one of the two middlewares');
      seen.set(key, `${companion}'s middleware ${name}`);
    }
  }
}

/** Names that would collide with the colour's own Traefik objects (plan/names.ts). */
const RESERVED_TARGET = /(^|-)(preview|live|check|header|retry)$/;

/** How a routed service is routed: its adopted Traefik labels, overridden by --rule / --port (the first target's only). */
function routingOf(name: string, service: ComposeService, adopted: AdoptedRouting, input: FreezeInput, given: { rule?: string; port?: number; servicePaths: string[] }): RoutingSpec {
  return {
    rule: given.rule ?? adopted.rule ?? defaultRule(input.app),
    ...(given.rule === undefined && adopted.priority !== undefined ? { priority: adopted.priority } : {}),
    servicePaths: given.servicePaths,
    port: given.port ?? labelPort(name, adopted.port) ?? singleExposedPort(name, service),
    entrypoints: adopted.entrypoints ?? [input.entrypoint],
    middlewares: adopted.middlewares,
    routerExtras: adopted.routerExtras,
    serviceExtras: adopted.serviceExtras,
    middlewareDefinitions: adopted.middlewareDefinitions,
    ...(input.colourHeader === 'preview' ? { colourHeader: 'preview' as const } : {}),
  };
}

/**
 * The routing of each companion that carries Traefik routers of its own.
 * bluegreen ranks a colour's routers by the priority Traefik gave them
 * before (plan/priority.ts): the first target must be the broadest route
 * (every other target's router above it), and no two targets may share a
 * rule (one would never be reached).
 */
function freezeCompanionRouting(input: FreezeInput, companions: Record<string, ComposeService>, primary: RoutingSpec): Record<string, RoutingSpec> {
  const routed: Record<string, RoutingSpec> = {};
  for (const name of Object.keys(companions)) {
    const labels = input.config.services[name]?.labels ?? {};
    if (!hasOwnRoutes(labels)) continue;
    if (RESERVED_TARGET.test(name))
      throw usageError(
        `--target ${name}: a routed target's name cannot be, or end with, preview, live, check, header or retry`,
        `bluegreen names the colour's Traefik objects <app>-<colour>-<target>-preview: rename the service`,
      );
    const adopted = adoptTraefikLabels(labels);
    if (!adopted.rule)
      throw usageError(`services.${name}.labels: its router has no rule`, `a routed target needs its own rule, e.g. traefik.http.routers.${name}.rule=Host(\`…\`) && PathPrefix(\`/${name}\`)`);
    const routing = routingOf(name, input.config.services[name]!, adopted, input, { servicePaths: [] });
    const own = basePriority(routing);
    const first = basePriority(primary);
    if (liveRule(routing.rule, []) === liveRule(primary.rule, primary.servicePaths)) {
      throw usageError(`services.${name}: its rule is ${input.target}'s (${routing.rule}): one of them would never be reached`, `give ${name} a narrower rule, e.g. && PathPrefix(\`/${name}\`)`);
    }
    if (own <= first) {
      throw usageError(
        `services.${name}: its router's priority (${own}) is not above ${input.target}'s (${first}): the first --target must be the broadest route`,
        `list the broadest route first, or give ${name}'s router a priority label above ${first}`,
      );
    }
    const clash = Object.entries(routed).find(([, other]) => other.rule === routing.rule);
    if (clash) throw usageError(`services.${name}: its rule is ${clash[0]}'s (${routing.rule}): one of them would never be reached`, `give each target its own rule`);
    routed[name] = routing;
    // The companion's own router and service labels are bluegreen's to render per colour (plan/labels.ts).
    companions[name]!.labels = adopted.keptLabels;
  }
  assertMiddlewareNamesDistinct(primary, routed, input.target);
  if (Object.keys(routed).length > MAX_ROUTED_COMPANIONS) throw usageError(`${Object.keys(routed).length} routed targets besides ${input.target}`, `at most ${MAX_ROUTED_COMPANIONS}`);
  return routed;
}

/**
 * The other --target services, frozen beside the target: each must be a
 * service of the file, named once, and able to run twice. One with routers
 * of its own is routed (freezeCompanionRouting); one without is a worker.
 */
function freezeCompanions(input: FreezeInput, warnings: string[]): Record<string, ComposeService> {
  const { config, target } = input;
  assertTargetsDistinct(
    target,
    (input.companions ?? []).map((c) => c.name),
    input.sideTargets,
  );
  const frozen: Record<string, ComposeService> = {};
  for (const companion of input.companions ?? []) {
    const { name } = companion;
    const service = config.services[name];
    if (!service) throw unknownService(config, name, 'target');
    refuseWhatCannotRunTwice(name, service);
    refuseNonHttpRouting(name, service.labels ?? {});
    const routed = hasOwnRoutes(service.labels ?? {});
    warnings.push(...checkHealthcheck(name, service, companion.imageHasHealthcheck, input.noHealthcheck, routed));
    assertDependsOnlyOnSideTargets(name, service, input.sideTargets, [target, ...(input.companions ?? []).map((c) => c.name)]);
    frozen[name] = pinned(service, companion.imageId);
    // A worker is routed by nobody, even by a Traefik that exposes every container by default.
    if (!routed) frozen[name]!.labels = { ...(service.labels ?? {}), 'traefik.enable': 'false' };
    // A stopped colour's worker must stay stopped when the engine restarts: it would consume jobs with an old release.
    if (service.restart === 'always') frozen[name]!.restart = 'unless-stopped';
  }
  return frozen;
}

/** Each service has one role: the target, a worker beside it, or a side target; each named once. */
export function assertTargetsDistinct(target: string, companions: string[], sideTargets: string[]): void {
  const seen = new Set([target]);
  for (const name of companions) {
    if (seen.has(name)) throw usageError(`--target ${name} is given twice`, 'name each coloured service once');
    if (sideTargets.includes(name)) throw usageError(`${name} is both a target and a side target`, 'a target runs in each colour, a side target once for both: choose one');
    seen.add(name);
  }
}

/** A service as a release runs it: the image pinned by ID, nothing built, pulled or ordered again. */
function pinned(service: ComposeService, imageId: string): ComposeService {
  const frozen: ComposeService = { ...service, image: imageId };
  delete frozen.build;
  // The image is pinned by ID: nothing is pulled again when the release runs.
  delete frozen.pull_policy;
  delete frozen.depends_on;
  // A release runs whatever COMPOSE_PROFILES says later.
  delete frozen.profiles;
  return frozen;
}

/** The top-level secrets or configs the services refer to, so the frozen file runs on its own. */
function usedTopLevel(config: ComposeConfig, services: ComposeService[], kind: 'secrets' | 'configs'): Partial<Record<typeof kind, Record<string, unknown>>> {
  const refs = services
    .flatMap((service) => (service[kind] as { source?: string }[] | undefined) ?? [])
    .map((r) => r.source)
    .filter((s): s is string => !!s);
  const defined = (config[kind] ?? {}) as Record<string, unknown>;
  const used = Object.fromEntries(refs.filter((name) => defined[name]).map((name) => [name, defined[name]]));
  return Object.keys(used).length ? { [kind]: used } : {};
}

function unknownService(config: ComposeConfig, name: string, role: string) {
  const known = Object.keys(config.services).join(', ');
  return usageError(`${role} "${name}" is not a service of the compose file`, `its services: ${known}`);
}

function refuseWhatCannotRunTwice(target: string, service: ComposeService): void {
  const hint = 'two colours run side by side: remove it from the coloured service (Traefik routes to it)';
  if (service.container_name) throw usageError(`services.${target}.container_name: "${service.container_name}" cannot run twice`, hint);
  const published = (service.ports ?? []).filter((p) => typeof p !== 'object' || p === null || (p as { published?: unknown }).published);
  if (published.length) throw usageError(`services.${target}.ports: a published host port cannot be bound by two colours`, `${hint}; use expose for the container port`);
  if (service.network_mode === 'host') throw usageError(`services.${target}.network_mode: host cannot run twice`, hint);
}

function checkHealthcheck(target: string, service: ComposeService, imageHasHealthcheck: boolean, noHealthcheck: boolean, routed = true): string[] {
  const disabled = service.healthcheck?.disable === true || [service.healthcheck?.test].flat()[0] === 'NONE';
  const has = !disabled && (service.healthcheck?.test !== undefined || imageHasHealthcheck);
  if (has) return [];
  if (!noHealthcheck) {
    throw usageError(
      `services.${target} has no healthcheck: ${routed ? 'Traefik would route to it before it is ready' : 'a release could go live with it broken'}`,
      'add a healthcheck to the service (or its image), or pass --no-healthcheck to accept it',
    );
  }
  return [`services.${target} has no healthcheck (--no-healthcheck): ${routed ? 'routing may start before the app listens' : 'it counts as ready once it runs'}`];
}

function labelPort(target: string, port: number | undefined): number | undefined {
  if (port === undefined) return undefined;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw usageError(`services.${target}.labels: the loadbalancer.server.port label is not a port`, 'give the container port as a number, or pass --port');
  }
  return port;
}

/** TCP and UDP routers cannot be shadowed by priority: two colours would define one router twice. */
function refuseNonHttpRouting(target: string, labels: Record<string, string>): void {
  const found = Object.keys(labels).find((key) => /^traefik\.(tcp|udp)\./.test(key));
  if (found) throw usageError(`services.${target}.labels: ${found}: bluegreen moves HTTP routes only`, 'route this service over HTTP, or keep its TCP/UDP routing on a side target');
}

function singleExposedPort(target: string, service: ComposeService): number {
  const ports = [...new Set((service.expose ?? []).map((p) => Number(String(p).split('/')[0])))];
  if (ports.length === 1) return ports[0]!;
  throw usageError(
    `services.${target}: cannot tell which port Traefik should use (${ports.length ? `exposes ${ports.join(', ')}` : 'exposes none'})`,
    'pass --port, or expose exactly one port, or label traefik.http.services.<name>.loadbalancer.server.port',
  );
}

function assertDependsOnlyOnSideTargets(target: string, service: ComposeService, sideTargets: string[], colouredBeside: string[] = []): void {
  for (const dependency of Object.keys(service.depends_on ?? {})) {
    // A companion may wait for the target it runs beside: healthchecks order them within a colour.
    if (!sideTargets.includes(dependency) && !colouredBeside.includes(dependency)) {
      throw usageError(`services.${target}.depends_on: ${dependency} is neither the target nor a side target`, `run it once for both colours with --side-target ${dependency}`);
    }
  }
}

/** The target's networks, as the names compose gave them, shared by both colours. */
function externalNetworks(config: ComposeConfig, service: ComposeService): Record<string, ExternalResource> {
  const keys = Object.keys(service.networks ?? { default: null });
  return Object.fromEntries(keys.map((key) => [key, { name: config.networks?.[key]?.name ?? `${config.name}_${key}`, external: true }]));
}

/** Named volumes the target mounts: shared by both colours (state belongs to the app). */
function externalVolumes(config: ComposeConfig, service: ComposeService): Record<string, ExternalResource> {
  const mounts = (service.volumes as { type?: string; source?: string }[] | undefined) ?? [];
  const named = mounts.filter((m) => m.type === 'volume' && m.source).map((m) => m.source!);
  return Object.fromEntries(named.map((key) => [key, { name: config.volumes?.[key]?.name ?? `${config.name}_${key}`, external: true }]));
}
