import { measureCliOverhead } from './cli-overhead.js';
import { measureDeploy } from './deploy-window.js';
import { assertNotAborted, lastLines, runTimed, sleep, within } from './exec.js';
import type { BluegreenMethod } from './methods/bluegreen.js';
import type { DeployMethod } from './methods/method.js';
import { appEnv, type BenchOptions } from './options.js';
import { probeRelease } from './release-probe.js';
import { connectionErrors, non2xxByStatus } from './summarize.js';
import type { CliOverhead, DeployWindow } from './types.js';

type Log = (line: string) => void;

/** The first release of each method, not measured: every later deploy replaces a running release. */
async function firstDeploy(method: DeployMethod, options: BenchOptions, log: Log): Promise<void> {
  const probe = probeRelease(method.host, 'r0');
  const result = await runTimed(method.deploy('r0', appEnv(options)), options.commandTimeoutMs);
  const seen = await within(probe.seen, options.settleMs);
  probe.stop();
  if (result.code !== 0 || seen === undefined) {
    throw new Error(`${method.id}: the first deploy (r0) ${result.code !== 0 ? `exited ${result.code}` : 'never answered'}:\n${lastLines(result, 15)}`);
  }
  log(`${method.id}: r0 deployed in ${(result.ms / 1000).toFixed(2)}s`);
}

const describeWindow = (w: DeployWindow) =>
  `round ${w.round} ${w.method} ${w.release}: exit ${w.exitCode}, return ${(w.returnMs / 1000).toFixed(2)}s, ` +
  `first new ${w.firstNewMs === undefined ? 'never' : `${(w.firstNewMs / 1000).toFixed(2)}s`}, ` +
  `${w.load.responses + connectionErrors(w.load)} requests, ${w.load.non2xx} non-2xx ${JSON.stringify(non2xxByStatus([w.load]))}, ${connectionErrors(w.load)} conn errors`;

/** Deploys r0 with every method, then r1, r2, ... in rounds (one of each method per round), then the CLI's overhead. */
export async function runBenchmark(methods: DeployMethod[], bg: BluegreenMethod, options: BenchOptions, log: Log) {
  for (const method of methods) {
    await method.setUp();
    await firstDeploy(method, options, log);
  }
  const windows: DeployWindow[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const method of methods) {
      assertNotAborted();
      const window = await measureDeploy(method, `r${round}`, round, options);
      log(describeWindow(window));
      if (window.failure) log(`  ${window.failure.replace(/\n/g, '\n  ')}`);
      windows.push(window);
      await sleep(1000);
    }
  }
  log('CLI overhead');
  let overhead: CliOverhead | undefined;
  try {
    overhead = await measureCliOverhead(bg, options.overheadRuns, options.scaleBy);
  } catch (error) {
    log(`CLI overhead not measured: ${String(error)}`);
  }
  return { windows, overhead };
}
