/**
 * Every option of the contract, declared once: its flag, its environment
 * variable, its bluegreen.yml key, its Docker Flow names, how its text is
 * read, its default, its help, and the commands it applies to. The env and
 * yml layers (sources.ts), the Docker Flow layers (docker-flow.ts), the
 * commander wiring and each command's --help (cli/common-options.ts) are
 * derived from this table; load.ts turns the merged text into typed Options.
 */

import { DEFAULT_PROBE_STATUSES } from '../plan/probe.js';

/** The commands that take options; `proxy` stands for proxy up|down|status. */
export const COMMANDS = ['up', 'switch', 'stop-old', 'rollback', 'deploy', 'scale', 'flow', 'status', 'doctor', 'history', 'down', 'unlock', 'maintenance', 'canary', 'proxy'] as const;
export type CommandName = (typeof COMMANDS)[number];

/**
 * How an option's text is read: one string; a list (repeatable flag, comma
 * separated in env, a string or a list in yml); a boolean flag; a path (a
 * yml value is relative to the file); a list of paths.
 */
export type OptionKind = 'string' | 'list' | 'flag' | 'path' | 'paths';

export interface OptionSpec {
  key: string;
  kind: OptionKind;
  /** Commander's flag, e.g. '--drain <duration>'; none: not on the command line (a secret). */
  flag?: string;
  env?: string;
  yml?: string;
  /** Docker Flow's variable and docker-flow.yml key, read as a fallback below bluegreen's own. */
  flowEnv?: string;
  flowYml?: string;
  /** The default, as text (env: the process environment, for defaults built from it). */
  default?: (env: NodeJS.ProcessEnv) => string;
  /** A yml number is taken as its text (port: 8080, timeout: 60). */
  numeric?: boolean;
  /** Shown in --help after the description, e.g. 'default 10s'. */
  help: string;
  /** The commands whose --help lists it (env and yml apply wherever they mean something). */
  commands: readonly CommandName[];
}

// Groups of commands, by what they do with an option.
const APP = ['up', 'switch', 'stop-old', 'rollback', 'deploy', 'scale', 'flow', 'status', 'doctor', 'history', 'down', 'unlock', 'maintenance', 'canary'] as const;
const CHANGING = ['up', 'switch', 'stop-old', 'rollback', 'deploy', 'scale', 'flow', 'down', 'unlock', 'maintenance', 'canary'] as const;
/** Read the user's compose files and freeze a release. */
const RELEASING = ['up', 'deploy', 'flow'] as const;
/** Launch a colour and verify it through Traefik. */
const LAUNCHING = ['up', 'switch', 'rollback', 'deploy', 'scale', 'flow'] as const;
/** Stop a colour after a switch, after draining it. */
const DRAINING = ['stop-old', 'rollback', 'deploy', 'scale', 'flow'] as const;
/** Talk to Traefik. */
const ROUTED = ['up', 'switch', 'stop-old', 'rollback', 'deploy', 'scale', 'flow', 'status', 'doctor', 'maintenance', 'canary', 'proxy'] as const;

