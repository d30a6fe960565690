// npm run bench (full) / npm run bench:smoke: zero-downtime and speed of
// `bluegreen deploy` against `docker compose up -d` and the sleep-5s deploy.sh of the article 'How to do Zero Downtime Deployments of Docker Containers',
// each deploying the sample app behind the benchmark's own Traefik under a
// steady load. Prints a table that ends with a summary line; writes the same
// as JSON to .cache/bench/<profile>-latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bench-env.js';
import { ensureNetwork, removeNetworkIfUnused, startTraefik, stopTraefik } from './bench-traefik.js';
import { runBenchmark } from './benchmark.js';
import { ensureBuilt } from './bluegreen-cli.js';
import { abortChildren } from './exec.js';
import { removeLeftovers } from './leftovers.js';
import { machineFacts } from './machine-facts.js';
import { BluegreenMethod } from './methods/bluegreen.js';
import type { DeployMethod } from './methods/method.js';
import { PlainComposeMethod } from './methods/plain-compose.js';
import { SleepDeployMethod } from './methods/sleep-5s.js';
import { parseOptions } from './options.js';
import { buildReport } from './report.js';

const began = performance.now();
const log = (line: string) => console.error(`[bench +${((performance.now() - began) / 1000).toFixed(1)}s] ${line}`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  log(`${options.profile}: ${options.rounds} round(s), ${options.clients} clients, ${options.thinkMs} ms think time, START_DELAY=${options.startDelay}`);
  await ensureBuilt(log);
  const bg = new BluegreenMethod();
  const methods: DeployMethod[] = [bg, new PlainComposeMethod(), new SleepDeployMethod()];
  let createdNetwork = false;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      log('cleaning up');
      for (const method of methods) await method.tearDown().catch((error) => log(`${method.id} teardown: ${String(error)}`));
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

  let report: ReturnType<typeof buildReport>;
  try {
    createdNetwork = await ensureNetwork();
    const stale = await removeLeftovers();
    if (stale.length) log(`removed what an earlier run left: ${stale.join(', ')}`);
    await startTraefik();
    log('bench Traefik up');
    const machine = await machineFacts();
    const { windows, overhead } = await runBenchmark(methods, bg, options, log);
    report = buildReport({ options, methods: methods.map((m) => m.id), windows, overhead, machine, startedAt, finishedAt: new Date() });
  } finally {
    await cleanup();
  }
  const dir = join(ROOT, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${options.profile}-latest.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`JSON: ${file}`);
  console.log(`\n${report.table}\n\n${report.summary}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
