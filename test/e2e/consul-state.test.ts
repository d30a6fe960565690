// State in Consul: the same records as the file store under
// bluegreen/<app>/, written with check-and-set; an unreachable Consul is
// exit 4 before anything changes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { show, TestApp } from '../support/cli.js';
import { ask } from '../support/http.js';
import { ConsulClient } from '../../src/runtime/consul.js';
import { ConsulStore } from '../../src/runtime/consul-store.js';

const address = process.env.CONSUL_HTTP_ADDR ?? 'http://127.0.0.1:8500';
const consul = new ConsulClient({ address });
const app = new TestApp('bgt-consul');
const consulEnv = { BG_STATE: 'consul', CONSUL_HTTP_ADDR: address };

before(async () => {
  await ensureTestTraefik();
  await consul.delete(`bluegreen/${app.app}`, { recurse: true });
});
after(async () => {
  await app.destroy();
  await consul.delete(`bluegreen/${app.app}`, { recurse: true });
  await consul.delete('bluegreen/bgt-cas', { recurse: true });
});

test('deploys with --state consul write state, frozen releases and history under bluegreen/<app>/', async () => {
  for (const release of ['v1', 'v2']) {
    const run = await app.run(['deploy', '--state', 'consul'], { ...consulEnv, RELEASE: release });
    assert.equal(run.code, 0, show(run));
  }
  const keys = (await consul.list(`bluegreen/${app.app}/`)).map((e) => e.key.replace(`bluegreen/${app.app}/`, ''));
  assert.ok(keys.includes('state'));
  assert.ok(keys.includes('releases/1') && keys.includes('releases/2'), keys.join(', '));
  assert.equal(keys.filter((k) => k.startsWith('history/')).length, 2);
  assert.ok(!keys.includes('lock'), 'the lock is released when the command ends');
  const state = JSON.parse((await consul.get(`bluegreen/${app.app}/state`))!.value);
  assert.deepEqual([state.live.colour, state.live.release, state.previousLive, state.generation], ['green', 2, 1, 2]);
  assert.match((await consul.get(`bluegreen/${app.app}/releases/1`))!.value, /RELEASE: v1/);

  const history = await app.run(['history', '--json'], consulEnv);
  assert.deepEqual(history.result?.entries.map((e: any) => `${e.operation}:${e.outcome}:${e.release}:${e.colour}`), ['deploy:ok:1:blue', 'deploy:ok:2:green']);
  const rollback = await app.run(['rollback'], consulEnv);
  assert.equal(rollback.code, 0, show(rollback));
  assert.equal((await ask(app.host)).release, 'v1', 'rollback reads the frozen release from Consul');
});

test('a write that loses its check-and-set is read again and retried, never lost', async () => {
  const key = 'bluegreen/bgt-cas/state';
  // Another writer (another CI runner) changes the state between this
  // store's read and its write, once.
  class Interleaved extends ConsulClient {
    interfered = false;
    override async put(k: string, value: string, cas?: number): Promise<boolean> {
      if (!this.interfered && cas !== undefined) {
        this.interfered = true;
        const theirs = JSON.parse((await consul.get(key))!.value);
        assert.equal(await consul.put(key, JSON.stringify({ ...theirs, generation: theirs.generation + 5 })), true);
      }
      return super.put(k, value, cas);
    }
  }
  const store = new ConsulStore(new Interleaved({ address }), 'bgt-cas');
  await new ConsulStore(consul, 'bgt-cas').update((s) => ({ ...s, lastRelease: 10 }));
  let calls = 0;
  const written = await store.update((s) => {
    calls++;
    return { ...s, lastRelease: s.lastRelease + 1 };
  });
  assert.equal(calls, 2, 'the losing write was read again and retried');
  const stored = JSON.parse((await consul.get(key))!.value);
  assert.deepEqual([stored.lastRelease, stored.generation], [11, 5], 'both writers\' changes are kept');
  assert.deepEqual(written, stored);
});

test('Consul unreachable: status and deploy exit 4 naming the address, and nothing changes', async () => {
  const before = (await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`] } })).map((c) => c.Id).sort();
  const nowhere = { BG_STATE: 'consul', CONSUL_HTTP_ADDR: 'http://127.0.0.1:9' };
  for (const args of [['status'], ['deploy']]) {
    const run = await app.run(args, { ...nowhere, RELEASE: 'v9' });
    assert.equal(run.code, 4, show(run));
    assert.match(run.stderr, /Consul at http:\/\/127\.0\.0\.1:9 is unreachable/);
    assert.match(run.stderr, /hint: /);
  }
  const afterIds = (await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`] } })).map((c) => c.Id).sort();
  assert.deepEqual(afterIds, before);
});