export const OPTIONS = [
  { key: 'files', kind: 'paths', flag: '-f, --file <path>', env: 'BG_FILES', yml: 'files', flowEnv: 'FLOW_COMPOSE_PATH', flowYml: 'compose_path', help: 'compose file (repeatable)', commands: APP },
  {
    key: 'project',
    kind: 'string',
    flag: '-p, --project <name>',
    env: 'BG_PROJECT',
    yml: 'project',
    flowEnv: 'FLOW_PROJECT',
    flowYml: 'project',
    help: 'app name: colours are <app>-blue and <app>-green',
    commands: APP,
  },
  {
    key: 'target',
    kind: 'list',
    flag: '-t, --target <service>',
    env: 'BG_TARGET',
    yml: 'target',
    flowEnv: 'FLOW_TARGET',
    flowYml: 'target',
    help: 'the service to deploy in colours; repeated, the next ones change with it (workers: no route, health only)',
    commands: [...RELEASING, 'doctor'],
  },
  {
    key: 'sideTargets',
    kind: 'list',
    flag: '-T, --side-target <service>',
    env: 'BG_SIDE_TARGETS',
    yml: 'side_targets',
    flowEnv: 'FLOW_SIDE_TARGETS',
    flowYml: 'side_targets',
    help: 'a service run once for both colours (repeatable)',
    commands: [...RELEASING, 'down', 'doctor'],
  },
  { key: 'rule', kind: 'string', flag: '--rule <rule>', env: 'BG_RULE', yml: 'rule', help: 'Traefik rule of the live route', commands: RELEASING },
  {
    key: 'servicePaths',
    kind: 'list',
    flag: '--service-path <path>',
    env: 'BG_SERVICE_PATH',
    yml: 'service_path',
    flowEnv: 'FLOW_SERVICE_PATH',
    flowYml: 'service_path',
    help: 'route only this path prefix (repeatable)',
    commands: RELEASING,
  },
  { key: 'port', kind: 'string', numeric: true, flag: '--port <port>', env: 'BG_PORT', yml: 'port', help: "the target's port inside its container", commands: RELEASING },
  { key: 'entrypoint', kind: 'string', flag: '--entrypoint <name>', env: 'BG_ENTRYPOINT', yml: 'entrypoint', default: () => 'web', help: 'Traefik entrypoint', commands: RELEASING },
  {
    key: 'network',
    kind: 'string',
    flag: '--network <name>',
    env: 'BG_NETWORK',
    yml: 'network',
    default: () => 'traefik_webgateway',
    help: 'the network Traefik watches',
    commands: [...CHANGING, 'status', 'proxy'],
  },
  {
    key: 'colourHeader',
    kind: 'string',
    flag: '--colour-header <routes>',
    env: 'BG_COLOUR_HEADER',
    yml: 'colour_header',
    default: () => 'all',
    help: 'which answers carry X-Bluegreen-Color: all, or preview (live answers do not say their colour)',
    commands: RELEASING,
  },
  {
    key: 'traefikApi',
    kind: 'string',
    flag: '--traefik-api <url>',
    env: 'BG_TRAEFIK_API',
    yml: 'traefik_api',
    default: (env) => `http://127.0.0.1:${env.BG_API_PORT || '8080'}`,
    help: "Traefik's API (default http://127.0.0.1:$BG_API_PORT, else 8080); several Traefik instances, comma separated: each is verified",
    commands: ROUTED,
  },
  {
    key: 'traefikUrl',
    kind: 'string',
    flag: '--traefik-url <url>',
    env: 'BG_TRAEFIK_URL',
    yml: 'traefik_url',
    default: (env) => `http://127.0.0.1:${env.BG_HTTP_PORT || '80'}`,
    help: "Traefik's entrypoint, for end-to-end checks (default http://127.0.0.1:$BG_HTTP_PORT, else 80)",
    commands: ROUTED,
  },
  {
    key: 'traefikInsecure',
    kind: 'flag',
    flag: '--traefik-insecure',
    env: 'BG_TRAEFIK_INSECURE',
    yml: 'traefik_insecure',
    default: () => 'false',
    help: "accept any certificate from a https:// --traefik-url, e.g. Traefik's default one",
    commands: LAUNCHING,
  },
  {
    key: 'traefikCa',
    kind: 'path',
    flag: '--traefik-ca <file>',
    env: 'BG_TRAEFIK_CA',
    yml: 'traefik_ca',
    help: 'a CA certificate (PEM) to verify a https:// --traefik-url with, besides the system ones',
    commands: LAUNCHING,
  },
  {
    key: 'traefikMetrics',
    kind: 'string',
    flag: '--traefik-metrics <url>',
    env: 'BG_TRAEFIK_METRICS',
    yml: 'traefik_metrics',
    help: "Traefik's Prometheus metrics, for draining (default <traefik-api>/metrics; one per --traefik-api URL)",
    commands: DRAINING,
  },
  {
    key: 'probePath',
    kind: 'string',
    flag: '--probe-path <path>',
    env: 'BG_PROBE_PATH',
    yml: 'probe_path',
    help: 'path of the end-to-end check request (default from the rule, else /)',
    commands: LAUNCHING,
  },
  {
    key: 'probeHost',
    kind: 'string',
    flag: '--probe-host <host>',
    env: 'BG_PROBE_HOST',
    yml: 'probe_host',
    help: 'Host of the end-to-end check request, for rules without a plain Host',
    commands: LAUNCHING,
  },
  {
    key: 'probeStatus',
    kind: 'string',
    numeric: true,
    flag: '--probe-status <list>',
    env: 'BG_PROBE_STATUS',
    yml: 'probe_status',
    default: () => DEFAULT_PROBE_STATUSES,
    help: 'statuses that count as answered, e.g. 200-399,404',
    commands: LAUNCHING,
  },
  {
    key: 'state',
    kind: 'string',
    flag: '--state <store>',
    env: 'BG_STATE',
    yml: 'state',
    help: "file (this machine's), engine (a volume on the Docker engine's host) or consul; default: file for this machine's own engine, engine for a remote one or from a container",
    commands: APP,
  },
  {
    key: 'stateDir',
    kind: 'path',
    flag: '--state-dir <dir>',
    env: 'BG_STATE_DIR',
    yml: 'state_dir',
    help: "the file store's directory, shared by every checkout that deploys the app (default ~/.local/state/bluegreen/<engine>)",
    commands: APP,
  },
  {
    key: 'consulAddress',
    kind: 'string',
    flag: '--consul-address <address>',
    env: 'CONSUL_HTTP_ADDR',
    yml: 'consul_address',
    flowEnv: 'FLOW_CONSUL_ADDRESS',
    flowYml: 'consul_address',
    default: () => 'http://127.0.0.1:8500',
    help: 'Consul HTTP address',
    commands: APP,
  },
  // A secret: from the environment only, never a flag (visible in ps) nor a file in a checkout.
  { key: 'consulToken', kind: 'string', env: 'CONSUL_HTTP_TOKEN', help: 'Consul ACL token', commands: APP },
  { key: 'timeout', kind: 'string', numeric: true, flag: '--timeout <duration>', env: 'BG_TIMEOUT', yml: 'timeout', default: () => '120s', help: 'bound on each operation', commands: LAUNCHING },
  {
    key: 'drain',
    kind: 'string',
    numeric: true,
    flag: '--drain <duration>',
    env: 'BG_DRAIN',
    yml: 'drain',
    default: () => '10s',
    help: 'bound on waiting for the old colour to finish requests in flight',
    commands: DRAINING,
  },
  {
    key: 'scale',
    kind: 'string',
    numeric: true,
    flag: '--scale <count>',
    env: 'BG_SCALE',
    yml: 'scale',
    flowEnv: 'FLOW_SCALE',
    flowYml: 'scale',
    help: 'containers to run: N, +N or -N from the live count',
    commands: RELEASING,
  },
  {
    key: 'pull',
    kind: 'string',
    flag: '--pull <policy>',
    env: 'BG_PULL',
    yml: 'pull',
    help: "always, missing or never: pull the target's image before a release pins it (default the service's pull_policy, else missing)",
    commands: RELEASING,
  },
  {
    key: 'bake',
    kind: 'string',
    numeric: true,
    flag: '--bake <duration>',
    env: 'BG_BAKE',
    yml: 'bake',
    default: () => '0s',
    help: "after the switch, keep the old colour running this long and roll back by itself if the new one's 5xx share passes --max-error-rate (0s: no bake window)",
    commands: ['switch', 'deploy', 'canary'],
  },
  {
    key: 'maxErrorRate',
    kind: 'string',
    numeric: true,
    flag: '--max-error-rate <percent>',
    env: 'BG_MAX_ERROR_RATE',
    yml: 'max_error_rate',
    default: () => '1%',
    help: "the share of the new colour's answers that may be 5xx during the bake window",
    commands: ['switch', 'deploy', 'canary'],
  },
  {
    key: 'maxLatencyRatio',
    kind: 'string',
    numeric: true,
    flag: '--max-latency-ratio <ratio>',
    env: 'BG_MAX_LATENCY_RATIO',
    yml: 'max_latency_ratio',
    default: () => 'off',
    help: "during the bake window, also roll back when the new colour's mean answer time passes this multiple of the old colour's and is 20 ms above it (e.g. 2; off: not judged)",
    commands: ['switch', 'deploy', 'canary'],
  },
  {
    key: 'bakeMinRequests',
    kind: 'string',
    numeric: true,
    flag: '--bake-min-requests <count>',
    env: 'BG_BAKE_MIN_REQUESTS',
    yml: 'bake_min_requests',
    default: () => '20',
    help: 'answers the bake window needs before it judges the share',
    commands: ['switch', 'deploy', 'canary'],
  },
  {
    key: 'canary',
    kind: 'string',
    flag: '--canary <shares>',
    env: 'BG_CANARY',
    yml: 'canary',
    help: 'before the switch, send these shares of live requests to the candidate, one after the other (e.g. 10%,50%), each judged for --bake (30s when 0) and taken out at a breach',
    commands: ['deploy'],
  },
  {
    key: 'maintenancePage',
    kind: 'path',
    flag: '--page <file>',
    env: 'BG_MAINTENANCE_PAGE',
    yml: 'maintenance_page',
    help: 'the maintenance page (HTML; .json and .txt by their extension), answered 503 with Retry-After (default: a page of its own)',
    commands: ['maintenance', 'deploy'],
  },
  {
    key: 'maintenanceAllow',
    kind: 'list',
    flag: '--allow <header-or-network>',
    env: 'BG_MAINTENANCE_ALLOW',
    yml: 'maintenance_allow',
    help: 'requests that still reach the live colour during maintenance: "Header: value", or an address or network (10.0.0.0/8) (repeatable)',
    commands: ['maintenance', 'deploy'],
  },
  {
    key: 'retryAfter',
    kind: 'string',
    numeric: true,
    flag: '--retry-after <duration>',
    env: 'BG_RETRY_AFTER',
    yml: 'retry_after',
    default: () => '60s',
    help: "the maintenance page's Retry-After",
    commands: ['maintenance', 'deploy'],
  },
  {
    key: 'waitLock',
    kind: 'string',
    numeric: true,
    flag: '--wait-lock <duration>',
    env: 'BG_WAIT_LOCK',
    yml: 'wait_lock',
    default: () => '0s',
    help: "wait this long for the app's lock instead of exiting 3",
    commands: CHANGING.filter((c) => c !== 'unlock'),
  },
] as const satisfies readonly OptionSpec[];

