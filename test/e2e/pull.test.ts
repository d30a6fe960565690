// Moving tags: `app:latest` is pulled as the target's pull_policy (or --pull)
// says, against a real registry on loopback. The host keeps an old :latest
// while the registry holds a newer one: `always` deploys the newer one,
// `missing` keeps the old, `never` without the image is exit 2.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestTraefik } from '../support/traefik.js';
import { show, TestApp } from '../support/cli.js';
import { ask } from '../support/http.js';
import { SAMPLE_IMAGE } from '../support/ports.js';
import { TestRegistry } from '../support/registry.js';
import { sampleHealthcheckYaml } from '../support/sample-compose.js';

const registry = new TestRegistry();
const REPO = `${registry.address}/bgt-pull`;
const LATEST = `${REPO}:latest`;

const composeText = `name: bgt-pull
services:
  app:
    image: ${LATEST}
    pull_policy: \${PULL_POLICY:-always}
    expose:
      - "8000"
${sampleHealthcheckYaml()}`;
const app = new TestApp('bgt-pull', composeText);
writeFileSync(join(app.dir, 'bluegreen.yml'), 'target: app\n');

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 120_000, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
/** An image whose app answers with this release (baked in, not from the compose file), tagged `tag`. */
const buildRelease = (release: string, tag: string) =>
  execFileSync('docker', ['build', '-q', '--label', 'io.bluegreen.test=pull', '-t', tag, '-'], {
    input: `FROM ${SAMPLE_IMAGE}\nENV RELEASE=${release}\n`,
    encoding: 'utf8',
    timeout: 120_000,
  }).trim();
const liveRelease = async () => (await ask(app.host)).release;

before(async () => {
  await Promise.all([ensureTestTraefik(), registry.start()]);
  buildRelease('img-v1', LATEST);
  docker('push', '-q', LATEST);
});
after(async () => {
  await app.destroy();
  for (const tag of [LATEST, `${REPO}:v2`]) {
    try {
      docker('rmi', '-f', tag);
    } catch {
      // Already gone.
    }
  }
  await registry.stop();
});

test('pull_policy always: a :latest pushed since deploys, though the host still has the old :latest; missing keeps the old one', async () => {
  const first = await app.run(['deploy']);
  assert.equal(first.code, 0, show(first));
  assert.equal(await liveRelease(), 'img-v1');
  const v1 = docker('image', 'inspect', '-f', '{{.Id}}', LATEST);

  // v2 becomes :latest in the registry; the host's :latest stays v1.
  buildRelease('img-v2', `${REPO}:v2`);
  docker('tag', `${REPO}:v2`, LATEST);
  docker('push', '-q', LATEST);
  docker('tag', v1, LATEST);
  assert.equal(docker('image', 'inspect', '-f', '{{.Id}}', LATEST), v1);

  const missing = await app.run(['deploy', '--pull', 'missing']);
  assert.equal(missing.code, 0, show(missing));
  assert.doesNotMatch(missing.stderr, /pull /, 'nothing pulled: the image is here');
  assert.equal(await liveRelease(), 'img-v1', '--pull missing deploys the :latest the host has');

  const always = await app.run(['deploy']);
  assert.equal(always.code, 0, show(always));
  assert.match(always.stderr, new RegExp(`pull ${LATEST}`));
  assert.equal(await liveRelease(), 'img-v2', 'pull_policy: always deploys what the registry holds');
  assert.notEqual(docker('image', 'inspect', '-f', '{{.Id}}', LATEST), v1);
});

test('pull_policy never without the image is exit 2 before anything changes; an unknown pull_policy too', async () => {
  const before = await liveRelease();
  docker('rmi', '-f', LATEST);
  const never = await app.run(['deploy'], { PULL_POLICY: 'never' });
  assert.equal(never.code, 2, show(never));
  assert.match(never.stderr, /not here and the pull policy is never/);
  assert.match(never.stderr, /hint: /);
  const unknown = await app.run(['deploy'], { PULL_POLICY: 'sometimes' });
  assert.equal(unknown.code, 2, show(unknown));
  // compose rejects it itself (2.26); a newer compose that passes it on meets plan/pull.ts.
  assert.match(unknown.stderr, /pull_policy/);
  assert.equal(await liveRelease(), before, 'live untouched');
  const history = await app.run(['history', '--json']);
  assert.equal(history.code, 0, show(history));
});
