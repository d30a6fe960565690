// The app's lock: two deploys started together, exactly one runs and the
// other exits 3 naming the holder; --wait-lock waits; unlock breaks a lock;
// two checkouts of one app share one lock, history and release numbering.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestTraefik } from '../support/traefik.js';
import { show, TestApp } from '../support/cli.js';
import { ConsulClient } from '../../src/runtime/consul.js';

const address = process.env.CONSUL_HTTP_ADDR ?? 'http://127.0.0.1:8500';
const app = new TestApp('bgt-lock');

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(async () => {
  await app.destroy();
  await new ConsulClient({ address }).delete(`bluegreen/${app.app}`, { recurse: true });
});

for (const store of ['file', 'consul']) {
  test(`two deploys started together (${store} store): exactly one runs, the other exits 3 naming the holder`, async () => {
    const env = { BG_STATE: store, CONSUL_HTTP_ADDR: address };
    const runs = await Promise.all([app.run(['deploy'], { ...env, RELEASE: 'a' }), app.run(['deploy'], { ...env, RELEASE: 'b' })]);
    const codes = runs.map((r) => r.code).sort();
    assert.deepEqual(codes, [0, 3], runs.map(show).join('\n====\n'));
    const refused = runs.find((r) => r.code === 3)!;
    assert.match(refused.stderr, new RegExp(`locked by \\S+@${hostname()} \\(pid \\d+\\) running \`bluegreen deploy\` since \\d{4}-`));
    assert.match(refused.stderr, /hint: .*--wait-lock/);
    assert.ok(refused.ms < runs.find((r) => r.code === 0)!.ms, 'the refused one exits at once, before the other finishes');
  });
}

test('--wait-lock waits for the holder instead of exiting 3', async () => {
  const [first, second] = await Promise.all([
    app.run(['deploy'], { RELEASE: 'c' }),
    new Promise((resolve) => setTimeout(resolve, 300)).then(() => app.run(['deploy', '--wait-lock', '90s'], { RELEASE: 'd' })),
  ]);
  assert.equal(first.code, 0, show(first));
  assert.equal(second.code, 0, show(second));
});

test('a lock held by a live process stays; unlock breaks it; a lock of a dead process is recovered', async () => {
  const lockFile = join(app.dir, '.bluegreen', app.app, 'lock');
  mkdirSync(join(app.dir, '.bluegreen', app.app), { recursive: true });
  // Held by this test process (alive) as if it were another deploy.
  writeFileSync(lockFile, JSON.stringify({ by: 'ci', host: hostname(), pid: process.pid, command: 'bluegreen deploy', since: '2026-01-01T00:00:00.000Z' }));
  const held = await app.run(['deploy'], { RELEASE: 'e' });
  assert.equal(held.code, 3, show(held));
  assert.match(held.stderr, /locked by ci@.* running `bluegreen deploy` since 2026-01-01/);
  const unlock = await app.run(['unlock']);
  assert.equal(unlock.code, 0, show(unlock));
  assert.match(unlock.stdout, /it was held by ci@/);

  // A holder on this host whose pid is gone: recovered without a person.
  writeFileSync(lockFile, JSON.stringify({ by: 'ci', host: hostname(), pid: 2 ** 22 + 17, command: 'bluegreen deploy', since: '2026-01-01T00:00:00.000Z' }));
  const recovered = await app.run(['status']);
  assert.equal(recovered.code, 0, show(recovered));
  const deploy = await app.run(['deploy'], { RELEASE: 'f' });
  assert.equal(deploy.code, 0, show(deploy));
});

test('two checkouts of one app on one engine (the default store): one lock, one history, one release numbering', async () => {
  // As on a build machine: the same compose file checked out twice, the store
  // where bluegreen keeps it by default (per user and engine, no --state-dir).
  const home = mkdtempSync(join(tmpdir(), 'bgt-lock-home-'));
  const checkouts = [new TestApp('bgt-lock-two'), new TestApp('bgt-lock-two')];
  const env = { BG_STATE_DIR: '', XDG_STATE_HOME: home };
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    const [a, b] = checkouts as [TestApp, TestApp];
    const first = await a.run(['deploy'], { ...env, RELEASE: 'a1' });
    assert.equal(first.code, 0, show(first));

    const [fromA, fromB] = await Promise.all([a.run(['deploy'], { ...env, RELEASE: 'a2' }), later(1500).then(() => b.run(['deploy'], { ...env, RELEASE: 'b1' }))]);
    assert.equal(fromA.code, 0, show(fromA));
    assert.equal(fromB.code, 3, `the second checkout must find the first one's lock\n${show(fromB)}`);
    assert.match(fromB.stderr, /locked by \S+ \(pid \d+\) running `bluegreen deploy`/);

    const [again, waited] = await Promise.all([a.run(['deploy'], { ...env, RELEASE: 'a3' }), later(1500).then(() => b.run(['deploy', '--wait-lock', '90s'], { ...env, RELEASE: 'b2' }))]);
    assert.equal(again.code, 0, show(again));
    assert.equal(waited.code, 0, show(waited));

    const stores = readdirSync(join(home, 'bluegreen'));
    assert.equal(stores.length, 1, `one store for the engine: ${stores.join(', ')}`);
    const history = readFileSync(join(home, 'bluegreen', stores[0]!, 'bgt-lock-two', 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { operation: string; outcome: string; release?: number });
    const deploys = history.filter((h) => h.operation === 'deploy' && h.outcome === 'ok');
    assert.deepEqual(
      deploys.map((h) => h.release),
      [1, 2, 3, 4],
      JSON.stringify(history),
    );
    const status = await a.run(['status', '--json'], env);
    assert.equal(status.result?.colours.find((c: { role: string }) => c.role === 'live')?.release, 4, show(status));
    assert.ok(!existsSync(join(a.dir, '.bluegreen')) && !existsSync(join(b.dir, '.bluegreen')), 'nothing kept in the checkouts');
  } finally {
    await checkouts[0]!.destroy();
    await checkouts[1]!.destroy();
    rmSync(home, { recursive: true, force: true });
  }
});
