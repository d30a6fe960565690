import { join } from 'node:path';
import { BENCH_DIR } from '../bench-env.js';
import { sleepDeployComposeFile } from '../compose-files.js';
import { runTimed, type Command } from '../exec.js';
import { hostRule, readSample, WorkDir, type DeployMethod } from './method.js';

/** The article's sleep-5s script (scripts/bench/sleep-5s-deploy.sh): blue and green projects, `sleep 5`, stop the old one. */
export class SleepDeployMethod implements DeployMethod {
  readonly id = 'sleep5s' as const;
  readonly host = 'bench-seed.localhost';
  /** The script's project names are this prefix followed by blue or green. */
  readonly prefix = 'bench-seed-';
  private readonly dir = new WorkDir('bench-seed');

  async setUp(): Promise<void> {
    this.dir.writeCompose(sleepDeployComposeFile(readSample(), 'bench-seed', hostRule(this.host)));
  }

  deploy(release: string, appEnv: Record<string, string>): Command {
    const env = { ...process.env, ...appEnv, RELEASE: release, SEED_PREFIX: this.prefix };
    return { cmd: 'bash', args: [join(BENCH_DIR, 'sleep-5s-deploy.sh')], cwd: this.dir.path, env };
  }

  async tearDown(): Promise<void> {
    for (const colour of ['blue', 'green']) {
      await runTimed({ cmd: 'docker', args: ['compose', '-p', `${this.prefix}${colour}`, 'down', '--volumes', '--remove-orphans', '--timeout', '0'], cwd: this.dir.path, cleanup: true }, 120_000);
    }
    this.dir.remove();
  }
}
