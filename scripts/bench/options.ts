import type { AppProfile } from './types.js';

/** How long and how hard the benchmark runs. */
export interface BenchOptions {
  profile: 'smoke' | 'full' | 'soak';
  /** Rounds of every method (one deploy of each per round), per app profile. */
  rounds: number;
  /** The app profiles measured, one after the other. */
  appProfiles: AppProfile[];
  /** The soak: this many bluegreen deploys, each followed by a rollback, under one load each (0: no soak). */
  soakDeploys: number;
  /** The sample app's START_DELAY (it listens only after it) in every release: how long the app takes to boot. */
  startDelay: string;
  /** Concurrent keep-alive clients of the load. */
  clients: number;
  /** Each client's pause between a response and its next request. */
  thinkMs: number;
  /** Load runs this long before the command starts. */
  leadMs: number;
  /** ... and this long after the later of the command's return and the first answer from the new release. */
  tailMs: number;
  /** How long to wait, after the command returned, for the new release to answer at all. */
  settleMs: number;
  /** Repeated runs of `bluegreen status` (and --version, history) and `docker compose ps`. */
  overheadRuns: number;
  scaleBy: number;
  /** One deploy command may take this long before it is killed. */
  commandTimeoutMs: number;
  /** The whole benchmark is aborted (and cleaned up) after this long. */
  deadlineMs: number;
}

const PROFILES: Record<BenchOptions['profile'], BenchOptions> = {
  smoke: {
    profile: 'smoke',
    rounds: 2,
    appProfiles: ['drain'],
    soakDeploys: 0,
    startDelay: '0s',
    clients: 16,
    thinkMs: 10,
    leadMs: 300,
    tailMs: 1000,
    settleMs: 30_000,
    overheadRuns: 5,
    scaleBy: 5,
    commandTimeoutMs: 180_000,
    deadlineMs: 10 * 60_000,
  },
  full: {
    profile: 'full',
    rounds: 5,
    appProfiles: ['drain', 'deaf'],
    soakDeploys: 0,
    startDelay: '0s',
    clients: 16,
    thinkMs: 10,
    leadMs: 500,
    tailMs: 2000,
    settleMs: 60_000,
    overheadRuns: 9,
    scaleBy: 5,
    commandTimeoutMs: 180_000,
    deadlineMs: 60 * 60_000,
  },
  soak: {
    profile: 'soak',
    rounds: 0,
    appProfiles: ['drain'],
    soakDeploys: 20,
    startDelay: '0s',
    clients: 16,
    thinkMs: 10,
    leadMs: 500,
    tailMs: 1000,
    settleMs: 60_000,
    overheadRuns: 0,
    scaleBy: 0,
    commandTimeoutMs: 180_000,
    deadlineMs: 40 * 60_000,
  },
};

/** The environment every release of every method is deployed with. */
export const appEnv = (options: BenchOptions, profile: AppProfile) => ({ START_DELAY: options.startDelay, IGNORE_SIGTERM: profile === 'deaf' ? '1' : '0' });

const USAGE = 'usage: run.ts [--smoke] [--deploys N (the soak)] [--rounds N] [--profiles drain,deaf] [--clients N] [--think-ms N] [--start-delay 3s] [--overhead-runs N (status against compose ps)]';

/** `--smoke` picks the short profile, `--deploys N` the soak; the other flags override it. */
export function parseOptions(argv: string[]): BenchOptions {
  const soak = argv.some((arg) => arg === '--deploys' || arg.startsWith('--deploys='));
  const options = { ...PROFILES[soak ? 'soak' : argv.includes('--smoke') ? 'smoke' : 'full'] };
  const integers: Record<string, { key: 'rounds' | 'clients' | 'thinkMs' | 'soakDeploys' | 'overheadRuns'; min: number }> = {
    '--overhead-runs': { key: 'overheadRuns', min: 1 },
    '--rounds': { key: 'rounds', min: 1 },
    '--clients': { key: 'clients', min: 1 },
    '--think-ms': { key: 'thinkMs', min: 0 },
    '--deploys': { key: 'soakDeploys', min: 1 },
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--smoke') continue;
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const raw = inline ?? argv[++i] ?? '';
    const integer = integers[flag];
    if (integer) {
      const value = Number(raw);
      if (!Number.isInteger(value) || value < integer.min) throw new Error(`${flag}: "${raw}" is not an integer of at least ${integer.min}\n${USAGE}`);
      options[integer.key] = value;
    } else if (flag === '--start-delay') {
      if (!/^\d+(\.\d+)?(ms|s)$/.test(raw)) throw new Error(`--start-delay: "${raw}" is not a duration such as 500ms or 3s\n${USAGE}`);
      options.startDelay = raw;
    } else if (flag === '--profiles') {
      const profiles = raw.split(',').map((p) => p.trim());
      if (!profiles.length || profiles.some((p) => p !== 'drain' && p !== 'deaf')) throw new Error(`--profiles: "${raw}" is not a list of drain and deaf\n${USAGE}`);
      options.appProfiles = profiles as AppProfile[];
    } else {
      throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return options;
}
