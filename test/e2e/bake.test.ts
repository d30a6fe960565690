// The bake window (issue 12): after a switch with --bake, the old colour
// keeps running while bluegreen watches the new colour's 5xx share in
// Traefik's metrics; a release failing a share of requests (the sample
// app's FAIL_RATE) is switched back by itself, one that does not ends like
// a deploy. Under load, against the real engine and Traefik.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { show, stepEnd, TestApp } from '../support/cli.js';
import { ask } from '../support/http.js';
import { assertServedThrough, describeLoad, Load, within } from '../support/load.js';

const app = new TestApp('bgt-bake');
const running = async (colour: string) => (await docker.listContainers({ filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`] } })).length;

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(() => app.destroy());

test('a release failing 30% of requests is switched back by the bake window within 15 s of its switch: exit 1, history says why', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const startedAt = Date.now();
  const run = await app.run(['deploy', '--bake', '60s', '--json'], { RELEASE: 'v2', FAIL_RATE: '0.3' });
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const report = await load.stop();
  assert.equal(run.code, 1, show(run));
  const error = run.events.find((e) => e.event === 'error');
  assert.match(error?.message ?? '', /release 2 rolled back by the bake window: 5xx (2[5-9]|3[0-5])\.\d% of \d+ answers/, show(run));
  const switchedAt = stepEnd(run, 'end-to-end', 2);
  const restoredAt = stepEnd(run, 'end-to-end', 1);
  const bake = run.events.find((e) => e.event === 'step' && e.step === 'bake' && e.state === 'done');
  assert.ok(restoredAt - switchedAt <= 15_000, `switched back ${restoredAt - switchedAt} ms after the switch`);
  const failedMeanwhile = report.non2xx.filter((s) => s.release === 'v2' || s.status === 500).length;
  // Allowed on purpose: v2 fails 30% of its answers (FAIL_RATE), so non-2xx answers are expected until 1 s after v1 is live again; none after, and no request error at all.
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 900, allowed: (s) => s.status !== 0 && s.startedAt < restoredAt + 1000, what: 'the deploy and its bake window' });
  console.log(
    `bake: breach seen ${bake?.elapsed_ms} ms into the window, v1 live again ${restoredAt - switchedAt} ms after the switch; requests failed meanwhile ${failedMeanwhile} of ${within(report, switchedAt, restoredAt).sent}; ${describeLoad(during)} during the deploy (${run.ms} ms); overall ${describeLoad(report)}`,
  );
  assert.equal((await ask(app.host)).release, 'v1');
  assert.equal(await running('green'), 0, 'the failing colour was drained and stopped');
  const history = await app.run(['history', '--json']);
  const last = history.result?.entries.at(-1);
  assert.deepEqual([last?.operation, last?.outcome, last?.release], ['deploy', 'failed', 2]);
  assert.match(last?.detail ?? '', /rolled back by the bake window: 5xx/);
});

test('a release that passes its bake window ends like a deploy: the old colour kept running meanwhile, then stopped', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  // With the latency bound on too: a healthy release is not rolled back for the noise of its new processes.
  const startedAt = Date.now();
  let endedAt = Number.NaN;
  const deployed = app.run(['deploy', '--bake', '4s', '--max-latency-ratio', '3', '--json'], { RELEASE: 'v3' }).then((run) => {
    endedAt = Date.now();
    return run;
  });
  // Midway through the window both colours run: a switch back would be one launch away.
  let bothRan = false;
  for (let i = 0; i < 100 && !bothRan; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    bothRan = (await ask(app.host)).release === 'v3' && (await running('blue')) > 0 && (await running('green')) > 0;
  }
  const run = await deployed;
  const report = await load.stop();
  assert.equal(run.code, 0, show(run));
  assert.ok(bothRan, 'v3 answered while the old colour still ran');
  assert.ok(run.events.some((e) => e.event === 'step' && e.step === 'bake' && e.state === 'done'));
  assert.equal((await ask(app.host)).release, 'v3');
  assert.equal(await running('blue'), 0, 'the old colour stopped after the window');
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 900, what: 'the deploy and its bake window' });
  console.log(`bake (passed): ${describeLoad(during)} during the deploy (${run.ms} ms); overall ${describeLoad(report)}`);
});

test('a release 300 ms slower per answer, with --max-latency-ratio 3, is switched back by the bake window: exit 1, history gives both means', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const startedAt = Date.now();
  const run = await app.run(['deploy', '--bake', '60s', '--max-latency-ratio', '3', '--json'], { RELEASE: 'v4', ANSWER_DELAY: '300ms' });
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const report = await load.stop();
  assert.equal(run.code, 1, show(run));
  const error = run.events.find((e) => e.event === 'error');
  assert.match(
    error?.message ?? '',
    /release 4 rolled back by the bake window: mean answer 3\d\d ms against [\d.]+ ms before the switch \(x[\d.]+\).*\(above x3 of the old colour's mean\); release 3 is live again/,
    show(run),
  );
  const switchedAt = stepEnd(run, 'end-to-end', 4);
  const restoredAt = stepEnd(run, 'end-to-end', 3);
  const bake = run.events.find((e) => e.event === 'step' && e.step === 'bake' && e.state === 'done');
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 600, what: 'the deploy and its bake window' });
  console.log(
    `bake (latency): breach seen ${bake?.elapsed_ms} ms into the window, v3 live again ${restoredAt - switchedAt} ms after the switch; ${error?.message}; ${describeLoad(during)} during the deploy (${run.ms} ms); overall ${describeLoad(report)}`,
  );
  assert.ok(restoredAt - switchedAt <= 15_000, `switched back ${restoredAt - switchedAt} ms after the switch`);
  assert.equal((await ask(app.host)).release, 'v3');
  const history = await app.run(['history', '--json']);
  assert.match(history.result?.entries.at(-1)?.detail ?? '', /rolled back by the bake window: mean answer/);
});

test("--bake without Traefik's metrics is refused before anything changes (exit 2)", async () => {
  const run = await app.run(['deploy', '--bake', '10s', '--traefik-metrics', 'http://127.0.0.1:1/metrics'], { RELEASE: 'v4' });
  assert.equal(run.code, 2, show(run));
  assert.match(run.stderr, /--bake judges the new colour by Traefik's request metrics/);
  assert.equal((await ask(app.host)).release, 'v3');
});
