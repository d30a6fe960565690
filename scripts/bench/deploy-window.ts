import { lastLines, runTimed, sleep, within } from './exec.js';
import type { DeployMethod } from './methods/method.js';
import { appEnv, type BenchOptions } from './options.js';
import { probeRelease } from './release-probe.js';
import type { DeployWindow } from './types.js';
import { startLoad } from './wrk-load.js';
import { bluegreenPhases } from './phases.js';

/**
 * One deploy of `release` under load. The window: load from `leadMs` before
 * the command starts to `tailMs` after the later of its return and the first
 * response from the new release (waited for at most `settleMs` after the
 * return), so that an outage that outlasts the command is counted.
 */
export async function measureDeploy(method: DeployMethod, release: string, round: number, options: BenchOptions): Promise<DeployWindow> {
  const boundS = Math.ceil((options.leadMs + options.commandTimeoutMs + options.settleMs + options.tailMs) / 1000) + 10;
  const load = startLoad({ host: method.host, clients: options.clients, thinkMs: options.thinkMs, maxSeconds: boundS });
  await sleep(options.leadMs);
  const probe = probeRelease(method.host, release);
  const command = await runTimed(method.deploy(release, appEnv(options)), options.commandTimeoutMs);
  const wallMinusPerf = Date.now() - performance.now();
  const seenAt = await within(probe.seen, options.settleMs);
  probe.stop();
  await sleep(options.tailMs);
  const result = await load.stop();
  return {
    method: method.id,
    round,
    release,
    exitCode: command.code,
    returnMs: command.ms,
    firstNewMs: seenAt === undefined ? undefined : seenAt - command.startedAt,
    load: result,
    ...(method.id === 'bluegreen' ? { phases: bluegreenPhases(command.stdout, wallMinusPerf, seenAt, command.startedAt + command.ms) } : {}),
    ...(command.code === 0 ? {} : { failure: lastLines(command) }),
  };
}
