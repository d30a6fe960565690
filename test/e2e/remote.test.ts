// Deploying from CI to another host (issue 26), the way teams run it: two
// fresh runners (users of their own, empty homes, only a copy of the lab's
// ssh key, config and known_hosts) reach a remote Docker host
// (scripts/remote-lab.sh: its own dockerd and sshd in network namespaces of
// its own) with nothing but DOCKER_HOST=ssh://... or a docker context. The
// Traefik API and entrypoint checks go to that host's loopback through the
// same ssh connection, and the app's state lives on that host's engine, so
// that runner B sees what runner A did and shares its lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { parse, stringify } from 'yaml';
import { assertServedThrough, describeLoad, Load } from '../support/load.js';
import { Runner, showRun, type RunnerRun } from '../support/runner.js';
import { ensureTestTraefik } from '../support/traefik.js';
import { TestApp } from '../support/cli.js';
import { liveContainers } from '../support/containers.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAB = `${ROOT}/scripts/remote-lab.sh`;
const APP = 'bgt-remote';
/** The lab's sshd on loopback (scripts/remote-lab.sh's default). */
const SSH_PORT = process.env.BG_REMOTE_SSH_PORT ?? '18722';
const HOST = `${APP}.test`;
const lab: Record<string, string> = {};
let labEngine: Docker;
let runnerA: Runner;
let runnerB: Runner;
let empty: Runner;
/** The lab's config and known_hosts, but a key the host does not know. */
let stranger: Runner;

/** The app's checkout, as a runner has it: the sample's compose file and bluegreen.yml, nothing of this machine's. */
const checkout = {
  // As a production host runs it: an engine restart brings the app back (the last test restarts the lab's engine).
  'docker-compose.yml': stringify(restartedWithTheEngine(parse(readFileSync(`${ROOT}/compose/docker-compose.yml`, 'utf8')))),
  'bluegreen.yml': `project: ${APP}\ntarget: app\nside_targets: [store]\nrule: Host(\`${HOST}\`)\ndrain: 3s\ntimeout: 60s\n`,
};
function restartedWithTheEngine(compose: { services: Record<string, Record<string, unknown>> }) {
  for (const service of Object.values(compose.services)) service.restart = 'unless-stopped';
  return compose;
}

/** What a pipeline sets: the engine, and nothing about Traefik (its API is on the host's loopback, as `proxy up` puts it). */
const viaSsh = () => ({ DOCKER_HOST: lab.DOCKER_HOST! });

before(async () => {
  const { stdout } = await run('bash', [LAB, 'up'], { maxBuffer: 1 << 20 });
  for (const [, name, value] of stdout.matchAll(/^export (\w+)=(.*)$/gm)) lab[name!] = value!;
  labEngine = new Docker({ socketPath: lab.BG_LAB_DOCKER_SOCKET });
  runnerA = await Runner.create('bgt-runner-a', checkout);
  runnerB = await Runner.create('bgt-runner-b', checkout);
  empty = await Runner.create('bgt-runner-empty', checkout);
  stranger = await Runner.create('bgt-runner-stranger', checkout);
  await stranger.sshFrom(lab.BG_LAB_SSH_DIR!);
  const key = `${stranger.home}/.ssh/id_bg_remote_lab`;
  await run('rm', ['-f', key, `${key}.pub`]);
  await run('runuser', ['-u', stranger.user, '--', 'ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', key]);
  await runnerA.sshFrom(lab.BG_LAB_SSH_DIR!);
  await runnerB.sshFrom(lab.BG_LAB_SSH_DIR!);
  const proxy = await runnerA.cli(['proxy', 'up'], viaSsh());
  assert.equal(proxy.code, 0, showRun(proxy));
  assert.match(proxy.stdout, /on the host of ssh:\/\/bg-remote-lab/);
});

after(async () => {
  for (const runner of [runnerA, runnerB, empty, stranger]) await runner?.remove();
  await run('bash', [LAB, 'down']).catch(() => undefined);
});

/** Load through the lab's entrypoint (forwarded to loopback), for the figures only: bluegreen itself never uses it. */
const loadOnLab = () => new Load(HOST, { clients: 4, baseUrl: lab.BG_LAB_ENTRYPOINT }).start();
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

async function underLoad(what: string, operation: () => Promise<RunnerRun>, options: { firstRoute?: boolean } = {}) {
  const load = loadOnLab();
  await settle();
  const done = await operation();
  await settle();
  const report = await load.stop();
  assert.equal(done.code, 0, showRun(done));
  const switchedAt = Date.parse(done.result?.switched_at ?? '');
  // Before an app's very first route, Traefik answers 404: no one was served by it yet.
  const allowed = options.firstRoute ? (s: { status: number; startedAt: number }) => s.status === 404 && s.startedAt < switchedAt : undefined;
  const during = assertServedThrough(report, done, { min: 50, allowed, what });
  console.log(`${what}: ${((done.endedAt - done.startedAt) / 1000).toFixed(1)} s, ${describeLoad(during)} while it ran, ${report.sent} in all, 0 failed`);
  return { done, report };
}

