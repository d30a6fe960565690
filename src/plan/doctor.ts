import type { ComposeConfig, ComposeService } from './compose-model.js';
import { parseDuration } from './duration.js';

/** One thing that will break a zero-downtime deploy (error) or weaken it (warning), and its fix. */
export interface Finding {
  severity: 'error' | 'warning';
  /** A stable name, for --json and for a script to ignore one. */
  rule: string;
  /** What is wrong, where. */
  message: string;
  fix: string;
}

/** What doctor learned outside the compose file (commands/doctor.ts asks). */
export interface DoctorFacts {
  target: string;
  /** Whether the target's image has a HEALTHCHECK of its own (undefined: the image is not here to ask). */
  imageHasHealthcheck?: boolean;
  /** The image's ENTRYPOINT then CMD (undefined: not here to ask). */
  imageCommand?: string[];
  traefik: { reachable: true; metrics: boolean } | { reachable: false; error: string };
  /**
   * Whether Traefik routes containers that ask nothing (exposedByDefault):
   * `seen` names one it routes that has no traefik.enable label; false when
   * some run and none is routed; undefined when nothing tells.
   */
  exposedByDefault?: { seen: string } | false;
  /** Traefik's provider throttle, where its command line shows it (plan/doctor.ts throttleOf); undefined: not known. */
  throttle?: { traefik: string; ms: number; set: boolean };
}

/** A Traefik container as the engine shows it. */
export interface TraefikProcess {
  name: string;
  args: string[];
  env: string[];
  publishedPorts: number[];
}

const DEFAULT_THROTTLE_MS = 2_000;

/**
 * The provider throttle of the Traefik whose API is at `apiPort` (the one
 * container publishing it, or the only Traefik container there is), from
 * its command line or environment; Traefik's default (2 s) when it is
 * configured by flags and names none. A configuration file (flags that
 * configure no provider, or --configFile) is not read: not known.
 */
export function throttleOf(processes: TraefikProcess[], apiPort: number): DoctorFacts['throttle'] {
  const byPort = processes.filter((p) => p.publishedPorts.includes(apiPort));
  const traefik = byPort.length === 1 ? byPort[0] : processes.length === 1 ? processes[0] : undefined;
  if (!traefik) return undefined;
  const flag = /^--providers\.providersthrottleduration(?:=(.*))?$/i;
  for (const [i, arg] of traefik.args.entries()) {
    const match = flag.exec(arg);
    if (match) return durationOrUndefined(match[1] ?? traefik.args[i + 1], traefik.name);
  }
  const fromEnv = traefik.env.find((e) => /^TRAEFIK_PROVIDERS_PROVIDERSTHROTTLEDURATION=/i.test(e));
  if (fromEnv) return durationOrUndefined(fromEnv.slice(fromEnv.indexOf('=') + 1), traefik.name);
  const configuredByFlags = traefik.args.some((a) => /^--providers\./i.test(a)) && !traefik.args.some((a) => /^--configfile/i.test(a));
  return configuredByFlags ? { traefik: traefik.name, ms: DEFAULT_THROTTLE_MS, set: false } : undefined;
}

function durationOrUndefined(text: string | undefined, traefik: string): DoctorFacts['throttle'] {
  if (text === undefined) return undefined;
  try {
    return { traefik, ms: parseDuration(text), set: true };
  } catch {
    return undefined;
  }
}

/**
 * exposedByDefault is Traefik's static configuration, which its API does not
 * show; what it does shows: a container without traefik.enable that has a
 * router of its default name (`<service>-<project>` for compose's) is routed
 * because Traefik routes everything by default.
 */
export function exposedByDefaultFrom(unlabelled: { service?: string; project?: string }[], routerNames: string[]): DoctorFacts['exposedByDefault'] {
  const names = new Set(routerNames);
  const candidates = unlabelled.filter((c) => c.service && c.project).map((c) => `${c.service}-${c.project}`);
  const seen = candidates.find((name) => names.has(`${name}@docker`));
  if (seen) return { seen };
  return candidates.length ? false : undefined;
}

/** Longer than this before the first healthcheck, and Traefik waits that long for every new release. */
const SLOW_FIRST_CHECK_MS = 5_000;

/**
 * The pitfalls that break zero-downtime deploys of a compose service behind
 * Traefik (issue threads of Coolify, Kamal, Traefik and docker-rollout),
 * checked against the resolved compose file and what the engine and
 * Traefik said. Pure: one rule, one function.
 */
