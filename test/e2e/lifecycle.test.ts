// The blue-green lifecycle through the CLI, against the real engine and
// Traefik: first deploy, second deploy, rollback, up twice, preview.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { ask } from '../support/http.js';
import { show, TestApp } from '../support/cli.js';

const app = new TestApp('bgt-life');

before(() => ensureTestTraefik());
after(() => app.destroy());

const containersOf = async (colour: string) =>
  (await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`] } })).map((c) => ({ id: c.Id, state: c.State }));

test('first deploy serves v1; deploy v2 makes v2 live and stops v1; rollback brings v1 back though the environment names v2', async () => {
  const first = await app.run(['deploy', '--json'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
  assert.equal(first.result?.colour, 'blue');
  let answer = await ask(app.host);
  assert.equal(answer.release, 'v1');
  assert.equal(answer.colour, 'blue');

  const second = await app.run(['deploy', '--json'], { RELEASE: 'v2' });
  assert.equal(second.code, 0, show(second));
  assert.equal(second.result?.colour, 'green');
  answer = await ask(app.host);
  assert.equal(answer.release, 'v2');
  assert.equal(answer.colour, 'green');
  assert.deepEqual(
    (await containersOf('blue')).map((c) => c.state),
    ['exited'],
    'v1 is stopped, kept for rollback',
  );

  const back = await app.run(['rollback', '--json'], { RELEASE: 'v2' });
  assert.equal(back.code, 0, show(back));
  assert.equal(back.result?.release, 1);
  answer = await ask(app.host);
  assert.equal(answer.release, 'v1', 'the frozen release 1 runs, not what RELEASE names now');
  assert.equal(answer.colour, 'blue');
  assert.deepEqual(
    (await containersOf('green')).map((c) => c.state),
    ['exited'],
  );

  const status = await app.run(['status', '--json']);
  assert.equal(status.code, 0, show(status));
  assert.equal(status.result?.live, 'blue');
  assert.deepEqual(status.result?.drift, []);
  const history = await app.run(['history', '--json']);
  assert.deepEqual(
    history.result?.entries.map((e: any) => `${e.operation}:${e.outcome}:${e.release}`),
    ['deploy:ok:1', 'deploy:ok:2', 'rollback:ok:1'],
  );
});

test('up twice replaces only the candidate, never the live colour; only the colour header with the preview key reaches the candidate', async () => {
  const liveBefore = await containersOf('blue');
  const upA = await app.run(['up', '--json'], { RELEASE: 'v3' });
  assert.equal(upA.code, 0, show(upA));
  assert.equal(upA.result?.colour, 'green');
  const candidateA = await containersOf('green');

  const upB = await app.run(['up', '--json'], { RELEASE: 'v4' });
  assert.equal(upB.code, 0, show(upB));
  assert.equal(upB.result?.colour, 'green');
  const candidateB = await containersOf('green');
  assert.notDeepEqual(
    candidateB.map((c) => c.id),
    candidateA.map((c) => c.id),
    'the candidate was replaced',
  );
  assert.deepEqual(await containersOf('blue'), liveBefore, 'the live containers are the same, untouched');

  const previewHeaders = await app.previewHeaders('green');
  assert.ok(upB.stdout.includes(previewHeaders['X-Bluegreen-Preview-Key']), 'up shows the operator the preview key');
  const preview = await ask(app.host, '/', previewHeaders);
  assert.equal(preview.release, 'v4');
  assert.equal(preview.colour, 'green');
  // A stranger naming the colour, or guessing a key, is answered by the live colour.
  for (const headers of [{ 'X-Bluegreen-Color': 'green' }, { 'X-Bluegreen-Color': 'green', 'X-Bluegreen-Preview-Key': 'guess' }]) {
    const stranger = await ask(app.host, '/', headers);
    assert.equal(stranger.colour, 'blue', `${JSON.stringify(headers)} reaches the live colour only`);
    assert.equal(stranger.release, 'v1');
  }
  for (let i = 0; i < 10; i++) {
    const plain = await ask(app.host);
    assert.equal(plain.colour, 'blue', 'traffic without the header stays on the live colour');
    assert.equal(plain.release, 'v1');
  }

  const switched = await app.run(['switch', '--json']);
  assert.equal(switched.code, 0, show(switched));
  assert.equal((await ask(app.host)).release, 'v4');
});