/** What the lab's entrypoint answers now (fetch cannot set Host: node's http can). */
const releaseOnLab = () =>
  new Promise<{ release: string }>((resolve, reject) => {
    const { port } = new URL(lab.BG_LAB_ENTRYPOINT!);
    http
      .get({ host: '127.0.0.1', port, path: '/', headers: { host: HOST } }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch {
            reject(new Error(`the lab's entrypoint answered ${response.statusCode}: ${body}`));
          }
        });
      })
      .on('error', reject);
  });

test('runner A deploys twice over ssh under load (state, lock and Traefik on the remote host), runner B sees its history and rolls back', async () => {
  await underLoad('deploy v1 from runner A', () => runnerA.cli(['deploy', '--json'], { ...viaSsh(), RELEASE: 'v1' }), { firstRoute: true });
  await underLoad('deploy v2 from runner A', () => runnerA.cli(['deploy', '--json'], { ...viaSsh(), RELEASE: 'v2' }));
  assert.equal((await releaseOnLab()).release, 'v2');

  // Runner B has never run anything: what it knows is on the host.
  const history = await runnerB.cli(['history', '--json'], viaSsh());
  assert.equal(history.code, 0, showRun(history));
  const entries = history.result?.entries as { operation: string; outcome: string; release: number; by: string }[];
  assert.deepEqual(
    entries.map((e) => [e.operation, e.outcome, e.release]),
    [
      ['deploy', 'ok', 1],
      ['deploy', 'ok', 2],
    ],
  );
  assert.ok(
    entries.every((e) => e.by.startsWith('bgt-runner-a@')),
    JSON.stringify(entries),
  );
  const status = await runnerB.cli(['status', '--json'], viaSsh());
  assert.equal(status.result?.engine, 'ssh://bg-remote-lab');
  assert.match(status.result?.store, /^volume bluegreen-state on the engine ssh:\/\/bg-remote-lab/);

  await underLoad('rollback from runner B', () => runnerB.cli(['rollback', '--json'], viaSsh()));
  assert.equal((await releaseOnLab()).release, 'v1', 'release 1, from its frozen file kept on the host');
});

test('the lock is on the host: while runner A deploys, runner B is refused with exit 3 naming A', async () => {
  let lockSeen!: () => void;
  const locked = new Promise<void>((resolve) => (lockSeen = resolve));
  const deploying = runnerA.cli(['deploy'], { ...viaSsh(), RELEASE: 'v3' }, (line) => {
    if (/start 1 container with the preview route/.test(line)) lockSeen();
  });
  await locked;
  const refused = await runnerB.cli(['up'], viaSsh());
  assert.equal(refused.code, 3, showRun(refused));
  assert.match(refused.stderr, /locked by bgt-runner-a@/);
  assert.match(refused.stderr, /container bluegreen-lock-bgt-remote on ssh:\/\/bg-remote-lab/);
  const done = await deploying;
  assert.equal(done.code, 0, showRun(done));
  assert.equal((await labEngine.listContainers({ all: true, filters: { name: ['bluegreen-lock-'] } })).length, 0, 'the lock container is gone with the deploy');
});

test('a docker context pointing at the host: every command acts there, not on the local engine that runs the app under the same name', async () => {
  // The same app on this machine's engine: a candidate of its own.
  const local = new TestApp(APP);
  try {
    await ensureTestTraefik();
    const up = await local.run(['up']);
    assert.equal(up.code, 0, up.stderr);
    const localBefore = (await new Docker().listContainers({ all: true, filters: { label: [`io.bluegreen.app=${APP}`] } })).map((c) => c.Id).sort();

    for (const args of [
      ['context', 'create', 'lab', '--docker', 'host=ssh://bg-remote-lab'],
      ['context', 'use', 'lab'],
    ]) {
      const made = await runnerB.docker(args);
      assert.equal(made.code, 0, showRun(made));
    }
    const status = await runnerB.cli(['status', '--json']);
    assert.equal(status.code, 0, showRun(status));
    assert.equal(status.result?.engine, 'ssh://bg-remote-lab (context lab)');
    assert.equal(status.result?.live, (await liveContainers(APP, labEngine))[0]?.Labels['io.bluegreen.colour']);
    await underLoad('deploy v4 through the current context', () => runnerB.cli(['deploy', '--json'], { RELEASE: 'v4' }));
    assert.equal((await releaseOnLab()).release, 'v4');

    const localAfter = (await new Docker().listContainers({ all: true, filters: { label: [`io.bluegreen.app=${APP}`] } })).map((c) => c.Id).sort();
    assert.deepEqual(localAfter, localBefore, 'nothing changed on the local engine');
  } finally {
    await local.destroy();
  }
});

