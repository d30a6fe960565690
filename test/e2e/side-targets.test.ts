// A side target runs once, in the app's own project (where plain compose runs it), for both colours: a deploy
// neither recreates nor duplicates it, and both colours use the same one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { show, TestApp } from '../support/cli.js';
import { ask } from '../support/http.js';
import { TEST_TRAEFIK_URL } from '../support/ports.js';
import got from 'got';

const app = new TestApp('bgt-side');

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(() => app.destroy());

const storeContainers = async () =>
  (await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${app.app}`, 'com.docker.compose.service=store'] } })).map((c) => `${c.Id}:${c.State}`);

const visitStore = async (colour?: string) => {
  const response = await got(`${TEST_TRAEFIK_URL}/store`, { headers: { host: app.host, ...(colour ? await app.previewHeaders(colour) : {}) }, throwHttpErrors: false, retry: { limit: 0 } });
  const body = JSON.parse(response.body);
  return { status: response.statusCode, release: body.release as string, visits: body.visits as number, colour: response.headers['x-bluegreen-color'] };
};

test('the side target runs once throughout a deploy, and both colours count on the same one', async () => {
  const before = await storeContainers();
  assert.equal(before.length, 1);
  assert.match(before[0]!, /:running$/);

  // Watch the store while the deploy runs: never a second one, never a restart.
  let watching = true;
  const seen = new Set<string>();
  const watcher = (async () => {
    while (watching) {
      (await storeContainers()).forEach((c) => seen.add(c));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  const up = await app.run(['up'], { RELEASE: 'v2' });
  assert.equal(up.code, 0, show(up));
  assert.match(up.stderr, /side targets store: running, healthy, unchanged/, 'compose up of the side project skipped: nothing would change');
  const fromLive = await visitStore();
  const fromCandidate = await visitStore('green');
  assert.deepEqual([fromLive.status, fromLive.release, fromLive.colour], [200, 'v1', 'blue']);
  assert.deepEqual([fromCandidate.status, fromCandidate.release, fromCandidate.colour], [200, 'v2', 'green']);
  assert.equal(fromCandidate.visits, fromLive.visits + 1, 'one counter, shared by both colours');

  const rest = await app.run(['switch']);
  assert.equal(rest.code, 0, show(rest));
  const stop = await app.run(['stop-old']);
  assert.equal(stop.code, 0, show(stop));
  watching = false;
  await watcher;

  assert.deepEqual([...seen], before, 'the same single store container, running, all along');
  assert.equal((await ask(app.host)).release, 'v2');
  assert.equal((await visitStore()).visits, fromCandidate.visits + 1);
});

test('down keeps named volumes; down --volumes removes them', async () => {
  const volume = `${app.app}_store-data`;
  const volumeExists = () =>
    docker
      .getVolume(volume)
      .inspect()
      .then(
        () => true,
        () => false,
      );
  assert.equal(await volumeExists(), true, 'the side target mounts it');
  const down = await app.run(['down']);
  assert.equal(down.code, 0, show(down));
  const left = await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`] } });
  assert.deepEqual(
    left.map((c) => c.Names[0]),
    [],
    'both colours are gone',
  );
  const sideLeft = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${app.app}`] } });
  assert.deepEqual(
    sideLeft.map((c) => c.Names[0]),
    [],
    'the side target is gone',
  );
  assert.equal(await volumeExists(), true, 'named volumes are kept by default');
  const purge = await app.run(['down', '--volumes']);
  assert.equal(purge.code, 0, show(purge));
  assert.equal(await volumeExists(), false);
});

test('a running side target left out of a deploy (-T store where it was -T store -T extra) keeps running', async () => {
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const sample = readFileSync(fileURLToPath(new URL('../../compose/docker-compose.yml', import.meta.url)), 'utf8');
  const withExtra = sample.replace('\nvolumes:\n', '\n  extra:\n    image: ${SAMPLE_IMAGE:-bluegreen-sample:latest}\n    command: ["side"]\n    environment:\n      PORT: "7000"\n\nvolumes:\n');
  const two = new TestApp('bgt-side-extra', withExtra);
  try {
    const first = await two.run(['deploy', '-T', 'store', '-T', 'extra'], { RELEASE: 'v1' });
    assert.equal(first.code, 0, show(first));
    const extra = async () => (await docker.listContainers({ filters: { label: [`com.docker.compose.project=${two.app}`, 'com.docker.compose.service=extra'] } })).map((c) => c.Id);
    const running = await extra();
    assert.equal(running.length, 1, 'extra runs');
    const second = await two.run(['deploy', '-T', 'store'], { RELEASE: 'v2' });
    assert.equal(second.code, 0, show(second));
    assert.deepEqual(await extra(), running, 'the same extra container still runs');
  } finally {
    await two.destroy();
  }
});
