// Two routers with the same rule: the higher priority one takes every
// request, and it takes over in one reload: no request in between is
// answered by neither.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { removeSuite, routerLabels, runSample } from '../support/containers.js';
import { ask, type Answer } from '../support/http.js';
import { eventually } from '../support/wait.js';
import { TEST_TRAEFIK_API } from '../support/ports.js';
import { TraefikApi } from '../../src/runtime/traefik-api.js';

const SUITE = 'priority-shadowing';
const HOST = 'shadow.test';
const api = new TraefikApi(TEST_TRAEFIK_API);

before(async () => {
  await removeSuite(SUITE);
  await ensureTestTraefik();
});
after(() => removeSuite(SUITE));

test('the higher-priority router takes over in one reload, with no request lost', async () => {
  await runSample(SUITE, { name: 'bgt-low', labels: routerLabels('bgt-low', HOST, 10) });
  await eventually('the low router', async () => ((await api.router('bgt-low@docker'))?.status === 'enabled' ? true : undefined));
  assert.equal((await ask(HOST)).release, 'bgt-low');

  // Four clients ask continuously while the high-priority container starts
  // and becomes healthy; they stop a while after the high router appears.
  const answers: Answer[][] = [[], [], [], []];
  let stopAt = Number.POSITIVE_INFINITY;
  const clients = answers.map(async (log) => {
    while (Date.now() < stopAt) log.push(await ask(HOST));
  });
  await runSample(SUITE, { name: 'bgt-high', labels: routerLabels('bgt-high', HOST, 20) });
  await eventually('the high router', async () => ((await api.router('bgt-high@docker'))?.status === 'enabled' ? true : undefined), 20_000);
  stopAt = Date.now() + 1500;
  await Promise.all(clients);

  for (const log of answers) {
    const failures = log.filter((a) => a.status !== 200);
    assert.deepEqual(failures, [], 'every request is answered with 200');
    const firstHigh = log.findIndex((a) => a.release === 'bgt-high');
    assert.ok(firstHigh > 0, 'each client saw the low release first, then the high one');
    assert.ok(log.slice(0, firstHigh).every((a) => a.release === 'bgt-low'));
    assert.ok(
      log.slice(firstHigh).every((a) => a.release === 'bgt-high'),
      'once switched, never back to the low release',
    );
  }
  const total = answers.reduce((n, log) => n + log.length, 0);
  assert.ok(total > 40, `enough requests to mean something (${total})`);
});
