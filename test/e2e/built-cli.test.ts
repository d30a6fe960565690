// The CLI as users run it: dist/ as `npm run build` bundles it (set-up
// builds it), not src/ through tsx. A deploy, a second one, status and
// completion through the bundle, so that what bundling can break (a
// dependency's dynamic require, a file found relative to the module) fails here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureTestTraefik } from '../support/traefik.js';
import { ask } from '../support/http.js';
import { TestApp } from '../support/cli.js';

const BUILT = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const app = new TestApp('bgt-built');
const run = (args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [BUILT, ...args], { cwd: app.dir, env: app.env(env) }).then(
    (done) => ({ code: 0, ...done }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );

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
