// The CLI as users run it: dist/ as `npm run build` bundles it (set-up
// builds it), not src/ through tsx. A deploy, a second one, status and
// completion through the bundle, so that what bundling can break (a
// dependency's dynamic require, a file found relative to the module) fails here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureTestTraefik } from '../support/traefik.js';
import { ask } from '../support/http.js';
import { TestApp } from '../support/cli.js';

const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));
const app = new TestApp('bgt-built');
const run = (args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [BUILT, ...args], { cwd: app.dir, env: app.env(env) }).then(
    (done) => ({ code: 0, ...done }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );

/** The result line of a --json run (the last one). */
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

before(() => ensureTestTraefik());
after(() => app.destroy());

test('the bundled CLI deploys twice, reports status and completes', async () => {
  assert.ok(existsSync(BUILT), `${BUILT} is built by scripts/setup.sh (npm run build)`);
  for (const release of ['v1', 'v2']) {
    const deployed = await run(['deploy'], { RELEASE: release });
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.equal((await ask(app.host)).release, release);
  }
  const status = await run(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /"live":"green"/);
  const completion = await run(['completion', 'bash']);
  assert.match(completion.stdout, /complete -F _bluegreen bluegreen/);
  const bad = await run(['history', '--drain', '5s']);
  assert.equal(bad.code, 2);
});

test('the bundle starts from its code cache, and as well from an unusable one; the engine ID is asked once per engine socket', async () => {
  const home = mkdtempSync(join(tmpdir(), 'bgt-built-home-'));
  try {
    // No --state-dir: the store is found by the engine's ID, under this XDG state home.
    const env = { XDG_CACHE_HOME: join(home, 'cache'), XDG_STATE_HOME: join(home, 'state'), BG_STATE_DIR: '' };
    const first = await run(['status', '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    const cacheDir = join(home, 'cache', 'bluegreen');
    const caches = readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache'));
    assert.equal(caches.length, 1, `one code cache in ${cacheDir}: ${readdirSync(cacheDir).join(', ')}`);

    const engineId = (await promisify(execFile)('docker', ['info', '--format', '{{.ID}}'])).stdout.trim();
    const engines = readdirSync(join(cacheDir, 'engines'));
    assert.deepEqual(
      engines.map((name) => readFileSync(join(cacheDir, 'engines', name), 'utf8').trim()),
      [engineId],
    );
    assert.equal(lastJson(first.stdout).store, join(home, 'state', 'bluegreen', `engine-${engineId}`, app.app));

    // A cache V8 cannot use (another build's, damaged) is compiled past and replaced.
    const cache = join(cacheDir, caches[0]!);
    writeFileSync(cache, 'not a code cache');
    const second = await run(['status', '--json'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(lastJson(second.stdout).live, lastJson(first.stdout).live);
    assert.notEqual(readFileSync(cache, 'utf8'), 'not a code cache');

    const plugin = await promisify(execFile)(process.execPath, [fileURLToPath(new URL('../../dist/docker-plugin.cjs', import.meta.url)), 'docker-cli-plugin-metadata']);
    assert.equal(JSON.parse(plugin.stdout).Vendor, 'bluegreen');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
