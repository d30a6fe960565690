import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/runtime/file-store.js';
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

test('release files hold secrets: files 0600, directories 0700, and .bluegreen/ ignores itself in git', async () => {
  const { statSync } = await import('node:fs');
  const { sampleRelease } = await import('./release-fixture.js');
  const dir = mkdtempSync(join(tmpdir(), 'bgt-modes-'));
  try {
    const store = new FileStore(dir, 'shop');
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
