// Several coloured services in one release, the part built so far (issue
// 12): `target: [app, worker]` runs the worker in each colour beside the
// routed target, from the same frozen release. It has no route, is judged by
// its health, is left running by the switch, stops with its colour at
// stop-old and comes back with it at rollback; a worker that is not healthy
// fails the release, live untouched. Under load, real engine and Traefik.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import got from 'got';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker, routedLive } from '../support/containers.js';
import { show, TestApp } from '../support/cli.js';
import { ask } from '../support/http.js';
import { assertServedThrough, commandTimes, describeLoad, Load } from '../support/load.js';
import { TEST_TRAEFIK_API } from '../support/ports.js';
import { sampleWithWorker } from '../support/worker.js';

const app = new TestApp('bgt-companion', sampleWithWorker());
writeFileSync(join(app.dir, 'bluegreen.yml'), 'target: [app, worker]\nside_targets: [store]\n');

interface Worker {
  id: string;
  state: string;
  health: string;
  release: string;
  labels: Record<string, string>;
}

/** The worker containers of one colour (stopped ones too), with the release they run. */
async function workers(colour: string): Promise<Worker[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.companion-of=${colour}`] } });
  return Promise.all(
    listed.map(async (c) => {
      const inspected = await docker.getContainer(c.Id).inspect();
      const release = inspected.Config.Env.find((e) => e.startsWith('RELEASE='))?.slice(8) ?? '?';
      return { id: c.Id, state: c.State, health: inspected.State.Health?.Status ?? 'none', release, labels: c.Labels };
    }),
  );
}

const traefikNames = async () => {
  const list = async (kind: string) => ((await got(`${TEST_TRAEFIK_API}/api/http/${kind}`).json()) as { name: string }[]).map((r) => r.name);
  return [...(await list('routers')), ...(await list('services'))];
};

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(() => app.destroy());

test('the worker runs in the live colour with its release, with no route in Traefik, and status lists it', async () => {
  const [worker] = await workers('blue');
  assert.deepEqual([worker?.state, worker?.release], ['running', 'v1']);
  assert.equal(worker?.labels['traefik.enable'], 'false', 'routed by nobody, even by a Traefik exposing every container');
  assert.equal(worker?.labels['io.bluegreen.colour'], undefined, 'not counted among the colour’s routed containers');
  const names = await traefikNames();
  assert.ok(
    names.some((n) => n.startsWith(`${app.app}-blue`)),
    'the target is routed',
  );
  assert.ok(!names.some((n) => n.includes('worker')), `nothing of the worker in Traefik: ${names.filter((n) => n.startsWith(app.app)).join(', ')}`);
  const status = await app.run(['status']);
  assert.match(status.stdout, /bgt-companion-blue-worker-1 {2}running {2}healthy {2}\(worker: no route\)/, show(status));
  const json = await app.run(['status', '--json']);
  assert.deepEqual(
    json.result?.colours[0].companions.map((c: { service: string; state: string }) => [c.service, c.state]),
    [['worker', 'running']],
  );
});

test('up, switch, stop-old, rollback: the worker changes with its colour, is not recreated by the switch, and no request fails', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  // When each command ran: the load must overlap every one of them.
  const { timed, assertServed } = commandTimes();
  const up = await timed('up', () => app.run(['up'], { RELEASE: 'v2' }));
  assert.equal(up.code, 0, show(up));
  const candidate = await workers('green');
  assert.deepEqual(
    candidate.map((w) => [w.state, w.health, w.release]),
    [['running', 'healthy', 'v2']],
    'the candidate’s worker runs beside it, healthy before up returns',
  );
  assert.equal((await workers('blue'))[0]?.state, 'running', 'the live colour’s worker runs on');

  const switched = await timed('switch', () => app.run(['switch']));
  assert.equal(switched.code, 0, show(switched));
  assert.deepEqual(
    (await workers('green')).map((w) => w.id),
    candidate.map((w) => w.id),
    'the switch recreates the routed target only',
  );
  assert.equal((await ask(app.host)).release, 'v2');

  const stopped = await timed('stop-old', () => app.run(['stop-old']));
  assert.equal(stopped.code, 0, show(stopped));
  const stoppedWorker = await workers('blue');
  assert.deepEqual(
    stoppedWorker.map((w) => [w.state, w.release]),
    [['exited', 'v1']],
    'the old worker stops with its colour',
  );

  const rolled = await timed('rollback', () => app.run(['rollback']));
  assert.equal(rolled.code, 0, show(rolled));
  assert.equal((await ask(app.host)).release, 'v1');
  const restarted = await workers('blue');
  assert.deepEqual(
    restarted.map((w) => [w.state, w.health, w.release]),
    [['running', 'healthy', 'v1']],
    'release 1’s worker is back with it',
  );
  assert.deepEqual(
    restarted.map((w) => w.id),
    stoppedWorker.map((w) => w.id),
    'started again, not recreated: compose finds its configuration unchanged',
  );
  assert.deepEqual(
    (await workers('green')).map((w) => w.state),
    ['exited'],
    'release 2’s worker stopped with its colour',
  );
  const report = await load.stop();
  // The fewest today: some 2000 requests during the stop-old (6 s).
  const during = assertServed(report, 200);
  console.log(`companions: up, switch, stop-old, rollback under load: ${describeLoad(report)}; requests started during ${during}`);
});

test('a worker that never gets healthy fails the release: exit 1 naming it, the candidate removed, live untouched', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  const startedAt = Date.now();
  const bad = await app.run(['deploy', '--timeout', '10s'], { RELEASE: 'v3', WORKER_NEVER_HEALTHY: '1' });
  const endedAt = Date.now();
  const report = await load.stop();
  assert.equal(bad.code, 1, show(bad));
  assert.match(bad.stderr, /worker of green \(release 3\)/, show(bad));
  assert.equal((await ask(app.host)).release, 'v1');
  assert.deepEqual(await workers('green'), [], 'the candidate colour, worker included, was removed');
  assert.deepEqual(
    (await workers('blue')).map((w) => w.state),
    ['running'],
  );
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 600, what: 'the failed deploy' });
  console.log(`a worker never healthy, under load: exit ${bad.code} in ${bad.ms} ms; ${describeLoad(during)} during the deploy, ${describeLoad(report)} in all`);
});

test('an up over a running candidate stops its worker of the previous release within its grace period before compose replaces it', async () => {
  const first = await app.run(['up'], { RELEASE: 'v5' });
  assert.equal(first.code, 0, show(first));
  const v5 = await workers('green');
  assert.deepEqual(
    v5.map((w) => [w.state, w.release]),
    [['running', 'v5']],
  );
  const again = await app.run(['up', '--json'], { RELEASE: 'v6' });
  assert.equal(again.code, 0, show(again));
  assert.ok(
    again.events.some((e) => e.event === 'step' && e.step === 'stop-workers' && e.state === 'done' && e.colour === 'green'),
    `the v5 worker stopped first:\n${show(again)}`,
  );
  const v6 = await workers('green');
  assert.deepEqual(
    v6.map((w) => [w.state, w.health, w.release]),
    [['running', 'healthy', 'v6']],
  );
  assert.notDeepEqual(
    v6.map((w) => w.id),
    v5.map((w) => w.id),
  );
  assert.equal((await ask(app.host)).release, 'v1', 'live untouched');
});

test('a target named twice, or both target and side target, is refused before anything starts (exit 2)', async () => {
  const before = await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`] } });
  const twice = await app.run(['up', '-t', 'app', '-t', 'worker', '-t', 'worker'], { RELEASE: 'v4' });
  assert.equal(twice.code, 2, show(twice));
  assert.match(twice.stderr, /--target worker is given twice/);
  const side = await app.run(['up'], { RELEASE: 'v4', BG_TARGET: 'app,store' });
  assert.equal(side.code, 2, show(side));
  assert.match(side.stderr, /store is both a target and a side target/);
  const after = await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`] } });
  assert.deepEqual(after.map((c) => c.Id).sort(), before.map((c) => c.Id).sort());
});

test('a worker that still runs as a side target from before is named with a warning, not removed', async () => {
  const asSide = await app.run(['up'], { RELEASE: 'v7', BG_TARGET: 'app', BG_SIDE_TARGETS: 'store,worker' });
  assert.equal(asSide.code, 0, show(asSide));
  const coloured = await app.run(['up'], { RELEASE: 'v8' });
  assert.equal(coloured.code, 0, show(coloured));
  // Side targets run in the app's own project, as plain compose runs them.
  assert.match(coloured.stderr, /warning: worker still runs once in bgt-companion \(a side target or plain compose before\).*docker compose -p bgt-companion rm -sf worker/, show(coloured));
  const side = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${app.app}`, 'com.docker.compose.service=worker'] } });
  assert.equal(side.length, 1, 'left running: it is the user’s to stop');
  await docker.getContainer(side[0]!.Id).remove({ force: true });
});

