// Every undo path, under load: a failed switch (its route container removed:
// back to preview; a revert that fails too is exit 5, unit-tested in
// test/unit/commands.test.ts: removing one container is all it does), --keep-old,
// stop-old --remove, rollback --to N, a failed rollback, failed scale-up and
// scale-down, the guards' refusals, and a deploy cancelled after its switch.
// Failures are made real: the colour being started is killed (docker kill)
// at the step under test. Each asserts that live traffic kept flowing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker, removeSuite, routedLive, routerLabels, runSample } from '../support/containers.js';
import { show, TestApp, type SignalAt } from '../support/cli.js';
import { assertServedThrough, describeLoad, Load, type LoadReport, within } from '../support/load.js';
import { ask } from '../support/http.js';
import { eventually } from '../support/wait.js';

const app = new TestApp('bgt-undo');
const SUITE = 'undo-paths';

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(async () => {
  await removeSuite(SUITE);
  await app.destroy();
});

const step = (name: string) => (e: any) => e.event === 'step' && e.step === name && e.state === 'started';
const containersOf = async (colour: string) =>
  docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`, 'com.docker.compose.service=app'] } });
const running = async (colour: string) => (await containersOf(colour)).filter((c) => c.State === 'running');
/** The failure under test: the colour's running containers (or only those not in `spare`) die at once. */
const kill =
  (colour: string, spare: string[] = []) =>
  async () => {
    const victims = (await running(colour)).filter((c) => !spare.includes(c.Id));
    await Promise.all(victims.map((c) => docker.getContainer(c.Id).kill()));
  };
const live = async () => (await ask(app.host)).colour!;
const other = (colour: string) => (colour === 'blue' ? 'green' : 'blue');

/** Runs a command under 8 clients, failing it at a point; returns the run, when it ran, and what the clients saw. */
async function underLoad(args: string[], env: Record<string, string>, when?: SignalAt) {
  const load = new Load(app.host, { clients: 8 }).start();
  const startedAt = Date.now();
  const run = when ? await app.runAndSignal(args, env, when) : await app.run(args, env);
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const seen = await load.stop();
  return { run, seen: { ...seen, operation: { what: args.join(' '), startedAt, endedAt } } };
}

type Seen = LoadReport & { operation: { what: string; startedAt: number; endedAt: number } };

/** Enough requests started while the command ran (the fewest today: some 2100 while a guard refuses, in 4 to 5 s), none failed, and the releases that answered. */
function assertServed(seen: Seen, releases?: string[]) {
  assertServedThrough(seen, seen.operation, { min: 200, what: seen.operation.what });
  if (releases) assert.deepEqual([...new Set(seen.samples.map((s) => s.release))].sort(), releases, 'who answered');
}

const report = (what: string, run: { code: number; ms: number }, seen: Seen) =>
  console.log(`${what}: exit ${run.code} in ${run.ms} ms; ${within(seen, seen.operation.startedAt, seen.operation.endedAt).sent} started while ${seen.operation.what} ran; ${describeLoad(seen)}`);

test('a switch whose candidate dies as its route container starts: the route container removed (exit 1), live served throughout', async () => {
  const up = await app.run(['up'], { RELEASE: 'v2' });
  assert.equal(up.code, 0, show(up));
  const { run, seen } = await underLoad(['switch'], {}, { at: step('route'), then: kill('green') });
  assert.equal(run.code, 1, show(run));
  assertServed(seen, ['v1']);
  assert.equal(await routedLive(app.app, 'green'), false, 'no route container: green is on its preview route only');
  assert.equal((await running('green')).length, 0, 'the candidate that died is not relaunched by the switch');
  report('failed switch', run, seen);

  const again = await app.run(['deploy'], { RELEASE: 'v2' });
  assert.equal(again.code, 0, show(again));
  assert.equal(await live(), 'green');
});

test('stop-old --remove removes the old colour under load; the live one keeps serving', async () => {
  const { run, seen } = await underLoad(['stop-old', '--remove'], {});
  assert.equal(run.code, 0, show(run));
  assertServed(seen, ['v2']);
  assert.deepEqual(await containersOf('blue'), []);
  report('stop-old --remove', run, seen);
});

test('deploy --keep-old leaves the old colour running; stop-old then stops it (kept for rollback)', async () => {
  // Started slowly (2 s), as every release a failure is injected into: the kill lands before it is healthy.
  const { run, seen } = await underLoad(['deploy', '--keep-old'], { RELEASE: 'v4', START_DELAY: '2s' });
  assert.equal(run.code, 0, show(run));
  assertServed(seen, ['v2', 'v4']);
  assert.equal(await live(), 'blue');
  assert.equal((await running('green')).length, 1, 'the old colour still runs');
  const stop = await app.run(['stop-old']);
  assert.equal(stop.code, 0, show(stop));
  assert.deepEqual(
    (await containersOf('green')).map((c) => c.State),
    ['exited'],
  );
  report('deploy --keep-old', run, seen);
});

test('a scale-up whose new replica dies: the added replicas removed (exit 1), the live ones untouched and serving', async () => {
  const colour = await live();
  const before = (await running(colour)).map((c) => c.Id);
  const { run, seen } = await underLoad(['scale', '+1'], {}, { at: step('healthy'), then: kill(colour, before) });
  assert.equal(run.code, 1, show(run));
  assertServed(seen, ['v4']);
  assert.deepEqual(
    (await running(colour)).map((c) => c.Id),
    before,
  );
  report('failed scale-up', run, seen);
});

test('a scale-down whose new colour dies while it starts: that colour removed (exit 1), live keeps its replicas', async () => {
  const up = await app.run(['scale', '2']);
  assert.equal(up.code, 0, show(up));
  const colour = await live();
  const { run, seen } = await underLoad(['scale', '-1'], {}, { at: step('healthy'), then: kill(other(colour)) });
  assert.equal(run.code, 1, show(run));
  assertServed(seen, ['v4']);
  assert.equal((await running(colour)).length, 2);
  assert.deepEqual(await running(other(colour)), []);
  report('failed scale-down', run, seen);
});

test('rollback --to 1 brings release 1 back from its frozen file under load', async () => {
  const { run, seen } = await underLoad(['rollback', '--to', '1'], { RELEASE: 'v9' });
  assert.equal(run.code, 0, show(run));
  assertServed(seen, ['v1', 'v4']);
  assert.equal((await ask(app.host)).release, 'v1');
  report('rollback --to 1', run, seen);
});

test('a rollback whose colour dies while it starts: that colour removed (exit 1), live served throughout', async () => {
  const from = await live();
  const { run, seen } = await underLoad(['rollback'], {}, { at: step('healthy'), then: kill(other(from)) });
  assert.equal(run.code, 1, show(run));
  assertServed(seen, ['v1']);
  assert.equal(await live(), from);
  assert.deepEqual(await running(other(from)), []);
  report('failed rollback', run, seen);
});

test("the guards refuse: up when Traefik shows the candidate's colour as the winning live router, scale-down while a candidate runs; nothing changed", async () => {
  const colour = await live();
  const candidate = other(colour);
  // A router of the candidate colour's live name that Traefik prefers: what an interrupted switch could leave.
  await runSample(SUITE, { name: 'bgt-undo-impostor', env: { RELEASE: 'v1' }, labels: routerLabels(`${app.app}-${candidate}-live`, app.host, 100_500) });
  // The impostor answers without the colour header (it has none of bluegreen's middlewares).
  await eventually('Traefik routes the impostor', async () => ((await ask(app.host)).colour === undefined ? true : undefined));
  const { run, seen } = await underLoad(['up'], { RELEASE: 'v5' });
  assert.equal(run.code, 1, show(run));
  assert.match(run.stderr, /Traefik routes live traffic to .*refused, nothing changed/);
  assertServed(seen, ['v1']);
  assert.deepEqual(await containersOf(candidate), []);
  await removeSuite(SUITE);

  const up = await app.run(['up'], { RELEASE: 'v5' });
  assert.equal(up.code, 0, show(up));
  const scale = await underLoad(['scale', '-1'], {});
  assert.equal(scale.run.code, 2, show(scale.run));
  assert.match(scale.run.stderr, /runs a candidate .* that a scale-down would replace/);
  assertServed(scale.seen, ['v1']);
  assert.equal((await running(colour)).length, 2);
  report('guard refusals', run, seen);
  report('guard refusals (scale-down)', scale.run, scale.seen);
});

test('a deploy cancelled after its switch: exit 5 saying the new release is live, the old colour shadowed; stop-old finishes; no request failed', async () => {
  const { run, seen } = await underLoad(['deploy', '--json'], { RELEASE: 'v6' }, { at: step('drain'), signals: ['SIGTERM'] });
  assert.equal(run.code, 5, show(run));
  assert.match(run.stderr, /release \d+ is live in \w+, but stopping the old colour failed: cancelled \(SIGTERM\)/);
  assertServed(seen, ['v1', 'v6']);
  assert.equal((await ask(app.host)).release, 'v6');
  const stop = await app.run(['stop-old']);
  assert.equal(stop.code, 0, show(stop));
  report('deploy cancelled after the switch', run, seen);
});
