// npm run bench:first-answer: how long after `bluegreen deploy` starts the
// new release first answers through Traefik, against a floor: one container
// of the same app up and healthy with `docker compose up --wait` (no Traefik).
// Two app profiles: the sample that drains on SIGTERM, and the same app with
// PID 1 ignoring SIGTERM (as a shell-form CMD does). Both behind the
// benchmark's Traefik (200 ms provider throttle), each measured --rounds
// times in alternation; prints medians and ratios. Then the switch alone:
// `up`, then `switch` from its start to 5 answers in a row from the new
// release (the verified containers go live: no container of the app starts).
//   npm run bench:first-answer -- --rounds 5
import { stringify } from 'yaml';
import { BENCH_TRAEFIK_API, BENCH_TRAEFIK_URL } from './bench-env.js';
import { ensureNetwork, removeNetworkIfUnused, startTraefik, stopTraefik } from './bench-traefik.js';
import { BLUEGREEN_CLI, ensureBuilt } from './bluegreen-cli.js';
import { lastLines, runTimed } from './exec.js';
import { WorkDir } from './methods/method.js';
import { probeRelease } from './release-probe.js';
import { median } from './stats.js';

const SAMPLE_IMAGE = process.env.BG_SAMPLE_IMAGE ?? 'bluegreen-sample:latest';
const rounds = Number(/--rounds[= ](\d+)/.exec(process.argv.slice(2).join(' '))?.[1] ?? 5);
const log = (line: string) => console.error(`[first-answer] ${line}`);

/** The sample app alone (no side target), as a team's compose file would have it. */
function compose(ignoreSigterm: boolean) {
  return {
    services: {
      app: {
        image: SAMPLE_IMAGE,
        environment: { RELEASE: '${RELEASE:-r0}', IGNORE_SIGTERM: ignoreSigterm ? '1' : '0' },
        expose: ['8000'],
        labels: { 'io.bluegreen.managed': 'true', 'io.bluegreen.bench': '1' },
        healthcheck: { test: ['CMD', '/sample', 'healthcheck'], interval: '5s', timeout: '2s', retries: 2, start_period: '30s', start_interval: '250ms' },
        stop_grace_period: '10s',
      },
    },
  };
}

interface Profile {
  name: string;
  dir: WorkDir;
  app: string;
  host: string;
}

function profile(name: string, ignoreSigterm: boolean): Profile {
  const app = `bench-fa-${ignoreSigterm ? 'deaf' : 'drain'}`;
  const dir = new WorkDir(app);
  dir.write('docker-compose.yml', stringify(compose(ignoreSigterm)));
  return { name, dir, app, host: `${app}.localhost` };
}

const bluegreen = (p: Profile, args: string[], release: string) => ({
  cmd: process.execPath,
  args: [BLUEGREEN_CLI, ...args],
  cwd: p.dir.path,
  env: { ...process.env, RELEASE: release, BG_PROJECT: p.app, BG_RULE: `Host(\`${p.host}\`)`, BG_TRAEFIK_API: BENCH_TRAEFIK_API, BG_TRAEFIK_URL: BENCH_TRAEFIK_URL },
});

/** One container up and healthy from nothing, the way compose users wait for it. */
async function floor(p: Profile, round: number): Promise<number> {
  const project = `${p.app}-floor`;
  const env = { ...process.env, RELEASE: `f${round}` };
  const up = await runTimed({ cmd: 'docker', args: ['compose', '-p', project, 'up', '-d', '--wait'], cwd: p.dir.path, env });
  await runTimed({ cmd: 'docker', args: ['compose', '-p', project, 'down', '-t', '0'], cwd: p.dir.path, env, cleanup: true });
  if (up.code !== 0) throw new Error(`floor of ${p.name}: ${lastLines(up)}`);
  return up.ms;
}

/** A deploy of a new release: when it first answered through Traefik, and when the command returned. */
async function deploy(p: Profile, release: string): Promise<{ firstMs: number; returnMs: number }> {
  const probe = probeRelease(p.host, release);
  const run = await runTimed(bluegreen(p, ['deploy'], release), 180_000);
  const seen = await Promise.race([probe.seen, new Promise<undefined>((resolve) => setTimeout(resolve, 5000))]);
  probe.stop();
  if (run.code !== 0 || seen === undefined) throw new Error(`deploy ${release} of ${p.name}: exit ${run.code}, first answer ${seen}: ${lastLines(run)}`);
  return { firstMs: seen - run.startedAt, returnMs: run.ms };
}

