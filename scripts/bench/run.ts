// npm run bench (full) / npm run bench:smoke: zero-downtime and speed of
// `bluegreen deploy` against `docker compose up -d`, docker-rollout's method
// and the sleep-5s deploy.sh of the article 'How to do Zero Downtime
// Deployments of Docker Containers', each deploying the sample app behind the
// benchmark's own Traefik under a steady load, for the sample app and for the
// same app with a PID 1 that ignores SIGTERM. `npm run bench -- --deploys 20`
// is the soak: bluegreen deploys, each followed by a rollback. Prints a table
// that ends with a summary; writes the same as JSON, and a picture of every
// deploy window as SVG, under .cache/bench/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bench-env.js';
import { ensureNetwork, removeNetworkIfUnused, startTraefik, stopTraefik } from './bench-traefik.js';
import { runBenchmark, runSoak } from './benchmark.js';
import { ensureBuilt } from './bluegreen-cli.js';
import { abortChildren } from './exec.js';
import { Floor } from './floor.js';
import { removeLeftovers } from './leftovers.js';
import { machineFacts } from './machine-facts.js';
import { BluegreenMethod } from './methods/bluegreen.js';
import { DockerRolloutMethod } from './methods/docker-rollout.js';
import type { DeployMethod } from './methods/method.js';
import { PlainComposeMethod } from './methods/plain-compose.js';
import { SleepDeployMethod } from './methods/sleep-5s.js';
import { parseOptions } from './options.js';
import { benchmarkRows, soakRows, writePicture } from './picture-of-run.js';
import { buildReport, buildSoakReport } from './report.js';

const began = performance.now();
const log = (line: string) => console.error(`[bench +${((performance.now() - began) / 1000).toFixed(1)}s] ${line}`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  log(`${options.profile}: ${options.rounds} round(s), ${options.clients} clients, ${options.thinkMs} ms think time, START_DELAY=${options.startDelay}`);
  await ensureBuilt(log);
  const bg = new BluegreenMethod();
  const soak = options.soakDeploys > 0;
  const methods: DeployMethod[] = soak ? [bg] : [bg, new PlainComposeMethod(), new DockerRolloutMethod(), new SleepDeployMethod()];
  const floor = new Floor();
  let createdNetwork = false;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      log('cleaning up');
      for (const method of methods) await method.tearDown().catch((error) => log(`${method.id} teardown: ${String(error)}`));
      await floor.tearDown().catch((error) => log(`floor teardown: ${String(error)}`));
      await stopTraefik();
      const swept = await removeLeftovers().catch((error) => [`(sweep failed: ${String(error)})`]);
      if (swept.length) log(`removed leftovers: ${swept.join(', ')}`);
      if (createdNetwork) await removeNetworkIfUnused();
      log('cleaned up');
    })());
  const abort = (why: string, code: number) => {
    log(`${why}: stopping`);
    abortChildren();
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('SIGINT', 130));
  process.once('SIGTERM', () => abort('SIGTERM', 143));
  setTimeout(() => abort(`over the ${options.deadlineMs / 60_000} min limit`, 1), options.deadlineMs).unref();

  let report: { table: string; summary: string };
  let picture: string;
  try {
    createdNetwork = await ensureNetwork();
    const stale = await removeLeftovers();
    if (stale.length) log(`removed what an earlier run left: ${stale.join(', ')}`);
    await startTraefik();
    log('bench Traefik up');
    const machine = await machineFacts();
    const load = `${options.clients} keep-alive clients, ${options.thinkMs} ms think time; ${machine.nproc} cores, Traefik ${machine.traefik}, ${machine.date.slice(0, 10)}`;
    if (soak) {
      const windows = await runSoak(bg, options, log);
      report = buildSoakReport({ options, windows, machine, startedAt, finishedAt: new Date() });
      picture = writePicture(
        'soak',
        startedAt,
        `bluegreen soak: ${options.soakDeploys} deploys, each followed by a rollback`,
        `answered and failed requests per second around each command\n${load}`,
        soakRows(windows),
      );
    } else {
      const { windows, floors, overhead } = await runBenchmark(methods, bg, floor, options, log);
      report = buildReport({ options, methods: methods.map((m) => m.id), windows, floors, overhead, machine, startedAt, finishedAt: new Date() });
      picture = writePicture(
        options.profile,
        startedAt,
        `Deploys under load: ${methods.length} methods, ${options.rounds} rounds`,
        `answered and failed requests per second around each deploy (t = 0: the command starts)\n${load}`,
        benchmarkRows(windows),
      );
    }
  } finally {
    await cleanup();
  }
  const dir = join(ROOT, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${options.profile}-latest.json`);
  writeFileSync(file, `${JSON.stringify({ ...report, picture }, null, 2)}\n`);
  log(`JSON: ${file}; picture: ${picture}`);
  console.log(`\n${report.table}\n\n${report.summary}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