test('scale worker +1, then -1: a worker gains and loses containers in place (no route to move), the live colour and its app untouched', async () => {
  const running = async () => (await workers('blue')).filter((w) => w.state === 'running');
  const before = await running();
  const up = await app.run(['scale', 'worker', '+1']);
  assert.equal(up.code, 0, show(up));
  assert.match(up.stdout, /worker of blue scaled from 1 to 2/, show(up));
  const two = await running();
  assert.deepEqual(
    two.map((w) => [w.health, w.release]),
    [
      ['healthy', 'v1'],
      ['healthy', 'v1'],
    ],
  );
  assert.ok(
    before.every((w) => two.some((x) => x.id === w.id)),
    'the running worker was not recreated',
  );
  const down = await app.run(['scale', 'worker', '-1']);
  assert.equal(down.code, 0, show(down));
  assert.match(down.stdout, /worker of blue scaled from 2 to 1 in/, show(down));
  assert.equal((await running()).length, 1);
  assert.equal((await ask(app.host)).release, 'v1', 'live untouched');
});

test('a worker that turns unhealthy after up: the switch refuses before it changes anything (exit 1 naming it), the candidate left on its preview route, live untouched', async () => {
  const up = await app.run(['up'], { RELEASE: 'v8' });
  assert.equal(up.code, 0, show(up));
  const [worker] = [...(await workers('blue')), ...(await workers('green'))].filter((w) => w.release === 'v8' && w.state === 'running');
  assert.ok(worker, 'the candidate runs its worker');
  const colour = worker.labels['io.bluegreen.companion-of']!;
  const live = (await ask(app.host)).release;
  // Cut off from the side target it checks: its healthcheck fails, the app's does not.
  const container = docker.getContainer(worker.id);
  const networks = Object.keys((await container.inspect()).NetworkSettings.Networks ?? {});
  for (const network of networks) await docker.getNetwork(network).disconnect({ Container: worker.id, Force: true });
  for (const until = Date.now() + 20_000; (await container.inspect()).State.Health?.Status !== 'unhealthy'; ) {
    assert.ok(Date.now() < until, 'the worker turned unhealthy');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const load = new Load(app.host, { clients: 4 }).start();
  const startedAt = Date.now();
  const run = await app.run(['switch']);
  const endedAt = Date.now();
  const report = await load.stop();
  assert.equal(run.code, 1, show(run));
  assert.match(run.stderr, new RegExp(`worker of ${colour} \\(release \\d+\\) turned unhealthy after up.*nothing was switched`), show(run));
  assert.ok(run.ms < 10_000, `refused at once, not after a wait: ${run.ms} ms`);
  const apps = await docker.listContainers({ filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`, 'com.docker.compose.service=app'] } });
  assert.equal(apps.length, 1, 'the candidate still runs');
  assert.equal(await routedLive(app.app, colour), false, 'the candidate kept its preview route only (no route container)');
  assert.equal((await ask(app.host)).release, live, 'live untouched');
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 100, what: 'the refused switch' });
  console.log(`switch over an unhealthy worker: exit ${run.code} in ${run.ms} ms; ${describeLoad(during)} during the switch, ${describeLoad(report)} in all`);
});
