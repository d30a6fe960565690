import { stringify } from 'yaml';
import { BgError, ExitCode } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { asStackFile } from '../plan/swarm-stack.js';
import { runDocker } from './compose-process.js';

const BOUND_MS = 5 * 60_000;

/** The line of the CLI's output that says what went wrong (it also prints notices such as "Ignoring deprecated options"). */
function cause(out: string, err: string): string {
  const lines = `${err}\n${out}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /error|invalid|must be|not allowed|not found|no such|denied|refused|out of sequence/i.test(l)) ?? lines.at(-1) ?? 'no output';
}

/**
 * Docker Swarm through the docker CLI: `stack deploy` turns a rendered
 * compose project into services exactly as users' own stacks are (deploy
 * keys, healthchecks, networks), over any DOCKER_HOST the CLI reaches.
 * Re-deploying a stack whose task template is unchanged updates the
 * services' labels and replica counts only: no task is replaced.
 */
export class SwarmStacks {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /**
   * Creates or updates a stack; `--resolve-image never`: the image is the
   * release's, as named, on every node. With `prune`, the stack's services
   * the file no longer names are removed (a colour's worker that the new
   * release dropped); never for the side targets' stack, whose services a
   * command run with fewer side targets must not delete.
   */
  async deploy(project: ComposeConfig, options: { prune?: boolean } = {}): Promise<void> {
    const { stack, file } = asStackFile(project);
    const prune = options.prune ? ['--prune'] : [];
    await this.run(`stack deploy of ${stack}`, ['stack', 'deploy', '--resolve-image', 'never', '--detach=true', ...prune, '--compose-file', '-', stack], stringify(file));
  }

  /** Removes a stack's services (the networks and volumes it names are external: kept). */
  async remove(stack: string): Promise<void> {
    await this.run(`stack rm of ${stack}`, ['stack', 'rm', stack]);
  }

  /** Sets a service's replica count without waiting (the caller waits on tasks and Traefik). */
  async scale(service: string, replicas: number): Promise<void> {
    await this.run(`scale of ${service}`, ['service', 'scale', '--detach', `${service}=${replicas}`]);
  }

  private async run(what: string, args: string[], stdin?: string): Promise<void> {
    // Two writers of one service at once: swarm refuses the later ("update out of sequence"); once more, it reads the new version.
    for (let attempt = 1; ; attempt++) {
      const run = await runDocker(args, { env: this.env, stdin, boundMs: BOUND_MS, what });
      if (run.code === 0) return;
      const text = cause(run.out, run.err);
      if (attempt < 3 && /out of sequence/i.test(text)) continue;
      throw new BgError(`docker ${what} failed: ${text}`, ExitCode.failedReverted, 'see `docker service ls` and `docker service ps` on the manager');
    }
  }
}
