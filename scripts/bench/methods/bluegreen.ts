import { BENCH_TRAEFIK_API, BENCH_TRAEFIK_URL } from '../bench-env.js';
import { labelledSample } from '../compose-files.js';
import { runTimed, type Command } from '../exec.js';
import { BLUEGREEN_CLI } from '../bluegreen-cli.js';
import { hostRule, readSample, WorkDir, type DeployMethod } from './method.js';

/** `RELEASE=vN bluegreen deploy`, with bluegreen's defaults, on the sample as it is. */
export class BluegreenMethod implements DeployMethod {
  readonly id = 'bluegreen' as const;
  readonly host = 'bench-bg.localhost';
  readonly app = 'bench-bg';
  private readonly dir = new WorkDir(this.app);

  async setUp(): Promise<void> {
    this.dir.writeCompose(labelledSample(readSample(), this.app));
    this.dir.write('bluegreen.yml', 'target: app\nside_targets: [store]\n');
  }

  deploy(release: string, appEnv: Record<string, string>): Command {
    return this.cli(['deploy', '--json'], { ...appEnv, RELEASE: release });
  }

  /** Any bluegreen command on this app. */
  cli(args: string[], env: Record<string, string> = {}): Command {
    return {
      cmd: process.execPath,
      args: [BLUEGREEN_CLI, ...args],
      cwd: this.dir.path,
      env: {
        ...process.env,
        BG_PROJECT: this.app,
        BG_RULE: hostRule(this.host),
        BG_TRAEFIK_API: BENCH_TRAEFIK_API,
        BG_TRAEFIK_URL: BENCH_TRAEFIK_URL,
        ...env,
      },
    };
  }

  async tearDown(): Promise<void> {
    await runTimed({ ...this.cli(['down', '--volumes']), cleanup: true }, 120_000);
    this.dir.remove();
  }
}
