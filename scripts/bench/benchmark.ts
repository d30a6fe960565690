import { measureCliOverhead } from './cli-overhead.js';
import { measureDeploy, measureShipment } from './deploy-window.js';
import { assertNotAborted, lastLines, runTimed, sleep, within } from './exec.js';
import type { Floor } from './floor.js';
import type { BluegreenMethod } from './methods/bluegreen.js';
import type { DeployMethod } from './methods/method.js';
import { appEnv, type BenchOptions } from './options.js';
import { probeRelease } from './release-probe.js';
import { connectionErrors, non2xxByStatus } from './summarize.js';
import type { AppProfile, CliOverhead, DeployWindow } from './types.js';
import { startLoad } from './wrk-load.js';

type Log = (line: string) => void;

/** A deploy that is not measured (the first release, or the first of a profile): every measured deploy replaces a running release of the same profile. */
async function unmeasuredDeploy(method: DeployMethod, release: string, env: Record<string, string>, options: BenchOptions, log: Log): Promise<void> {
  const probe = probeRelease(method.host, release);
  const result = await runTimed(method.deploy(release, env), options.commandTimeoutMs);
  const seen = await within(probe.seen, options.settleMs);
  probe.stop();
  if (result.code !== 0 || seen === undefined) {
    throw new Error(`${method.id}: the deploy of ${release} (not measured) ${result.code !== 0 ? `exited ${result.code}` : 'never answered'}:\n${lastLines(result, 15)}`);
  }
  log(`${method.id}: ${release} deployed in ${(result.ms / 1000).toFixed(2)}s (not measured)`);
}

const describeWindow = (w: DeployWindow) =>
  `${w.profile} round ${w.round} ${w.method} ${w.release}: exit ${w.exitCode}, return ${(w.returnMs / 1000).toFixed(2)}s, ` +
  `first new ${w.firstNewMs === undefined ? 'never' : `${(w.firstNewMs / 1000).toFixed(2)}s`}, ` +
  `${w.load.responses + connectionErrors(w.load)} requests, ${w.load.non2xx} non-2xx ${JSON.stringify(non2xxByStatus([w.load]))}, ${connectionErrors(w.load)} conn errors`;

/** Runs `measure` while the deploys' load runs (against `host`): the floor is measured on a machine as busy as the deploys'. */
async function underLoad<T>(host: string, options: BenchOptions, measure: () => Promise<T>): Promise<T> {
  const load = startLoad({ host, clients: options.clients, thinkMs: options.thinkMs, maxSeconds: 300 });
  try {
    await sleep(options.leadMs);
    return await measure();
  } finally {
    await load.stop().catch(() => undefined);
  }
}

/** One floor measurement per round and profile: [profile, ms]. */
export type FloorRun = { profile: AppProfile; round: number; ms: number };

/**
 * For each app profile: every method deploys that profile's first release
 * (not measured), then rounds of one deploy per method, each round also
 * measuring the floor; then the CLI's overhead.
 */
export async function runBenchmark(methods: DeployMethod[], bg: BluegreenMethod, floor: Floor, options: BenchOptions, log: Log) {
  for (const method of methods) await method.setUp();
  await floor.setUp();
  const windows: DeployWindow[] = [];
  const floors: FloorRun[] = [];
  for (const profile of options.appProfiles) {
    const env = appEnv(options, profile);
    for (const method of methods) await unmeasuredDeploy(method, `${profile}-r0`, env, options, log);
    for (let round = 1; round <= options.rounds; round++) {
      floors.push({ profile, round, ms: await underLoad(bg.host, options, () => floor.measure(`${profile}-f${round}`, env)) });
      log(`${profile} round ${round} floor (one container up --wait, under the same load): ${(floors.at(-1)!.ms / 1000).toFixed(2)}s`);
      for (const method of methods) {
        assertNotAborted();
        const window = await measureDeploy(method, `${profile}-r${round}`, round, profile, env, options);
        log(describeWindow(window));
        if (window.failure) log(`  ${window.failure.replace(/\n/g, '\n  ')}`);
        windows.push(window);
        await sleep(1000);
      }
    }
  }
  log('CLI overhead');
  let overhead: CliOverhead | undefined;
  try {
    overhead = await measureCliOverhead(bg, options.overheadRuns, options.scaleBy);
  } catch (error) {
    log(`CLI overhead not measured: ${String(error)}`);
  }
  return { windows, floors, overhead };
}

/**
 * The soak: `soakDeploys` bluegreen deploys, each followed by a rollback
 * (which brings back the release before it), each command under its own
 * window of load.
 */
export async function runSoak(bg: BluegreenMethod, options: BenchOptions, log: Log): Promise<DeployWindow[]> {
  await bg.setUp();
  const profile = options.appProfiles[0]!;
  const env = appEnv(options, profile);
  await unmeasuredDeploy(bg, 'r0', env, options, log);
  const windows: DeployWindow[] = [];
  for (let round = 1; round <= options.soakDeploys; round++) {
    for (const step of ['deploy', 'rollback'] as const) {
      assertNotAborted();
      const release = step === 'deploy' ? `r${round}` : 'r0';
      const command = step === 'deploy' ? bg.deploy(release, env) : bg.cli(['rollback', '--json'], env);
      const window = await measureShipment({ method: 'bluegreen', host: bg.host, profile, round, release, command }, options);
      log(`soak ${step} ${round}/${options.soakDeploys}: ${describeWindow(window)}`);
      if (window.failure) log(`  ${window.failure.replace(/\n/g, '\n  ')}`);
      windows.push({ ...window, step });
      await sleep(500);
    }
  }
  return windows;
}