export function diagnose(config: ComposeConfig, facts: DoctorFacts): Finding[] {
  const service = config.services[facts.target];
  if (!service) return [{ severity: 'error', rule: 'target', message: `the compose file has no service ${facts.target}`, fix: `name one of: ${Object.keys(config.services).join(', ')} (--target)` }];
  return [
    ...healthcheck(facts.target, service, facts.imageHasHealthcheck),
    ...containerName(facts.target, service),
    ...publishedPorts(facts.target, service),
    ...shellForm(facts.target, service, facts.imageCommand),
    ...sharedVolumes(facts.target, service, config),
    ...restartPolicy(facts.target, service),
    ...exposedByDefault(facts.target, service),
    ...othersExposed(facts.target, config, facts.exposedByDefault),
    ...slowReloads(facts.throttle),
    ...traefik(facts.traefik),
  ];
}

function healthcheck(name: string, service: ComposeService, imageHas: boolean | undefined): Finding[] {
  const check = service.healthcheck;
  const disabled = check?.disable === true || (Array.isArray(check?.test) && check.test[0] === 'NONE');
  if (disabled || (!check?.test && imageHas === false)) {
    return [
      {
        severity: 'warning',
        rule: 'no-healthcheck',
        message: `${name} has no healthcheck: Traefik routes a container as soon as it starts, before it listens`,
        fix: 'add a healthcheck that asks the app itself (test: ["CMD", ...]), with start_interval: 1s',
      },
    ];
  }
  if (!check?.test) return [];
  // Docker runs the first check after start_interval within a start_period, else after interval (30 s unless set).
  const early = check.start_interval && check.start_period ? { text: check.start_interval, key: 'start_interval' } : undefined;
  const first = early ?? { text: check.interval ?? '30s', key: check.start_interval ? 'interval (start_interval without start_period)' : 'interval, no start_interval' };
  const waited = durationMs(first.text);
  if (waited === undefined || waited <= SLOW_FIRST_CHECK_MS) return [];
  return [
    {
      severity: 'warning',
      rule: 'slow-first-healthcheck',
      message: `${name}'s first healthcheck runs ${first.text} after it starts (${first.key}): Traefik waits that long for every release`,
      fix: 'add start_interval: 1s with a start_period as long as the app may take to start (Docker Engine 25+)',
    },
  ];
}

function containerName(name: string, service: ComposeService): Finding[] {
  if (!service.container_name) return [];
  return [
    {
      severity: 'error',
      rule: 'container-name',
      message: `${name} sets container_name: ${service.container_name}: the two colours cannot both run it`,
      fix: 'remove container_name (compose names containers by project and service)',
    },
  ];
}

function publishedPorts(name: string, service: ComposeService): Finding[] {
  const published = (service.ports ?? []).filter((port) =>
    typeof port === 'object' && port !== null ? 'published' in port && (port as { published?: unknown }).published !== undefined : /:/.test(String(port)),
  );
  if (published.length === 0) return [];
  return [
    {
      severity: 'error',
      rule: 'published-ports',
      message: `${name} publishes ${published.length === 1 ? 'a port' : `${published.length} ports`} on the host: the second colour cannot bind ${published.length === 1 ? 'it' : 'them'} while the first runs`,
      fix: 'remove ports: and reach it through Traefik (expose: the container port)',
    },
  ];
}

/** A shell as PID 1 (`sh -c …`, what a Dockerfile's shell-form CMD is): it ignores SIGTERM and does not pass it on. */
const shellFirst = (argv: unknown): boolean => {
  const words = typeof argv === 'string' ? ['/bin/sh', '-c'] : Array.isArray(argv) ? argv.map(String) : [];
  return /^(\/(usr\/)?bin\/)?(ba|da|a)?sh$/.test(words[0] ?? '') && words[1] === '-c';
};

function shellForm(name: string, service: ComposeService, imageCommand: string[] | undefined): Finding[] {
  // PID 1: the file's entrypoint, else its command (run by the image's entrypoint, if it has one), else the image's.
  const fromFile = service.entrypoint ?? service.command;
  if (service.init === true || !shellFirst(fromFile ?? imageCommand)) return [];
  return [
    {
      severity: 'warning',
      rule: 'shell-form',
      message: `${name} runs a shell as PID 1 (${fromFile !== undefined ? 'its command in the compose file' : "its image's shell-form CMD or ENTRYPOINT"}): it ignores SIGTERM, so each stop waits out stop_grace_period, then kills what is in flight`,
      fix: 'the exec form (["app", "--flag"]), `exec` in the script, or init: true',
    },
  ];
}

