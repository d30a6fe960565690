// npm run bench:exclusions: the limits of leaving a team's routers alone
// (src/plan/shadowing.ts). With N routers of another service on the app's
// host, each a narrower path that Traefik prefers over the app's own rule,
// every colour's rule excludes all N. Measured for each N behind the
// benchmark's Traefik: the colour rule's length, how long a deploy takes and
// Traefik takes to show the live router, and the latency of requests that
// the app answers (wrk, 8 clients, 5 s) against N = 0.
import { BENCH_TRAEFIK_API, BENCH_TRAEFIK_URL, NETWORK } from './bench-env.js';
import { ensureNetwork, removeNetworkIfUnused, startTraefik, stopTraefik } from './bench-traefik.js';
import { BLUEGREEN_CLI, ensureBuilt } from './bluegreen-cli.js';
import { lastLines, run, runTimed, sleep } from './exec.js';
import { WorkDir } from './methods/method.js';
import { histogramPercentile } from './stats.js';
import { startLoad } from './wrk-load.js';
import { stringify } from 'yaml';

const SAMPLE_IMAGE = process.env.BG_SAMPLE_IMAGE ?? 'bluegreen-sample:latest';
const COUNTS = [0, 10, 50, 200];
const APP = 'bench-ex';
const HOST = `${APP}.localhost`;
const TEAM = 'bench-ex-team';
const log = (line: string) => console.error(`[exclusions] ${line}`);

const dir = new WorkDir(APP);
dir.write(
  'docker-compose.yml',
  stringify({
    services: {
      app: {
        image: SAMPLE_IMAGE,
        environment: { RELEASE: '${RELEASE:-r0}' },
        expose: ['8000'],
        healthcheck: { test: ['CMD', '/sample', 'healthcheck'], interval: '5s', timeout: '2s', retries: 2, start_period: '30s', start_interval: '250ms' },
      },
    },
  }),
);

const bluegreen = (args: string[], release = 'r0') => ({
  cmd: process.execPath,
  args: [BLUEGREEN_CLI, ...args],
  cwd: dir.path,
  env: { ...process.env, RELEASE: release, BG_PROJECT: APP, BG_RULE: `Host(\`${HOST}\`)`, BG_TRAEFIK_API: BENCH_TRAEFIK_API, BG_TRAEFIK_URL: BENCH_TRAEFIK_URL, BG_DRAIN: '1s' },
});

/** One container of "another service" defining N routers on the app's host, one path each. */
async function runTeamRouters(count: number): Promise<void> {
  await runTimed({ cmd: 'docker', args: ['rm', '-f', TEAM], cleanup: true });
  if (count === 0) return;
  const labels = ['traefik.enable=true', `traefik.docker.network=${NETWORK}`, `traefik.http.services.${TEAM}.loadbalancer.server.port=8000`, 'io.bluegreen.managed=true', 'io.bluegreen.bench=1'];
  for (let i = 0; i < count; i++) {
    labels.push(`traefik.http.routers.${TEAM}-${i}.rule=Host(\`${HOST}\`) && PathPrefix(\`/team-${i}\`)`, `traefik.http.routers.${TEAM}-${i}.service=${TEAM}`);
  }
  await run({ cmd: 'docker', args: ['run', '-d', '--name', TEAM, '--network', NETWORK, '-e', 'RELEASE=team', ...labels.flatMap((l) => ['--label', l]), SAMPLE_IMAGE] });
  for (let i = 0; i < 100; i++) {
    const routers = await fetch(`${BENCH_TRAEFIK_API}/api/http/routers?per_page=1000`).then((r) => r.json() as Promise<{ name: string }[]>);
    if (routers.filter((r) => r.name.startsWith(`${TEAM}-`)).length === count) return;
    await sleep(100);
  }
  throw new Error(`Traefik did not list the ${count} team routers`);
}

async function measure(count: number, round: number) {
  await runTeamRouters(count);
  const deploy = await runTimed(bluegreen(['deploy', '--json'], `n${count}-${round}`), 180_000);
  if (deploy.code !== 0) throw new Error(`deploy with ${count} team routers: ${lastLines(deploy)}`);
  const events = deploy.stdout.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
  const traefikSteps = events.filter((e) => e.event === 'step' && e.step === 'traefik' && e.state === 'done');
  const live = await fetch(`${BENCH_TRAEFIK_API}/api/http/routers`).then((r) => r.json() as Promise<{ name: string; rule: string }[]>);
  const rule = live.find((r) => /^bench-ex-(blue|green)-live@docker$/.test(r.name) && r.rule.includes(String(count ? `/team-${count - 1}` : HOST)))?.rule ?? '';
  const load = startLoad({ host: HOST, clients: 8, thinkMs: 0, maxSeconds: 5 });
  await sleep(5000);
  const result = await load.stop();
  return {
    count,
    ruleLength: rule.length,
    deployS: deploy.ms / 1000,
    liveRouterMs: traefikSteps.at(-1)?.elapsed_ms as number,
    rps: result.responses / (result.durationMs / 1000),
    p50: histogramPercentile(result.latency, 50)! / 1000,
    p99: histogramPercentile(result.latency, 99)! / 1000,
    failed: result.non2xx + Object.values(result.errors).reduce((a, b) => a + b, 0),
  };
}

async function main(): Promise<void> {
  await ensureBuilt(log);
  const created = await ensureNetwork();
  try {
    await startTraefik();
    const first = await runTimed(bluegreen(['deploy']), 180_000);
    if (first.code !== 0) throw new Error(`first deploy: ${lastLines(first)}`);
    const rows = [];
    for (const count of COUNTS) {
      rows.push(await measure(count, 1));
      log(JSON.stringify(rows.at(-1)));
    }
    console.log('team routers excluded  colour rule chars  deploy s  Traefik shows live router ms  req/s   p50 ms  p99 ms  failed');
    for (const r of rows) {
      console.log(
        `${String(r.count).padStart(21)}  ${String(r.ruleLength).padStart(17)}  ${r.deployS.toFixed(2).padStart(8)}  ${String(r.liveRouterMs).padStart(28)}  ${r.rps.toFixed(0).padStart(5)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}  ${String(r.failed).padStart(6)}`,
      );
    }
  } finally {
    await runTimed({ ...bluegreen(['down', '--volumes']), cleanup: true });
    await runTimed({ cmd: 'docker', args: ['rm', '-f', TEAM], cleanup: true });
    dir.remove();
    await stopTraefik();
    if (created) await removeNetworkIfUnused();
  }
}

main().catch((error) => {
  console.error(`exclusions: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
