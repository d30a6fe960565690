import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_TRAEFIK_API, TEST_TRAEFIK_URL } from './ports.js';
import { docker } from './containers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'src', 'cli.ts');
// Resolved here: the CLI runs with its cwd in a temporary directory, where tsx cannot be found by name.
const TSX = import.meta.resolve('tsx');

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

  constructor(readonly app: string, composeText?: string) {
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

  /** The headers that reach a colour's preview route: the colour and the app's preview key, as `status --json` shows them. */
  async previewHeaders(colour: string): Promise<Record<string, string>> {
    const status = await this.run(['status', '--json']);
    if (status.code !== 0 || !status.result?.previewKey) throw new Error(`no preview key in status:\n${show(status)}`);
    return { 'X-Bluegreen-Color': colour, 'X-Bluegreen-Preview-Key': status.result.previewKey };
  }

  /** Removes everything the app ran, whatever state the test left it in. */
  async destroy(): Promise<void> {
    await this.run(['down', '--volumes']).catch(() => undefined);
    const left = await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${this.app}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** A readable summary of a run for assertion messages. */
export const show = (run: CliRun) => `exit ${run.code}\n--- stderr\n${run.stderr}\n--- stdout\n${run.stdout}`;
