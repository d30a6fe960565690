import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/runtime/file-store.js';
import { defaultStateRoot } from '../../src/runtime/state-dir.js';
import { BgError } from '../../src/errors.js';

const holder = (pid: number, since = '2026-01-01T00:00:00.000Z') => ({ by: 'ci', host: hostname(), pid, command: 'bluegreen deploy', since });

test('the file lock: one holder at a time, exit 3 naming the holder, released only by its holder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgt-lock-'));
  try {
    const store = new FileStore(dir, 'shop');
    const mine = await store.lock(holder(process.pid), 0);
    const lockFile = join(store.location, 'lock');
    assert.equal(JSON.parse(readFileSync(lockFile, 'utf8')).pid, process.pid, 'the lock holds its holder from the start');
    await assert.rejects(store.lock(holder(process.pid, 'later'), 0), (error: unknown) => error instanceof BgError && error.exitCode === 3 && /locked by ci@/.test(error.message));
    // Someone broke the lock and took it: releasing ours must not remove theirs.
    writeFileSync(lockFile, JSON.stringify(holder(process.ppid, 'theirs')));
    await mine.release();
    assert.equal(JSON.parse(readFileSync(lockFile, 'utf8')).since, 'theirs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock whose process is gone (same host) is recovered at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgt-lock-'));
  try {
    const store = new FileStore(dir, 'shop');
    const first = await store.lock(holder(process.pid), 0);
    writeFileSync(join(store.location, 'lock'), JSON.stringify(holder(2 ** 22 + 17)));
    const second = await store.lock(holder(process.pid, 'second'), 0);
    await second.release();
    assert.equal(existsSync(join(store.location, 'lock')), false);
    await first.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('release files hold secrets: files 0600, directories 0700, and the root (here .bluegreen/ in a checkout) ignores itself in git', async () => {
  const { statSync } = await import('node:fs');
  const { sampleRelease } = await import('./release-fixture.js');
  const dir = mkdtempSync(join(tmpdir(), 'bgt-modes-'));
  try {
    const store = new FileStore(join(dir, '.bluegreen'), 'shop');
    await store.saveRelease(sampleRelease({ service: { ...sampleRelease().service, environment: { DB_PASSWORD: 'hunter2' } } }));
    await store.update((s) => ({ ...s, lastRelease: 3 }));
    await store.appendHistory({ at: '2026-01-01T00:00:00Z', operation: 'up', outcome: 'ok', durationMs: 1, by: 'ci@x' });
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    for (const file of ['releases/3.yml', 'state.json', 'history.jsonl']) assert.equal(mode(join(store.location, file)), '600', file);
    for (const sub of ['', 'releases']) assert.equal(mode(join(store.location, sub)), '700', sub || store.location);
    assert.equal(mode(join(dir, '.bluegreen')), '700');
    assert.match(readFileSync(join(dir, '.bluegreen', '.gitignore'), 'utf8'), /^\*$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the default root is per user and per engine, under XDG_STATE_HOME or ~/.local/state', () => {
  assert.equal(defaultStateRoot('c182:10f2/x', { HOME: '/home/ci' }), '/home/ci/.local/state/bluegreen/engine-c182-10f2-x');
  assert.equal(defaultStateRoot('c18210f2', { HOME: '/home/ci', XDG_STATE_HOME: '/var/state' }), '/var/state/bluegreen/engine-c18210f2');
  assert.notEqual(defaultStateRoot('engine-a', { HOME: '/h' }), defaultStateRoot('engine-b', { HOME: '/h' }));
});

test("a checkout's .bluegreen/<app> from an older release is moved into the store once, and ignored when the store has state", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgt-takeover-'));
  try {
    const old = new FileStore(join(dir, 'checkout', '.bluegreen'), 'shop');
    await old.update((s) => ({ ...s, lastRelease: 7 }));
    await old.appendHistory({ at: '2026-01-01T00:00:00Z', operation: 'deploy', outcome: 'ok', durationMs: 1, by: 'ci@x' });
    const store = new FileStore(join(dir, 'root'), 'shop');
    assert.equal(await store.takeOver(old.location), 'moved');
    assert.equal((await store.read()).lastRelease, 7);
    assert.equal((await store.history()).length, 1);
    assert.equal(existsSync(old.location), false);
    assert.equal(await store.takeOver(old.location), undefined, 'nothing left to take over');
    const another = new FileStore(join(dir, 'other-checkout', '.bluegreen'), 'shop');
    await another.update((s) => ({ ...s, lastRelease: 2 }));
    assert.equal(await store.takeOver(another.location), 'ignored');
    assert.equal((await store.read()).lastRelease, 7, 'the shared state wins');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a state directory that cannot be made is exit 2 naming it and --state-dir, before any lock is taken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgt-unwritable-'));
  try {
    // A file where the root's parent directory should be: mkdir fails (ENOTDIR) even for root.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const store = new FileStore(join(dir, 'not-a-dir', 'root'), 'shop');
    await assert.rejects(store.lock(holder(process.pid), 0), (error: unknown) => {
      assert.ok(error instanceof BgError, String(error));
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /the state directory .*not-a-dir.* cannot be written \(ENOTDIR\)/);
      assert.match(error.hint ?? '', /--state-dir/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
