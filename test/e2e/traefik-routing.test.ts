// Traefik from traefik/ routes the sample app on traefik_webgateway, and
// its API tells what it routes. Real engine, real Traefik.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { removeSuite, routerLabels, runSample } from '../support/containers.js';
import { ask } from '../support/http.js';
import { eventually } from '../support/wait.js';
import { TEST_TRAEFIK_API } from '../support/ports.js';
import { TraefikApi } from '../../src/runtime/traefik-api.js';

const SUITE = 'traefik-routing';
const api = new TraefikApi(TEST_TRAEFIK_API);

before(async () => {
  await removeSuite(SUITE);
  await ensureTestTraefik();
});
after(() => removeSuite(SUITE));

test('Traefik v3 answers on its API', async () => {
  assert.match(await api.version(), /^3\./);
});

test('the sample app is routed through the entrypoint once Traefik lists its router and server', async () => {
  await runSample(SUITE, { name: 'bgt-route-v1', labels: routerLabels('bgt-route', 'route.test') });
  const router = await eventually('router bgt-route in the API', async () => {
    const found = await api.router('bgt-route@docker');
    return found?.status === 'enabled' ? found : undefined;
  });
  assert.deepEqual(router.entryPoints, ['web']);
  const service = await eventually('a server behind bgt-route', async () => {
    const found = await api.service('bgt-route@docker');
    return found && found.servers.length > 0 ? found : undefined;
  });
  assert.equal(service.servers.length, 1);
  assert.match(service.servers[0]!, /^http:\/\/[\d.]+:8000$/);

  const answer = await ask('route.test');
  assert.equal(answer.status, 200);
  assert.equal(answer.release, 'bgt-route-v1');
  assert.equal((await ask('nobody.test')).status, 404, 'an unknown host is not routed');
});

test('an unreachable Traefik API is a BgError with exit 4 naming the address', async () => {
  const nowhere = new TraefikApi('http://127.0.0.1:9');
  await assert.rejects(nowhere.version(), (error: any) => {
    assert.equal(error.exitCode, 4);
    assert.match(error.message, /127\.0\.0\.1:9/);
    return true;
  });
});