test('bad input is one line and an exit code: an unknown host key (exit 4), a host that is not there (4), a key the host refuses (4), a context that does not exist (2)', async () => {
  const cases: [Runner, Record<string, string>, number, RegExp][] = [
    // No ~/.ssh at all: the address written out, and a host key never seen.
    [empty, { DOCKER_HOST: `ssh://root@127.0.0.1:${SSH_PORT}` }, 4, new RegExp(`the host key of \\[127\\.0\\.0\\.1\\]:${SSH_PORT} is not in known_hosts`)],
    [empty, viaSsh(), 4, /the host name bg-remote-lab does not resolve/],
    [stranger, viaSsh(), 4, /root@127\.0\.0\.1 refused every key ssh offered \(publickey\)/],
    [runnerA, { DOCKER_HOST: 'ssh://root@127.0.0.1:1' }, 4, /refused the connection/],
    [runnerA, { DOCKER_CONTEXT: 'nowhere' }, 2, /docker context "nowhere" \(DOCKER_CONTEXT\) does not exist/],
  ];
  for (const [runner, env, code, message] of cases) {
    const status = await runner.cli(['status'], env);
    assert.equal(status.code, code, showRun(status));
    assert.match(status.stderr, message);
    assert.match(status.stderr, /^error: [^\n]+\nhint: [^\n]+\n$/, `one line and a hint, no stack trace:\n${status.stderr}`);
  }
});

test('the host goes away mid-deploy: exit 4 in one line, live traffic untouched; once it is back the next command goes on', async () => {
  const live = (await releaseOnLab()).release;
  const load = loadOnLab();
  let cut!: () => void;
  const cutNow = new Promise<void>((resolve) => (cut = resolve));
  const deploying = runnerA.cli(['deploy'], { ...viaSsh(), RELEASE: 'v5' }, (line) => {
    if (/wait until healthy \(\w+, release/.test(line)) cut();
  });
  await cutNow;
  // sshd and every session it serves, by the pids the lab recorded: the engine's host is unreachable.
  const sshd = readFileSync('/var/lib/bluegreen-remote-lab/sshd.pid', 'utf8').trim();
  const sessions = (await run('pgrep', ['-P', sshd]).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean);
  await run('kill', [sshd, ...sessions]);
  const cutAt = Date.now();
  const failed = await deploying;
  console.log(`the cut deploy exited ${failed.code} ${((failed.endedAt - cutAt) / 1000).toFixed(1)} s after the cut: ${failed.stderr.trim().split('\n').slice(-2).join(' / ')}`);
  await settle();
  const report = await load.stop();
  assert.equal(failed.code, 4, showRun(failed));
  assert.match(failed.stderr, /^error: [^\n]*ssh:\/\/bg-remote-lab[^\n]*\nhint: [^\n]+\n/m);
  assert.doesNotMatch(failed.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(report.errors.length + report.non2xx.length, 0, `live traffic untouched: ${describeLoad(report)}`);
  assert.ok(
    report.samples.every((s) => s.release === live),
    `release ${live} answered throughout`,
  );

  const back = Date.now();
  await run('bash', [LAB, 'up']);
  console.log(`the host back in ${((Date.now() - back) / 1000).toFixed(1)} s`);
  const next = await underLoad('deploy v5 again once the host is back', () => runnerA.cli(['deploy', '--json'], { ...viaSsh(), RELEASE: 'v5' }));
  assert.equal(next.done.code, 0);
  assert.equal((await releaseOnLab()).release, 'v5');
});

test('an engine restart brings back the live release on its route (restart: unless-stopped), never the older one kept stopped for rollback', async () => {
  const live = (await releaseOnLab()).release;
  const before = await liveContainers(APP, labEngine);
  assert.ok(before.length > 0, 'a live colour on the lab');
  const colour = before[0]!.Labels['io.bluegreen.colour'];
  const restarted = Date.now();
  await run('bash', [LAB, 'restart-engine']);
  // Until Traefik and the app are back nothing answers; from then on, only the live release.
  const seen = new Set<string>();
  let backAt = 0;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
    const answer = await releaseOnLab().catch(() => undefined);
    if (answer?.release) seen.add(answer.release);
    if (answer?.release === live) {
      backAt = Date.now();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(backAt > 0, `release ${live} answered again within 90 s of the restart (seen: ${[...seen].join(', ') || 'nothing'})`);
  const after = [];
  for (let i = 0; i < 20; i++) after.push((await releaseOnLab()).release);
  assert.deepEqual([...new Set([...seen, ...after])], [live], 'only the live release answered once back');
  assert.equal((await liveContainers(APP, labEngine))[0]?.Labels['io.bluegreen.colour'], colour, "the live colour's route container came back with it");
  const status = await runnerA.cli(['status', '--json'], viaSsh());
  assert.equal(status.code, 0, showRun(status));
  assert.equal(status.result?.live, colour);
  assert.deepEqual(status.result?.drift, [], showRun(status));
  console.log(`engine restart: release ${live} answered again ${((backAt - restarted) / 1000).toFixed(1)} s after the restart began; ${after.length} answers after, all ${live}`);
});
