import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BgError, ExitCode, unreachableError, usageError } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { cancellation } from './cancellation.js';
import { runCompose, type ComposeRun } from './compose-process.js';

/** A compose failure as one line: the first line that says what went wrong, else the last. */
function firstError(run: Pick<ComposeRun, 'out' | 'err'>): string {
  const lines = `${run.err}\n${run.out}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(Container|Network|Volume) .* (Creat|Start|Stop|Remov|Wait|Recreat|Running|Healthy)/.test(l));
  return lines.find((l) => /error|invalid|unsupported|not found|no such|additional propert|must be|refused|denied/i.test(l)) ?? lines.at(-1) ?? 'no output';
}

const MINUTE = 60_000;
/**
 * How long one compose call may take before it is stopped: generous, since
 * they only catch a hang. A build or a pull runs the user's own work; an up
 * may pull a missing image; a stop waits the grace period of each container.
 */
const BOUND_MS = { resolve: 2 * MINUTE, build: 60 * MINUTE, pull: 30 * MINUTE, up: 30 * MINUTE, stop: 5 * MINUTE, down: 10 * MINUTE };

// Variables that would make compose read other files than the ones given.
const COMPOSE_FILE_VARIABLES = ['COMPOSE_FILE', 'COMPOSE_PROFILES', 'COMPOSE_PROJECT_NAME', 'COMPOSE_PATH_SEPARATOR'];

/**
 * docker compose. The user's files are only read by `resolve` (and build,
 * pull); every other call runs a rendered project given on stdin, or acts on
 * a project by name from an empty directory, so that a compose.yaml or .env
 * where the command is typed never changes what it does.
 */
export class ComposeCli {
  private emptyDir?: string;

  /** env: the environment compose runs with, the engine's DOCKER_HOST in it (runtime/engine-connection.ts), once connected. */
  constructor(private readonly env: NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv> = process.env) {}

  /** An empty temporary directory to run from, made on first need and removed when the command ends. */
  private get neutralDir(): string {
    if (!this.emptyDir) {
      const dir = mkdtempSync(join(tmpdir(), 'bluegreen-'));
      cancellation.onExit(() => rmSync(dir, { recursive: true, force: true }));
      this.emptyDir = dir;
    }
    return this.emptyDir;
  }

  private async neutralEnv(): Promise<NodeJS.ProcessEnv> {
    const env = { ...(await this.env) };
    for (const name of COMPOSE_FILE_VARIABLES) delete env[name];
    return env;
  }

  /** The user's files, resolved and interpolated with the environment of now. Exit 2 on a broken file. */
  async resolve(files: string[], cwd: string, project?: string): Promise<ComposeConfig> {
    const run = await this.exec([...this.userFileArgs(files, project), 'config', '--format', 'json'], { cwd, env: { ...(await this.env) }, what: 'config', boundMs: BOUND_MS.resolve });
    if (run.code !== 0) {
      const cause = firstError(run);
      if (!files.length && /no configuration file provided/i.test(cause)) {
        throw usageError(`no compose file in ${cwd}`, 'run bluegreen in the directory of compose.yaml, or pass -f FILE (status, history and rollback also take -p APP alone)');
      }
      throw usageError(`compose file ${files.length ? files.join(', ') : `in ${cwd}`}: ${cause}`, 'check it with `docker compose config`');
    }
    return JSON.parse(run.out) as ComposeConfig;
  }

  async build(files: string[], cwd: string, project: string | undefined, service: string): Promise<void> {
    await this.check(`build ${service}`, [...this.userFileArgs(files, project), 'build', service], { cwd, env: { ...(await this.env) }, boundMs: BOUND_MS.build });
  }

  async pull(files: string[], cwd: string, project: string | undefined, service: string): Promise<void> {
    await this.check(`pull ${service}`, [...this.userFileArgs(files, project), 'pull', '--policy', 'always', service], { cwd, env: { ...(await this.env) }, boundMs: BOUND_MS.pull });
  }

  /** Creates or updates a rendered project; compose recreates only what changed. */
  async up(
    spec: ComposeConfig,
    options: {
      scale?: { service: string; count: number };
      wait?: boolean;
      waitTimeoutSeconds?: number;
      noRecreate?: boolean;
      stopTimeoutSeconds?: number;
      keepOrphans?: boolean;
      services?: string[];
    } = {},
  ): Promise<void> {
    const args = ['--project-name', spec.name, '-f', '-', 'up', '-d', '--pull', 'missing'];
    if (!options.keepOrphans) args.push('--remove-orphans');
    if (options.stopTimeoutSeconds !== undefined) args.push('--timeout', String(options.stopTimeoutSeconds));
    if (options.noRecreate) args.push('--no-recreate');
    if (options.scale) args.push('--scale', `${options.scale.service}=${options.scale.count}`);
    if (options.wait) args.push('--wait', ...(options.waitTimeoutSeconds ? ['--wait-timeout', String(options.waitTimeoutSeconds)] : []));
    // Only these services (and nothing they depend on: frozen services have no depends_on).
    if (options.services) args.push(...options.services);
    await this.check(`up of ${spec.name}`, args, { cwd: this.neutralDir, env: await this.neutralEnv(), stdin: stringify(spec), boundMs: BOUND_MS.up + (options.waitTimeoutSeconds ?? 0) * 1000 });
  }

  /**
   * Compose's own configuration hash of each service of a rendered project
   * (what it labels containers with, and recreates them on when it changes).
   */
  async serviceHashes(spec: ComposeConfig): Promise<Record<string, string>> {
    const run = await this.exec(['--project-name', spec.name, '-f', '-', 'config', '--hash', '*'], {
      cwd: this.neutralDir,
      env: await this.neutralEnv(),
      stdin: stringify(spec),
      what: 'config --hash',
      boundMs: BOUND_MS.resolve,
    });
    if (run.code !== 0) throw new BgError(`docker compose config --hash of ${spec.name} failed: ${firstError(run)}`, ExitCode.failedReverted);
    return Object.fromEntries(
      run.out
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/) as [string, string])
        .filter((pair) => pair.length === 2),
    );
  }

  /** Stops the project (or some of its services); without a timeout each container gets its own stop_grace_period. */
  async stop(project: string, timeoutSeconds?: number, services: string[] = []): Promise<void> {
    const timeout = timeoutSeconds === undefined ? [] : ['--timeout', String(timeoutSeconds)];
    await this.check(`stop of ${project}`, ['--project-name', project, 'stop', ...timeout, ...services], {
      cwd: this.neutralDir,
      env: await this.neutralEnv(),
      boundMs: BOUND_MS.stop + (timeoutSeconds ?? 0) * 1000,
    });
  }

  /** Removes the project, or only the services named (and then leaves what else runs in it). */
  async down(project: string, options: { volumes?: boolean; services?: string[] } = {}): Promise<void> {
    const scope = options.services ? options.services : ['--remove-orphans'];
    const args = ['--project-name', project, 'down', ...(options.volumes ? ['--volumes'] : []), ...scope];
    await this.check(`down of ${project}`, args, { cwd: this.neutralDir, env: await this.neutralEnv(), boundMs: BOUND_MS.down });
  }

  private userFileArgs(files: string[], project: string | undefined): string[] {
    return [...(project ? ['--project-name', project] : []), ...files.flatMap((file) => ['-f', file])];
  }

  private async check(what: string, args: string[], options: Omit<Parameters<typeof runCompose>[1], 'what'>): Promise<void> {
    const run = await this.exec(args, { ...options, what });
    if (run.code !== 0) throw new BgError(`docker compose ${what} failed: ${firstError(run)}`, ExitCode.failedReverted);
  }

  private async exec(args: string[], options: Parameters<typeof runCompose>[1]): Promise<ComposeRun> {
    try {
      return await runCompose(args, options);
    } catch (error) {
      if (error instanceof BgError) throw error; // stopped: its bound, or a signal to the command
      throw unreachableError(
        `docker compose could not run (${(error as NodeJS.ErrnoException).code ?? error})`,
        'install the docker CLI with its Compose v2 plugin (`docker compose version` must answer)',
      );
    }
  }
}
