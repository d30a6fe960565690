import { labelledSample } from './compose-files.js';
import { run, runTimed, type Command } from './exec.js';
import { readSample, WorkDir } from './methods/method.js';

/**
 * The floor of a deploy's first new answer: one container of the same app
 * created, started and healthy, the way compose users wait for it (`docker
 * compose up --detach --wait`), beside its store, which runs already (as the
 * store of every deploy measured does). No Traefik in between.
 */
export class Floor {
  readonly project = 'bench-floor';
  private readonly dir = new WorkDir(this.project);

  async setUp(): Promise<void> {
    this.dir.writeCompose(labelledSample(readSample(), this.project));
    await run(this.compose(['up', '--detach', '--wait', 'store']), 120_000);
  }

  /** Milliseconds from `up` to healthy, for a new container of `release` (the previous one removed first, not timed). */
  async measure(release: string, appEnv: Record<string, string>): Promise<number> {
    // Killed, not stopped: a PID 1 that ignores SIGTERM would hold the stop for its grace period.
    await runTimed(this.compose(['kill', 'app'], appEnv), 60_000);
    await run(this.compose(['rm', '--force', 'app'], appEnv), 60_000);
    const up = await runTimed(this.compose(['up', '--detach', '--wait', '--no-deps', 'app'], { ...appEnv, RELEASE: release }), 120_000);
    if (up.code !== 0) throw new Error(`the floor (compose up --wait of one app container) exited ${up.code}: ${up.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return up.ms;
  }

  async tearDown(): Promise<void> {
    await runTimed({ ...this.compose(['down', '--volumes', '--timeout', '0']), cleanup: true }, 120_000);
    this.dir.remove();
  }

  private compose(args: string[], env: Record<string, string> = {}): Command {
    return { cmd: 'docker', args: ['compose', '-p', this.project, ...args], cwd: this.dir.path, env: { ...process.env, ...env } };
  }
}
