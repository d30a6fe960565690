// Swarm mode beside what a swarm team runs instead (issue 11): on the
// three-node lab (scripts/swarm-lab.sh), the sample app deployed over and
// over two ways, side by side, rounds alternating the order, under wrk load
// on every node's Traefik entrypoint:
//   bluegreen       `RELEASE=rN bluegreen deploy` (3 tasks, swarm mode)
//   rolling update  `RELEASE=rN docker stack deploy --detach=false` of the
//                   same app with Traefik's swarm labels, swarm's own
//                   start-first rolling update (parallelism 1), as the
//                   swarm provider's documentation sets it up
// Prints failed requests, latency and deploy time per method, and the ratio.
//   npm run bench:swarm [-- --rounds 3 --clients 4]
// Builds the lab before and removes it after, whatever happens.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './bench-env.js';
import { run, runTimed, sleep } from './exec.js';
import { histogramPercentile, median, mergeHistograms, round } from './stats.js';
import { formatTable } from './table.js';
import type { LoadResult } from './types.js';
import { startLoad } from './wrk-load.js';

const { values: flags } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, clients: { type: 'string', default: '4' } } });
const ROUNDS = Number(flags.rounds);
const CLIENTS_PER_NODE = Number(flags.clients);
const LAB = join(ROOT, 'scripts/swarm-lab.sh');
const SAMPLE_IMAGE = 'bluegreen-sample:latest';
const TRAEFIK_IMAGE = process.env.BG_TRAEFIK_IMAGE ?? 'traefik:v3.7';
/** The runs' state store and the rolling update's stack file: removed at the end. */
const work = mkdtempSync(join(tmpdir(), 'bg-bench-swarm-'));
const HOSTS = { bluegreen: 'bench-bg.swarm.localhost', rolling: 'bench-rolling.swarm.localhost' } as const;
type Method = keyof typeof HOSTS;

interface Measured {
  method: Method;
  load: LoadResult;
  deployMs: number;
  /** How long both releases answered: from the first answer of the new one to the last of the old one. */
  mixedMs: number;
}

/** Asks which release answers, every 50 ms through each node's entrypoint in turn, until stopped. */
function watchReleases(host: string, ports: number[]) {
  const seen: { at: number; release: string }[] = [];
  let stopped = false;
  const ask = (port: number) =>
    new Promise<string | undefined>((resolve) => {
      const request = get({ host: '127.0.0.1', port, path: '/', headers: { host }, timeout: 2000 }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        // Traefik's own answers (Bad Gateway, 404 page not found) are not JSON: no release.
        response.on('end', () => {
          try {
            resolve((JSON.parse(body) as { release?: string }).release);
          } catch {
            resolve(undefined);
          }
        });
      });
      request.on('error', () => resolve(undefined));
      request.on('timeout', () => request.destroy());
    });
  const polling = (async () => {
    for (let i = 0; !stopped; i++) {
      const release = await ask(ports[i % ports.length]!);
      if (release) seen.push({ at: Date.now(), release });
      await sleep(50);
    }
  })();
  return {
    async stop(newRelease: string): Promise<number> {
      stopped = true;
      await polling;
      const firstNew = seen.find((s) => s.release === newRelease)?.at;
      const lastOld = seen.filter((s) => s.release !== newRelease).at(-1)?.at;
      return firstNew !== undefined && lastOld !== undefined && lastOld > firstNew ? lastOld - firstNew : 0;
    },
  };
}

