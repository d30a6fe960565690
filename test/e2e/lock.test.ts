// The app's lock: two deploys started together, exactly one runs and the
// other exits 3 naming the holder; --wait-lock waits; unlock breaks a lock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
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
