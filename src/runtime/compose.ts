import * as compose from 'docker-compose';
import { stringify } from 'yaml';
import { BgError, ExitCode, usageError } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';

/** A compose failure as one line: the last meaningful line compose printed. */
function firstError(result: { err?: string; out?: string; exitCode?: number | null } | unknown): string {
  const text = typeof result === 'object' && result !== null ? `${(result as { err?: string }).err ?? ''}\n${(result as { out?: string }).out ?? ''}` : String(result);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !/^(Container|Network|Volume) .* (Creat|Start|Stop|Remov|Wait|Recreat|Running|Healthy)/.test(l));
  return lines.find((l) => /error|invalid|unsupported|not found|no such|additional propert|must be|refused|denied/i.test(l)) ?? lines.at(-1) ?? 'no output';
}

/**
 * docker compose, through the docker-compose package: it rejects with a plain
 * result object, which becomes a BgError here; and it replaces the whole
 * environment, so the caller's environment is passed explicitly.
 */
export class ComposeCli {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The user's files, resolved and interpolated with the environment of now. Exit 2 on a broken file. */
  async resolve(files: string[], cwd: string, project?: string): Promise<ComposeConfig> {
    const composeOptions: string[][] = project ? [['--project-name', project]] : [];
    try {
      const result = await compose.execCompose('config', ['--format', 'json'], {
        cwd,
        config: files.length ? files : undefined,
        composeOptions,
        env: { ...this.env },
      });
      return JSON.parse(result.out) as ComposeConfig;
    } catch (error) {
      const where = files.length ? files.join(', ') : `the compose file in ${cwd}`;
      throw usageError(`compose file ${where}: ${firstError(error)}`, 'check it with `docker compose config`');
    }
  }

  async build(files: string[], cwd: string, project: string | undefined, service: string): Promise<void> {
    await this.runUserFiles('build', files, cwd, project, [service]);
  }

  async pull(files: string[], cwd: string, project: string | undefined, service: string): Promise<void> {
    await this.runUserFiles('pull', files, cwd, project, [service]);
  }

  private async runUserFiles(command: string, files: string[], cwd: string, project: string | undefined, args: string[]): Promise<void> {
    try {
      await compose.execCompose(command, args, {
        cwd,
        config: files.length ? files : undefined,
        composeOptions: project ? [['--project-name', project]] : [],
        env: { ...this.env },
      });
    } catch (error) {
      throw new BgError(`docker compose ${command} ${args.join(' ')} failed: ${firstError(error)}`, ExitCode.failedReverted);
    }
  }

  /** Creates or updates a rendered project; compose recreates only what changed. */
  async up(spec: ComposeConfig, options: { scale?: { service: string; count: number }; wait?: boolean; noRecreate?: boolean } = {}): Promise<void> {
    const commandOptions: (string | string[])[] = ['-d', '--remove-orphans', '--pull', 'missing'];
    if (options.noRecreate) commandOptions.push('--no-recreate');
    if (options.scale) commandOptions.push(['--scale', `${options.scale.service}=${options.scale.count}`]);
    if (options.wait) commandOptions.push('--wait');
    await this.run('up', spec, commandOptions);
  }

  async stop(project: string, timeoutSeconds?: number): Promise<void> {
    await this.run('stop', project, timeoutSeconds === undefined ? [] : [['--timeout', String(timeoutSeconds)]]);
  }

  async down(project: string, options: { volumes?: boolean } = {}): Promise<void> {
    await this.run('down', project, ['--remove-orphans', ...(options.volumes ? ['--volumes'] : [])]);
  }

  private async run(command: string, project: ComposeConfig | string, commandOptions: (string | string[])[]): Promise<void> {
    const name = typeof project === 'string' ? project : project.name;
    try {
      await compose.execCompose(command, [], {
        composeOptions: [['--project-name', name]],
        commandOptions,
        configAsString: typeof project === 'string' ? undefined : stringify(project),
        env: { ...this.env },
      });
    } catch (error) {
      throw new BgError(`docker compose ${command} of ${name} failed: ${firstError(error)}`, ExitCode.failedReverted);
    }
  }
}
