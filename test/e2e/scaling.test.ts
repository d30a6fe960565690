// Relative scaling of the live colour under load: new replicas join only
// when healthy, removed ones drop no request, Traefik's API shows the count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { show, TestApp } from '../support/cli.js';
import { commandTimes, describeLoad, Load } from '../support/load.js';
import { TraefikApi } from '../../src/runtime/traefik-api.js';
import { docker } from '../support/containers.js';
import { TEST_TRAEFIK_API } from '../support/ports.js';

const app = new TestApp('bgt-scale');
const api = new TraefikApi(TEST_TRAEFIK_API);
const serversOf = async (colour: string) => (await api.service(`${app.app}-${colour}@docker`))?.servers.length ?? 0;

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(() => app.destroy());

test('scale +2, scale -1, then a deploy, under 8 concurrent clients: zero failed requests; Traefik shows 3, then 2 (in the other colour), then 2 servers', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  // When each command ran: the load must overlap every one of them.
  const { timed, assertServed } = commandTimes();

  const up = await timed('scale +2', () => app.run(['scale', '+2', '--json']));
  assert.equal(up.code, 0, show(up));
  assert.deepEqual([up.result?.from, up.result?.to], [1, 3]);
  assert.equal(await serversOf('blue'), 3);

  const down = await timed('scale -1', () => app.run(['scale', '-1', '--json']));
  assert.equal(down.code, 0, show(down));
  assert.deepEqual([down.result?.from, down.result?.to, down.result?.colour, down.result?.moved_from], [3, 2, 'green', 'blue']);
  assert.equal(await serversOf('green'), 2);
  const running = async (colour: string) => (await docker.listContainers({ filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`] } })).length;
  assert.deepEqual([await running('blue'), await running('green')], [0, 2], 'blue was drained and stopped once green, with 2, was verified');

  const deploy = await timed('deploy', () => app.run(['deploy', '--json'], { RELEASE: 'v2' }));
  assert.equal(deploy.code, 0, show(deploy));
  assert.equal(await serversOf('blue'), 2, "the new release starts with the live colour's count");

  await new Promise((resolve) => setTimeout(resolve, 300));
  const result = await load.stop();
  // The fewest today: some 1850 requests during the scale +2 (5 s).
  const during = assertServed(result, 200);
  console.log(`scale +2, -1, deploy under load: ${describeLoad(result)}; requests started during ${during}`);
});

test('a scale below 1, or with no live colour, is exit 2', async () => {
  const tooFew = await app.run(['scale', '-2']);
  assert.equal(tooFew.code, 2, show(tooFew));
  assert.match(tooFew.stderr, /would leave 0/);
  const nobody = new TestApp('bgt-scale-none');
  try {
    const run = await nobody.run(['scale', '+1']);
    assert.equal(run.code, 2, show(run));
    assert.match(run.stderr, /no colour is live/);
  } finally {
    await nobody.destroy();
  }
});
