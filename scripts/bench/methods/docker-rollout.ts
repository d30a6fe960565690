import { join } from 'node:path';
import { BENCH_DIR } from '../bench-env.js';
import { plainComposeFile } from '../compose-files.js';
import { runTimed, type Command } from '../exec.js';
import { hostRule, readSample, WorkDir, type DeployMethod } from './method.js';

/** docker-rollout's steps (scripts/bench/docker-rollout-steps.sh): scale to 2N, wait until the new N are healthy, remove the old N. */
export class DockerRolloutMethod implements DeployMethod {
  readonly id = 'rollout' as const;
  readonly host = 'bench-rollout.localhost';
  readonly project = 'bench-rollout';
  private readonly dir = new WorkDir(this.project);

  async setUp(): Promise<void> {
    // The same file as plain compose's: docker-rollout works on the user's compose file as it is.
    this.dir.writeCompose(plainComposeFile(readSample(), this.project, hostRule(this.host)));
  }

  deploy(release: string, appEnv: Record<string, string>): Command {
    const env = { ...process.env, ...appEnv, RELEASE: release, COMPOSE_PROJECT_NAME: this.project };
    return { cmd: 'bash', args: [join(BENCH_DIR, 'docker-rollout-steps.sh'), 'app'], cwd: this.dir.path, env };
  }

  async tearDown(): Promise<void> {
    await runTimed({ cmd: 'docker', args: ['compose', '-p', this.project, 'down', '--volumes', '--remove-orphans', '--timeout', '0'], cwd: this.dir.path, cleanup: true }, 120_000);
    this.dir.remove();
  }
}