/** The swarm's own way: the sample with Traefik's swarm labels, replaced task by task, the new one first. */
const rollingStack = (host: string) => `services:
  app:
    image: ${SAMPLE_IMAGE}
    environment:
      RELEASE: \${RELEASE}
    healthcheck:
      test: ["CMD", "/sample", "healthcheck"]
      interval: 5s
      timeout: 2s
      retries: 2
      start_period: 30s
      start_interval: 250ms
    stop_grace_period: 30s
    networks: [webgateway]
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      update_config: { order: start-first, parallelism: 1, delay: 0s, failure_action: rollback }
      labels:
        traefik.enable: "true"
        traefik.swarm.network: traefik_webgateway
        traefik.http.routers.bench-rolling.rule: Host(\`${host}\`)
        traefik.http.routers.bench-rolling.entrypoints: web
        traefik.http.services.bench-rolling.loadbalancer.server.port: "8000"
networks:
  webgateway:
    external: true
    name: traefik_webgateway
`;

async function main(): Promise<void> {
  const started = Date.now();
  const up = await run({ cmd: 'bash', args: [LAB, 'up'] }, 300_000);
  const lab = Object.fromEntries([...up.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  for (const image of [SAMPLE_IMAGE, TRAEFIK_IMAGE]) await run({ cmd: 'bash', args: [LAB, 'push', image] }, 300_000);
  await run({ cmd: 'npm', args: ['run', 'build'], cwd: ROOT });
  const env = { ...process.env, ...lab, BG_STATE_DIR: join(work, 'state') };
  const bluegreen = (args: string[], release: string) =>
    runTimed(
      {
        cmd: process.execPath,
        args: [join(ROOT, 'dist/cli.cjs'), ...args, '-f', join(ROOT, 'compose/docker-compose.yml'), '-p', 'bench-bg', '--rule', `Host(\`${HOSTS.bluegreen}\`)`],
        env: { ...env, RELEASE: release },
      },
      300_000,
    );
  const stackFile = join(work, 'rolling.yml');
  writeFileSync(stackFile, rollingStack(HOSTS.rolling));
  const rolling = (release: string) => runTimed({ cmd: 'docker', args: ['stack', 'deploy', '--detach=false', '-c', stackFile, 'bench-rolling'], env: { ...env, RELEASE: release } }, 300_000);
  const deploys: Record<Method, (release: string) => ReturnType<typeof runTimed>> = {
    bluegreen: (release) => bluegreen(['deploy', '--scale', '3'], release),
    rolling,
  };
  const ports = lab.BG_LAB_ENTRYPOINTS!.split(',').map((url) => Number(new URL(url).port));

  const proxy = await runTimed({ cmd: process.execPath, args: [join(ROOT, 'dist/cli.cjs'), 'proxy', 'up'], env });
  if (proxy.code !== 0) throw new Error(`proxy up: ${proxy.stderr}`);
  // Release 0 of each, not measured: every measured deploy replaces a running release.
  for (const method of Object.keys(HOSTS) as Method[]) {
    const first = await deploys[method]('r0');
    if (first.code !== 0) throw new Error(`${method} r0: ${first.stderr}${first.stdout}`);
  }
  await sleep(3000);
  console.log(`lab, images, Traefik on 3 nodes and release r0 of both: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const measured: Measured[] = [];
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    const order: Method[] = round_ % 2 ? ['bluegreen', 'rolling'] : ['rolling', 'bluegreen'];
    for (const method of order) {
      const loads = ports.map((port) => startLoad({ host: HOSTS[method], clients: CLIENTS_PER_NODE, thinkMs: 10, maxSeconds: 240, port }));
      const releases = watchReleases(HOSTS[method], ports);
      await sleep(1000);
      const deploy = await deploys[method](`r${round_}`);
      // Requests still in flight to a stopping task, and Traefik's next poll: a tail after the command.
      await sleep(3000);
      const [results, mixedMs] = await Promise.all([Promise.all(loads.map((l) => l.stop())), releases.stop(`r${round_}`)]);
      if (deploy.code !== 0) throw new Error(`${method} r${round_} exited ${deploy.code}: ${deploy.stderr}${deploy.stdout}`);
      const load = mergeLoads(results);
      measured.push({ method, load, deployMs: deploy.ms, mixedMs });
      console.log(
        `round ${round_} ${method}: deploy ${(deploy.ms / 1000).toFixed(1)} s, ${load.responses + errorsOf(load)} requests, ${failedOf(load)} failed (${describeFailures(load)}), p99 ${ms(histogramPercentile(load.latency, 99))}, both releases answered for ${(mixedMs / 1000).toFixed(2)} s`,
      );
    }
  }
  report(measured);
}

/** wrk's histogram is in microseconds. */
const ms = (us: number | undefined) => (us === undefined ? '-' : `${(us / 1000).toFixed(1)} ms`);
const errorsOf = (load: LoadResult) => load.errors.connect + load.errors.read + load.errors.write + load.errors.timeout;
const failedOf = (load: LoadResult) => load.non2xx + errorsOf(load);
const describeFailures = (load: LoadResult) =>
  [
    ...Object.entries(load.statuses)
      .filter(([status]) => Number(status) >= 400)
      .map(([status, n]) => `${n}x${status}`),
    ...Object.entries(load.errors)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`),
  ].join(', ') || 'none';

function mergeLoads(results: LoadResult[]): LoadResult {
  const sum = (pick: (r: LoadResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [status, n] of Object.entries(r.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  return {
    responses: sum((r) => r.responses),
    non2xx: sum((r) => r.non2xx),
    errors: { connect: sum((r) => r.errors.connect), read: sum((r) => r.errors.read), write: sum((r) => r.errors.write), timeout: sum((r) => r.errors.timeout) },
    statuses,
    durationMs: Math.max(...results.map((r) => r.durationMs)),
    latency: mergeHistograms(results.map((r) => r.latency)),
    bucketMs: results[0]!.bucketMs,
    timeline: results[0]!.timeline,
  };
}

function report(measured: Measured[]): void {
  const rows = (Object.keys(HOSTS) as Method[]).map((method) => {
    const runs = measured.filter((m) => m.method === method);
    const latency = mergeHistograms(runs.map((m) => m.load.latency));
    const requests = runs.reduce((sum, m) => sum + m.load.responses + errorsOf(m.load), 0);
    const failed = runs.reduce((sum, m) => sum + failedOf(m.load), 0);
    const seconds = (values: number[]) => (median(values) ?? 0) / 1000;
    return {
      method,
      deploys: runs.length,
      requests,
      failed,
      p50: histogramPercentile(latency, 50),
      p99: histogramPercentile(latency, 99),
      deploySeconds: seconds(runs.map((m) => m.deployMs)),
      mixedSeconds: seconds(runs.map((m) => m.mixedMs)),
    };
  });
  console.log(
    '\n' +
      formatTable(
        ['method', 'deploys', 'requests', 'failed', 'failed per deploy', 'p50', 'p99', 'deploy s (median)', 'both releases answering s (median)'],
        rows.map((r) => [
          r.method,
          String(r.deploys),
          r.requests.toLocaleString('en'),
          r.failed.toLocaleString('en'),
          String(round(r.failed / r.deploys, 1)),
          ms(r.p50),
          ms(r.p99),
          String(round(r.deploySeconds, 1)),
          String(round(r.mixedSeconds, 2)),
        ]),
      ),
  );
  const [bg, rolling] = rows as [(typeof rows)[number], (typeof rows)[number]];
  console.log(
    `\nbluegreen against swarm's rolling update: deploy time x${round(bg.deploySeconds / rolling.deploySeconds, 2)}, failed requests ${bg.failed} against ${rolling.failed}, both releases answering ${round(bg.mixedSeconds, 2)} s against ${round(rolling.mixedSeconds, 2)} s`,
  );
}

try {
  await main();
} finally {
  await run({ cmd: 'bash', args: [LAB, 'down'], cleanup: true }, 300_000).catch((error: Error) => console.error(`swarm-lab.sh down: ${error.message}`));
  rmSync(work, { recursive: true, force: true });
}
