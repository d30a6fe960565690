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
  assert.deepEqual(
    history.result?.entries.map((e: any) => `${e.operation}:${e.outcome}:${e.release}:${e.colour}`),
    ['deploy:ok:1:blue', 'deploy:ok:2:green'],
  );
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
  assert.deepEqual([stored.lastRelease, stored.generation], [11, 5], "both writers' changes are kept");
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

test('a holder whose Consul session is destroyed mid-deploy stops before changing anything more, says so (exit 5), and live traffic keeps flowing', async () => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { Load, assertServedThrough, describeLoad } = await import('../support/load.js');
  const live = (await ask(app.host)).release;
  const load = new Load(app.host, { clients: 4 }).start();
  const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), cli, 'deploy', '--state', 'consul', '--json'], { cwd: app.dir, env: app.env({ ...consulEnv, RELEASE: 'lost' }) });
  const events: Record<string, any>[] = [];
  let destroyed = false;
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', async (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const event = JSON.parse(line);
      events.push({ ...event, destroyedBefore: destroyed });
      if (!destroyed && event.event === 'step' && event.step === 'healthy' && event.state === 'started') {
        destroyed = true;
        const lock = await consul.get(`bluegreen/${app.app}/lock`);
        await consul.destroySession(lock!.session!);
      }
    }
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const endedAt = Date.now();
  const result = await load.stop();
  assert.ok(destroyed, 'the session was destroyed mid-deploy');
  assert.equal(code, 5, stderr);
  assert.match(stderr, /the app's lock was lost \(.*\): stopped before changing anything more/);
  const afterLoss = events.filter((e) => e.event === 'step' && e.state === 'started' && e.destroyedBefore && e.step !== 'healthy');
  assert.deepEqual(afterLoss.map((e) => e.step).slice(0, 1), [], 'no step started once the lock was lost');
  const during = assertServedThrough(result, { startedAt, endedAt }, { min: 400, what: 'the deploy that lost its lock' });
  assert.equal((await ask(app.host)).release, live, 'live traffic untouched');
  // The destroyed session holds the key back for its lock-delay (15 s).
  const next = await app.run(['deploy', '--state', 'consul', '--wait-lock', '40s'], { ...consulEnv, RELEASE: 'after-loss' });
  assert.equal(next.code, 0, show(next));
  console.log(`lock lost mid-deploy: exit ${code} in ${endedAt - startedAt} ms; ${describeLoad(during)} during it, ${describeLoad(result)} in all; the next deploy: exit ${next.code}`);
});
