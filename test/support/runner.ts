import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The CLI as a team installs it: the built bundle (scripts/setup.sh builds it), not src/ through tsx. */
export const BUILT_CLI = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

export interface RunnerRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The --json result event, if any. */
  result?: Record<string, any>;
  events: Record<string, any>[];
  startedAt: number;
  endedAt: number;
}

/**
 * A CI runner as a team has one: a user of its own with an empty home (ssh
 * reads ~/.ssh from the user's passwd entry, not from $HOME, so a throwaway
 * user, not a HOME variable, is what makes it empty), a checkout of the
 * app's compose file, and nothing else of this machine's: the CLI runs with
 * a clean environment (PATH, HOME, USER and what the test passes).
 */
export class Runner {
  readonly home: string;
  readonly dir: string;

  private constructor(readonly user: string) {
    this.home = `/tmp/${user}`;
    this.dir = join(this.home, 'app');
  }

  /** Creates the user (removed first if a killed run left it), with the app's files in ~/app. */
  static async create(user: string, files: Record<string, string>): Promise<Runner> {
    const runner = new Runner(user);
    await runner.remove();
    await run('useradd', ['--create-home', '--home-dir', runner.home, '--shell', '/bin/bash', '--comment', 'bluegreen e2e runner', user]);
    mkdirSync(runner.dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(runner.dir, name), text);
    await run('chown', ['-R', `${user}:`, runner.home]);
    return runner;
  }

  /** Gives the runner an ~/.ssh (a copy of a directory: key, config, known_hosts), as a CI secret would. */
  async sshFrom(dir: string): Promise<void> {
    rmSync(join(this.home, '.ssh'), { recursive: true, force: true });
    cpSync(dir, join(this.home, '.ssh'), { recursive: true });
    await run('chown', ['-R', `${this.user}:`, join(this.home, '.ssh')]);
  }

  /** `docker ...` as the runner (its contexts live in its ~/.docker). */
  async docker(args: string[], env: Record<string, string> = {}): Promise<RunnerRun> {
    return this.exec('docker', args, env);
  }

  /** The CLI as the runner, in ~/app. */
  cli(args: string[], env: Record<string, string> = {}, watch?: (line: string) => void): Promise<RunnerRun> {
    return this.exec(process.execPath, [BUILT_CLI, ...args], env, watch);
  }

  private exec(file: string, args: string[], env: Record<string, string>, watch?: (line: string) => void): Promise<RunnerRun> {
    const startedAt = Date.now();
    const clean = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: this.home, USER: this.user, LOGNAME: this.user, ...env };
    return new Promise((resolve, reject) => {
      const child = spawn('runuser', ['-u', this.user, '--', 'env', '-i', ...Object.entries(clean).map(([k, v]) => `${k}=${v}`), file, ...args], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        if (watch) for (const line of chunk.toString().split('\n')) if (line) watch(line);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        const events = stdout.split('\n').flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, any>];
          } catch {
            return [];
          }
        });
        resolve({ code: code ?? -1, stdout, stderr, events, result: events.find((e) => e.event === 'result'), startedAt, endedAt: Date.now() });
      });
    });
  }

  /** Removes the user and its home. */
  async remove(): Promise<void> {
    await run('userdel', ['--remove', this.user]).catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }
}

export const showRun = (r: RunnerRun) => `exit ${r.code}\n--- stderr\n${r.stderr}\n--- stdout\n${r.stdout}`;
