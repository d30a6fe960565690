// The verified containers go live: a switch starts no container of the app.
// The containers that answered the preview (same IDs) take the live traffic;
// the live router rides on the colour's route container, which costs little.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { ask } from '../support/http.js';
import { show, TestApp } from '../support/cli.js';
import { assertServedThrough, describeLoad, Load } from '../support/load.js';

const app = new TestApp('bgt-route');

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(() => app.destroy());

const containersOf = async (colour: string) => docker.listContainers({ filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`] } });
const routeOf = async (colour: string) => docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.route-of=${colour}`] } });

test('the containers that answered the preview are the ones live traffic reaches: the switch starts only a route container, under load nothing fails', async () => {
  const up = await app.run(['up', '--scale', '2'], { RELEASE: 'v2' });
  assert.equal(up.code, 0, show(up));
  const candidate = (await containersOf('green')).map((c) => c.Id).sort();
  assert.equal(candidate.length, 2);
  // The sample answers with its hostname: the container's ID, cut to 12.
  const byPreview = new Set<string>();
  const previewHeaders = await app.previewHeaders('green');
  for (let i = 0; i < 10; i++) byPreview.add((await ask(app.host, '/', previewHeaders)).answeredBy!);
  assert.ok(
    [...byPreview].every((host) => candidate.some((id) => id.startsWith(host))),
    `the preview answered from the candidate: ${[...byPreview].join(', ')}`,
  );
  assert.deepEqual(await routeOf('green'), [], 'no route container before the switch');

  const load = new Load(app.host, { clients: 8 }).start();
  const startedAt = Date.now();
  const switched = await app.run(['switch', '--json']);
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const report = await load.stop();
  assert.equal(switched.code, 0, show(switched));
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 200, what: 'the switch' });

  assert.deepEqual((await containersOf('green')).map((c) => c.Id).sort(), candidate, 'the same containers, not recreated');
  const steps = switched.events.filter((e) => e.event === 'step' && e.state === 'done').map((e) => e.step);
  assert.equal(steps.includes('start'), false, `no container of the app started: ${steps.join(', ')}`);
  assert.ok(steps.includes('route'), `the route container started: ${steps.join(', ')}`);
  const byLive = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const answer = await ask(app.host);
    assert.equal(answer.release, 'v2');
    byLive.add(answer.answeredBy!);
  }
  assert.ok(
    [...byLive].every((host) => candidate.some((id) => id.startsWith(host))),
    `live traffic reaches the verified containers: ${[...byLive].join(', ')}`,
  );
  const newAnswers = report.samples.filter((s) => s.release === 'v2');
  assert.ok(newAnswers.length > 0, 'the load saw the new release');

  const [route] = await routeOf('green');
  assert.equal(route?.State, 'running');
  const stats = await docker.getContainer(route!.Id).stats({ stream: false });
  const memory = stats.memory_stats.usage ?? 0;
  assert.ok(memory < 5 * 1024 * 1024, `an idle route container under 5 MB (${memory} bytes)`);
  const image = await docker.getImage(route!.Image).inspect();
  assert.ok(image.Size < 1024 * 1024, `its image is the program alone (${image.Size} bytes), made on this engine`);
  console.log(`switch without a start: ${switched.ms} ms; ${describeLoad(during)} during it; route container ${(memory / 1024).toFixed(0)} KiB, image ${image.Size} bytes`);

  // stop-old stops the old colour with its route container; the live one keeps its own.
  const stopped = await app.run(['stop-old']);
  assert.equal(stopped.code, 0, show(stopped));
  assert.deepEqual(
    (await routeOf('blue')).map((c) => c.State),
    ['exited'],
  );
  assert.equal((await ask(app.host)).release, 'v2');
});
