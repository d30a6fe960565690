import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_TRAEFIK_API, TEST_TRAEFIK_URL } from './ports.js';
import { docker } from './containers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_CLI = join(ROOT, 'src', 'cli.ts');
const BUNDLE = join(ROOT, 'dist', 'bluegreen.cjs');
// Resolved here: the CLI runs with its cwd in a temporary directory, where tsx cannot be found by name.
const TSX = import.meta.resolve('tsx');

/** The newest modification time of a file under a directory. */
const newestUnder = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? newestUnder(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs)));

/**
 * How the tests run the CLI: the bundle `npm run build` made (what users
 * run, and 0.4-1 s less per command than tsx compiling src/: minutes over
 * the suite), unless a file of src/ changed since it was built; then src/
 * through tsx, so that a developer's edit is what runs. BG_TEST_CLI=src or
 * dist forces one.
 */
function cliCommand(): string[] {
  const choice = process.env.BG_TEST_CLI;
  if (choice === 'dist' || (choice !== 'src' && existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= newestUnder(join(ROOT, 'src')))) return [BUNDLE];
  return ['--import', TSX, SOURCE_CLI];
}
const CLI_COMMAND = cliCommand();

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** --json events (every stdout line that parses). */
  events: Record<string, any>[];
  /** The final result event, if any. */
  result?: Record<string, any>;
  ms: number;
}

/**
 * A sample app of its own for one test file: a temporary directory with the
 * sample's compose file, its own app name and Host rule, so test files never
 * share containers, networks, volumes or state.
 */
export class TestApp {
  readonly dir: string;

  constructor(
    readonly app: string,
    composeText?: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `${app}-`));
    if (composeText) writeFileSync(join(this.dir, 'docker-compose.yml'), composeText);
    else cpSync(join(ROOT, 'compose', 'docker-compose.yml'), join(this.dir, 'docker-compose.yml'));
    writeFileSync(join(this.dir, 'bluegreen.yml'), 'target: app\nside_targets: [store]\n');
  }

  get host() {
    return `${this.app}.test`;
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      BG_PROJECT: this.app,
      BG_RULE: `Host(\`${this.host}\`)`,
      BG_TRAEFIK_API: TEST_TRAEFIK_API,
      BG_TRAEFIK_URL: TEST_TRAEFIK_URL,
      BG_TIMEOUT: '60s',
      BG_DRAIN: '5s',
      // Each test app's state beside its compose file, removed with it.
      BG_STATE_DIR: join(this.dir, '.bluegreen'),
      ...extra,
    };
  }

  run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, { cwd: this.dir, env: this.env(env) });
  }

  /** Runs the CLI with --json; when the n-th event matching `at` appears, sends it `signals` (`gapMs` apart) and/or runs `then`. */
  runAndSignal(args: string[], env: Record<string, string>, when: SignalAt): Promise<SignalledRun> {
    return runAndSignal([...args, '--json'], { cwd: this.dir, env: this.env(env) }, when);
  }

  /** The headers that reach a colour's preview route: the colour and the app's preview key, as `status --json` shows them. */
  async previewHeaders(colour: string): Promise<Record<string, string>> {
    const status = await this.run(['status', '--json']);
    if (status.code !== 0 || !status.result?.previewKey) throw new Error(`no preview key in status:\n${show(status)}`);
    return { 'X-Bluegreen-Color': colour, 'X-Bluegreen-Preview-Key': status.result.previewKey };
  }

  /** Removes everything the app ran, whatever state the test left it in. */
  async destroy(): Promise<void> {
    await this.run(['down', '--volumes']).catch(() => undefined);
    // bluegreen's colours, and what runs in the app's own compose project (side targets, a plain compose run).
    const left = [
      ...(await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${this.app}`] } })),
      ...(await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${this.app}`] } })),
    ];
    await Promise.all(
      [...new Set(left.map((c) => c.Id))].map((id) =>
        docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    const networks = await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${this.app}`] } });
    await Promise.all(
      networks.map((n) =>
        docker
          .getNetwork(n.Id)
          .remove()
          .catch(() => undefined),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI_COMMAND, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = stdout.split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line)];
        } catch {
          return [];
        }
      });
      resolve({ code: code ?? -1, stdout, stderr, events, result: events.find((e) => e.event === 'result'), ms: Date.now() - started });
    });
  });
}

export interface SignalAt {
  at: (event: Record<string, any>) => boolean;
  /** Which matching events count (1 = the first); `then` runs at each, the signals at the first. */
  nth?: number | number[];
  signals?: NodeJS.Signals[];
  gapMs?: number;
  /** A further signal, sent once at the first event after the signals that matches `at` (the undo's step under way). */
  again?: { at: (event: Record<string, any>) => boolean; signal: NodeJS.Signals };
  /** Something to do to the world at that point (kill a container): its failure fails the run. */
  then?: () => Promise<unknown>;
}

export interface SignalledRun extends CliRun {
  /** Whether the point was reached and the signals sent. */
  signalled: boolean;
  /** The CLI's process id. */
  pid: number;
  /** ms from the first signal to the CLI's exit. */
  exitAfterSignalMs?: number;
}

export function runAndSignal(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, when: SignalAt): Promise<SignalledRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI_COMMAND, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Record<string, any>[] = [];
    let stdout = '';
    let stderr = '';
    let buffer = '';
    let seen = 0;
    let signalledAt: number | undefined;
    let sentAgain = false;
    let acted: Promise<unknown> = Promise.resolve();
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line);
        events.push(event);
        if (signalledAt !== undefined && when.again && !sentAgain && when.again.at(event)) {
          sentAgain = true;
          child.kill(when.again.signal);
        }
        if (when.at(event) && [when.nth ?? 1].flat().includes(++seen)) {
          if (signalledAt === undefined) {
            signalledAt = Date.now();
            (when.signals ?? []).forEach((signal, i) => setTimeout(() => child.kill(signal), i * (when.gapMs ?? 300)));
          }
          if (when.then) acted = Promise.all([acted, when.then()]);
        }
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', async (code) => {
      const end = Date.now();
      await acted.catch(reject);
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        events,
        result: events.find((e) => e.event === 'result'),
        ms: end - started,
        signalled: signalledAt !== undefined,
        pid: child.pid!,
        exitAfterSignalMs: signalledAt === undefined ? undefined : end - signalledAt,
      });
    });
  });
}

/** A readable summary of a run for assertion messages. */
export const show = (run: CliRun) => `exit ${run.code}\n--- stderr\n${run.stderr}\n--- stdout\n${run.stdout}`;

/** When the last step `step` of `release` ended, from the --json events' stamps. */
export const stepEnd = (run: CliRun, step: string, release: number) =>
  Date.parse(run.events.filter((e) => e.event === 'step' && e.step === step && e.state === 'done' && e.release === release).at(-1)?.at ?? 'NaN');