function sharedVolumes(name: string, service: ComposeService, config: ComposeConfig): Finding[] {
  const named = new Set(Object.keys(config.volumes ?? {}));
  const mounts = (service.volumes as unknown[] | undefined) ?? [];
  const written = mounts
    .map((mount) => (typeof mount === 'string' ? { source: mount.split(':')[0], readOnly: /:ro(,|$)/.test(mount) } : (mount as { source?: string; read_only?: boolean; type?: string })))
    .filter(
      (mount): mount is { source: string } => typeof mount.source === 'string' && named.has(mount.source) && !('readOnly' in mount ? mount.readOnly : (mount as { read_only?: boolean }).read_only),
    )
    .map((mount) => mount.source);
  if (written.length === 0) return [];
  return [
    {
      severity: 'warning',
      rule: 'shared-volume',
      message: `${name} writes the named volume${written.length > 1 ? 's' : ''} ${written.join(', ')}: both colours mount ${written.length > 1 ? 'them' : 'it'} during a deploy`,
      fix: 'keep single-writer data (a database, a lock file) in a side target (side_targets:), or mount it read-only',
    },
  ];
}

function restartPolicy(name: string, service: ComposeService): Finding[] {
  const restart = service.restart as string | undefined;
  if (restart && restart !== 'no') return [];
  return [
    {
      severity: 'warning',
      rule: 'restart',
      message: `${name} has ${restart ? 'restart: no' : 'no restart policy'}: after an engine restart the live release stays down`,
      fix: 'restart: unless-stopped (bluegreen stops the old colour itself; its route container restarts as the target does)',
    },
  ];
}

function exposedByDefault(name: string, service: ComposeService): Finding[] {
  if (service.labels?.['traefik.enable'] !== undefined) return [];
  return [
    {
      severity: 'warning',
      rule: 'traefik-enable',
      message: `${name} has no traefik.enable label: a Traefik with exposedByDefault=false never routes it, one with true routes every service of the project`,
      fix: 'label it traefik.enable: "true" (bluegreen does on its colours) and set exposedByDefault=false in Traefik',
    },
  ];
}

/** With exposedByDefault on, every other service of the file without traefik.enable gets a route of its own (a database, a worker). */
function othersExposed(target: string, config: ComposeConfig, exposed: DoctorFacts['exposedByDefault']): Finding[] {
  if (!exposed) return [];
  return Object.entries(config.services)
    .filter(([name, service]) => name !== target && service.labels?.['traefik.enable'] === undefined)
    .map(([name]) => ({
      severity: 'warning' as const,
      rule: 'exposed-by-default',
      message: `Traefik routes every container by default (exposedByDefault=true: it routes ${exposed.seen}, which asks for nothing): ${name} gets a route of its own, ${name}-${config.name}`,
      fix: `label ${name} traefik.enable: "false", or start Traefik with --providers.docker.exposedByDefault=false`,
    }));
}

/** A throttle of a second or more: the switch's reload waits for it when the preview's came less than that before. */
function slowReloads(throttle: DoctorFacts['throttle']): Finding[] {
  if (!throttle || throttle.ms < 1_000) return [];
  return [
    {
      severity: 'warning',
      rule: 'provider-throttle',
      message: `Traefik ${throttle.traefik} applies Docker's changes up to ${throttle.ms / 1000} s late (providersThrottleDuration${throttle.set ? '' : ", Traefik's default"}): each switch waits that long after the preview's reload`,
      fix: 'start Traefik with --providers.providersThrottleDuration=200ms (bluegreen proxy up does)',
    },
  ];
}

function traefik(facts: DoctorFacts['traefik']): Finding[] {
  if (!facts.reachable) {
    return [
      {
        severity: 'error',
        rule: 'traefik-api',
        message: `Traefik's API does not answer (${facts.error}): no deploy can verify a route`,
        fix: 'set --traefik-api (BG_TRAEFIK_API) to it, or start one: bluegreen proxy up',
      },
    ];
  }
  if (facts.metrics) return [];
  return [
    {
      severity: 'warning',
      rule: 'metrics-off',
      message: 'Traefik exports no metrics: the drain waits its whole --drain bound and --bake cannot judge a release',
      fix: 'enable Prometheus metrics in Traefik (--metrics.prometheus=true)',
    },
  ];
}

const durationMs = (text: string) => {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
};
