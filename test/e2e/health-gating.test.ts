// The fact the whole design rests on: Traefik does not route a container
// whose Docker health is `starting` or `unhealthy`, and does route one
// without a healthcheck as soon as it runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { healthOf, removeSuite, routerLabels, runSample, sampleHealthcheck } from '../support/containers.js';
import { ask } from '../support/http.js';
import { eventually } from '../support/wait.js';
import { TEST_TRAEFIK_API } from '../support/ports.js';
import { TraefikApi } from '../../src/runtime/traefik-api.js';

const SUITE = 'health-gating';
const api = new TraefikApi(TEST_TRAEFIK_API);
const enabled = (name: string) => async () => ((await api.router(name))?.status === 'enabled' ? true : undefined);

before(async () => {
  await removeSuite(SUITE);
  await ensureTestTraefik();
});
after(() => removeSuite(SUITE));

test('starting and unhealthy containers are not routed; one without a healthcheck is', async () => {
  // Slow: healthy only after 6s. Bad: never healthy, unhealthy after 2 failed checks.
  const slow = await runSample(SUITE, { name: 'bgt-gate-slow', env: { START_DELAY: '6s' }, labels: routerLabels('bgt-gate-slow', 'slow.test') });
  const bad = await runSample(SUITE, {
    name: 'bgt-gate-bad',
    env: { NEVER_HEALTHY: '1' },
    healthcheck: sampleHealthcheck({ StartPeriod: 0, Interval: 0.3e9 }),
    labels: routerLabels('bgt-gate-bad', 'bad.test'),
  });
  await eventually('bgt-gate-bad to turn unhealthy', async () => ((await healthOf(bad)) === 'unhealthy' ? true : undefined), 15_000);

  // The plain container's start makes Traefik relist every container: once
  // its router is in the API, that reload has also judged the other two.
  await runSample(SUITE, { name: 'bgt-gate-plain', healthcheck: null, labels: routerLabels('bgt-gate-plain', 'plain.test') });
  await eventually('router bgt-gate-plain', enabled('bgt-gate-plain@docker'));

  assert.equal(await healthOf(slow), 'starting', 'the slow container must still be starting for this check to mean anything');
  assert.equal(await api.router('bgt-gate-slow@docker'), undefined, 'a starting container has no router');
  assert.equal(await api.router('bgt-gate-bad@docker'), undefined, 'an unhealthy container has no router');
  assert.equal((await ask('slow.test')).status, 404);
  assert.equal((await ask('bad.test')).status, 404);
  const plain = await ask('plain.test');
  assert.equal(plain.status, 200);
  assert.equal(plain.release, 'bgt-gate-plain');

  // Once healthy, the slow container is routed.
  await eventually('bgt-gate-slow to turn healthy', async () => ((await healthOf(slow)) === 'healthy' ? true : undefined), 20_000);
  await eventually('router bgt-gate-slow', enabled('bgt-gate-slow@docker'), 5_000);
  assert.equal((await ask('slow.test')).release, 'bgt-gate-slow');
});

test('a container without healthcheck is routed before the app listens: requests fail', async () => {
  // Why bluegreen refuses a target without a healthcheck unless told.
  await runSample(SUITE, { name: 'bgt-gate-early', healthcheck: null, env: { START_DELAY: '5s' }, labels: routerLabels('bgt-gate-early', 'early.test') });
  await eventually('router bgt-gate-early', enabled('bgt-gate-early@docker'));
  const early = await ask('early.test');
  assert.ok(early.status >= 500, `expected a 5xx before the app listens, got ${early.status}`);
});