/** `up` of a release, then its `switch`: from the switch's start to 5 answers in a row from it, and when the command returned. */
async function switchAlone(p: Profile, release: string): Promise<{ liveMs: number; returnMs: number }> {
  const up = await runTimed(bluegreen(p, ['up'], release), 180_000);
  if (up.code !== 0) throw new Error(`up ${release} of ${p.name}: ${lastLines(up)}`);
  const probe = probeRelease(p.host, release, 20, 5);
  const run = await runTimed(bluegreen(p, ['switch'], release), 180_000);
  const seen = await Promise.race([probe.seen, new Promise<undefined>((resolve) => setTimeout(resolve, 5000))]);
  probe.stop();
  if (run.code !== 0 || seen === undefined) throw new Error(`switch to ${release} of ${p.name}: exit ${run.code}, 5 answers ${seen}: ${lastLines(run)}`);
  const stop = await runTimed(bluegreen(p, ['stop-old'], release), 180_000);
  if (stop.code !== 0) throw new Error(`stop-old after ${release} of ${p.name}: ${lastLines(stop)}`);
  return { liveMs: seen - run.startedAt, returnMs: run.ms };
}

async function main(): Promise<void> {
  await ensureBuilt(log);
  const created = await ensureNetwork();
  const profiles = [profile('drains on SIGTERM', false), profile('PID 1 ignores SIGTERM', true)];
  try {
    await startTraefik();
    const figures = new Map(profiles.map((p) => [p.name, { floor: [] as number[], first: [] as number[], ret: [] as number[], live: [] as number[], switchRet: [] as number[] }]));
    for (const p of profiles) {
      const first = await runTimed(bluegreen(p, ['deploy'], 'r0'), 180_000);
      if (first.code !== 0) throw new Error(`first deploy of ${p.name}: ${lastLines(first)}`);
    }
    for (let round = 1; round <= rounds; round++) {
      for (const p of profiles) {
        const f = figures.get(p.name)!;
        f.floor.push(await floor(p, round));
        const d = await deploy(p, `r${round}`);
        f.first.push(d.firstMs);
        f.ret.push(d.returnMs);
        const sw = await switchAlone(p, `r${round}s`);
        f.live.push(sw.liveMs);
        f.switchRet.push(sw.returnMs);
        log(
          `round ${round} ${p.name}: floor ${(f.floor.at(-1)! / 1000).toFixed(2)} s, first answer ${(d.firstMs / 1000).toFixed(2)} s, return ${(d.returnMs / 1000).toFixed(2)} s; switch: 5 answers ${(sw.liveMs / 1000).toFixed(2)} s, return ${(sw.returnMs / 1000).toFixed(2)} s`,
        );
      }
    }
    const s = (ms: number[]) => (median(ms)! / 1000).toFixed(2);
    console.log(`profile                  compose up --wait (floor) s  deploy -> first answer s  ratio  deploy returns s   (median of ${rounds})`);
    for (const [name, f] of figures) {
      console.log(`${name.padEnd(24)} ${s(f.floor).padStart(27)}  ${s(f.first).padStart(24)}  x${(median(f.first)! / median(f.floor)!).toFixed(2)}  ${s(f.ret).padStart(16)}`);
    }
    console.log(`profile                  switch -> 5 answers from the new release s  switch returns s   (median of ${rounds})`);
    for (const [name, f] of figures) console.log(`${name.padEnd(24)} ${s(f.live).padStart(42)}  ${s(f.switchRet).padStart(16)}`);
  } finally {
    for (const p of profiles) {
      await runTimed({ ...bluegreen(p, ['down', '--volumes'], 'r0'), cleanup: true });
      p.dir.remove();
    }
    await stopTraefik();
    if (created) await removeNetworkIfUnused();
  }
}

main().catch((error) => {
  console.error(`first-answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
