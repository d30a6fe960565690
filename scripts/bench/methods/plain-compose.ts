import { plainComposeFile } from '../compose-files.js';
import { runTimed, type Command } from '../exec.js';
import { hostRule, readSample, WorkDir, type DeployMethod } from './method.js';

/** `RELEASE=vN docker compose up -d`: the container is recreated in place. */
export class PlainComposeMethod implements DeployMethod {
  readonly id = 'compose' as const;
  readonly host = 'bench-compose.localhost';
  readonly project = 'bench-compose';
  private readonly dir = new WorkDir(this.project);

  async setUp(): Promise<void> {
    this.dir.writeCompose(plainComposeFile(readSample(), this.project, hostRule(this.host)));
  }

  deploy(release: string, appEnv: Record<string, string>): Command {
    return this.compose(['up', '-d'], { ...appEnv, RELEASE: release });
  }

  private compose(args: string[], env: Record<string, string> = {}): Command {
    return { cmd: 'docker', args: ['compose', '-p', this.project, ...args], cwd: this.dir.path, env: { ...process.env, ...env } };
  }

  async tearDown(): Promise<void> {
    await runTimed({ ...this.compose(['down', '--volumes', '--remove-orphans', '--timeout', '0']), cleanup: true }, 120_000);
    this.dir.remove();
  }
}
