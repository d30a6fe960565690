// Zero dropped requests: concurrent clients through Traefik during a deploy
// and a rollback; slow requests in flight on the old colour finish there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { show, TestApp } from '../support/cli.js';
import { assertServedThrough, describeLoad, Load, type LoadReport } from '../support/load.js';
import { ask } from '../support/http.js';
import http from 'node:http';
import { TEST_HTTP_PORT } from '../support/ports.js';

const app = new TestApp('bgt-zero');

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy', '--json'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(() => app.destroy());

/** Returns the requests that started while the command (`operation`) ran. */
function assertCleanSwitch(load: LoadReport, operation: { what: string; startedAt: number; endedAt: number }, switchedAt: number, newColour: string, newRelease: string) {
  // Some 5500 to 6500 requests start during a deploy or a rollback today.
  const during = assertServedThrough(load, operation, { min: 600, what: operation.what });
  const after = load.samples.filter((s) => s.startedAt > switchedAt);
  assert.ok(after.length > 0, 'requests were sent after the switch');
  const stray = after.filter((s) => s.colour !== newColour || s.release !== newRelease);
  assert.deepEqual(stray.slice(0, 3), [], `every response after the switch comes from ${newColour} ${newRelease}`);
  return during;
}

test('a deploy v1 -> v2 under 8 concurrent clients: zero failed requests, then only v2', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const startedAt = Date.now();
  const deploy = await app.run(['deploy', '--json'], { RELEASE: 'v2' });
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const result = await load.stop();
  assert.equal(deploy.code, 0, show(deploy));
  const during = assertCleanSwitch(result, { what: 'the deploy', startedAt, endedAt }, Date.parse(deploy.result!.switched_at), 'green', 'v2');
  console.log(`deploy under load: ${describeLoad(during)} during the deploy (${deploy.ms} ms), ${describeLoad(result)} in all`);
});

test('a rollback under 8 concurrent clients: zero failed requests, then only v1', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const startedAt = Date.now();
  const rollback = await app.run(['rollback', '--json']);
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const result = await load.stop();
  assert.equal(rollback.code, 0, show(rollback));
  const during = assertCleanSwitch(result, { what: 'the rollback', startedAt, endedAt }, Date.parse(rollback.result!.switched_at), 'blue', 'v1');
  console.log(`rollback under load: ${describeLoad(during)} during the rollback (${rollback.ms} ms), ${describeLoad(result)} in all`);
});

test('slow requests in flight on the old colour while it is switched away and stopped complete with 200 from the old release', async () => {
  assert.equal((await ask(app.host)).release, 'v1');
  const up = await app.run(['up', '--json'], { RELEASE: 'v3' });
  assert.equal(up.code, 0, show(up));
  // Six 5-second requests land on the live v1, then traffic moves and v1 is
  // drained and stopped while they are still running.
  const slow = Array.from({ length: 6 }, () => slowRequest(app.host, 5));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const switched = await app.run(['switch', '--json']);
  assert.equal(switched.code, 0, show(switched));
  const stopStarted = Date.now();
  const stopped = await app.run(['stop-old', '--json']);
  assert.equal(stopped.code, 0, show(stopped));
  const answers = await Promise.all(slow);
  assert.deepEqual(
    answers.map((a) => `${a.status} ${a.release}`),
    Array(6).fill('200 v1'),
  );
  assert.ok(
    answers.every((a) => a.endedAt > stopStarted),
    'the requests were still in flight when stop-old began',
  );
  assert.equal((await ask(app.host)).release, 'v3');
});

function slowRequest(host: string, seconds: number): Promise<{ status: number; release?: string; endedAt: number }> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port: TEST_HTTP_PORT, path: `/slow?s=${seconds}`, headers: { host }, timeout: 30_000 }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, release: JSON.parse(body || '{}').release, endedAt: Date.now() }));
      })
      .on('error', (error) => resolve({ status: 0, release: String(error), endedAt: Date.now() }));
  });
}