export type OptionKey = (typeof OPTIONS)[number]['key'];

/** The options' text as one layer gives it (CLI, env, yml, Docker Flow, defaults); lists as lists. */
export type RawOptions = { [K in OptionKey]?: Extract<(typeof OPTIONS)[number], { key: K }>['kind'] extends 'list' | 'paths' ? string[] : string };

/** How messages name an option: its flag and its variable, as declared (`--drain / BG_DRAIN`). */
export function named(key: OptionKey): string {
  const spec: OptionSpec = OPTIONS.find((o) => o.key === key)!;
  const flag = spec.flag ? /--[a-z-]+/.exec(spec.flag)![0] : undefined;
  return [flag, spec.env].filter(Boolean).join(' / ');
}

/** The options a command's --help lists, in the table's order. */
export const optionsOf = (command: CommandName): readonly OptionSpec[] => OPTIONS.filter((o) => (o.commands as readonly CommandName[]).includes(command));

/** Where an option's help says it can also be set, and its default. */
export function sourcesOf(spec: OptionSpec): string {
  const defaultText = spec.default && !/\(default /.test(spec.help) ? `default ${spec.default({})}` : undefined;
  return [spec.env ? `env ${spec.env}` : undefined, spec.yml ? `yml ${spec.yml}` : undefined, defaultText].filter(Boolean).join('; ');
}
