// A failed command never harms live traffic, and every failure has its exit
// code: a bad release (1), bad input (2), an unreachable Traefik (4).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { ask } from '../support/http.js';
import { show, TestApp } from '../support/cli.js';
import { assertServedThrough, describeLoad, Load } from '../support/load.js';

const app = new TestApp('bgt-fail');

before(async () => {
  await ensureTestTraefik();
  for (const release of ['v1', 'v2']) {
    const run = await app.run(['deploy', '--json'], { RELEASE: release });
    assert.equal(run.code, 0, show(run));
  }
});
after(() => app.destroy());

const appContainers = async () => (await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`] } })).map((c) => `${c.Id}:${c.State}`).sort();

test('a release that never becomes healthy: exit 1 within its timeout, live traffic unharmed, candidate removed, rollback still works', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  const startedAt = Date.now();
  const bad = await app.run(['deploy', '--timeout', '8s'], { RELEASE: 'v3-bad', NEVER_HEALTHY: '1' });
  const endedAt = Date.now();
  const result = await load.stop();

  assert.equal(bad.code, 1, show(bad));
  assert.ok(bad.ms < 8_000 + 10_000, `it gave up within its timeout (took ${bad.ms}ms)`);
  assert.match(bad.stderr, /not healthy after|is unhealthy/);
  assert.match(bad.stderr, /hint: /);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  const during = assertServedThrough(result, { startedAt, endedAt }, { min: 800, what: 'the failed deploy' });
  assert.ok(
    result.samples.every((s) => s.release === 'v2'),
    'live stayed on v2 throughout',
  );
  console.log(`a release never healthy, under load: exit ${bad.code} in ${bad.ms} ms; ${describeLoad(during)} during the deploy, ${describeLoad(result)} in all`);

  const blue = await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`, 'io.bluegreen.colour=blue'] } });
  assert.deepEqual(blue, [], 'the failed candidate is removed (it had replaced the stopped v1)');

  const back = await app.run(['rollback', '--json']);
  assert.equal(back.code, 0, show(back));
  assert.equal(back.result?.release, 1, 'the release live before v2 comes back from its frozen file');
  assert.equal((await ask(app.host)).release, 'v1');

  const history = await app.run(['history', '--json']);
  const outcomes = history.result?.entries.map((e: any) => `${e.operation}:${e.outcome}`);
  assert.deepEqual(outcomes, ['deploy:ok', 'deploy:ok', 'deploy:failed', 'rollback:ok']);
});

test('an unreachable Traefik API: exit 4 before anything changes', async () => {
  const before = await appContainers();
  const run = await app.run(['deploy'], { RELEASE: 'v9', BG_TRAEFIK_API: 'http://127.0.0.1:9' });
  assert.equal(run.code, 4, show(run));
  assert.match(run.stderr, /Traefik API at http:\/\/127\.0\.0\.1:9 is unreachable/);
  assert.match(run.stderr, /hint: /);
  assert.deepEqual(await appContainers(), before, 'no container was created, changed or removed');
});

test('bad input is exit 2 with a one-line cause and a hint, and changes nothing', async (t) => {
  const before = await appContainers();
  const liveBefore = (await ask(app.host)).release;
  assert.ok(liveBefore, 'a release is live');
  const original = readFileSync(join(app.dir, 'docker-compose.yml'), 'utf8');
  const cases: { name: string; args: string[]; env?: Record<string, string>; compose?: string; expect: RegExp }[] = [
    { name: 'unknown target', args: ['deploy', '--target', 'nope'], expect: /target "nope" is not a service/ },
    { name: 'broken compose file', args: ['deploy'], compose: 'services:\n  app: [not, a, mapping\n', expect: /compose file/ },
    { name: 'unknown flag', args: ['deploy', '--colour', 'red'], expect: /unknown option/ },
    { name: 'bad duration', args: ['deploy', '--timeout', 'soon'], expect: /--timeout: "soon" is not a duration/ },
    { name: 'container_name', args: ['up'], compose: original.replace('  app:\n', '  app:\n    container_name: fixed\n'), expect: /services\.app\.container_name/ },
    { name: 'host ports', args: ['up'], compose: original.replace('  app:\n', '  app:\n    ports: ["127.0.0.1:18999:8000"]\n'), expect: /services\.app\.ports/ },
    { name: 'network_mode host', args: ['up'], compose: original.replace('  app:\n', '  app:\n    network_mode: host\n'), expect: /services\.app\.network_mode/ },
    {
      name: 'no healthcheck',
      args: ['up'],
      compose: original.replace(
        / {4}healthcheck:\n {6}test: \["CMD", "\/sample", "healthcheck"\]\n {6}interval: 5s\n {6}timeout: 2s\n {6}retries: 2\n {6}start_period: 30s\n {6}start_interval: 250ms\n/,
        '',
      ),
      expect: /has no healthcheck/,
    },
    { name: 'nothing to switch', args: ['switch'], expect: /nothing to switch to/ },
  ];
  try {
    for (const c of cases) {
      await t.test(c.name, async () => {
        writeFileSync(join(app.dir, 'docker-compose.yml'), c.compose ?? original);
        const run = await app.run(c.args, c.env);
        assert.equal(run.code, 2, show(run));
        assert.match(run.stderr, c.expect);
        assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
      });
    }
  } finally {
    writeFileSync(join(app.dir, 'docker-compose.yml'), original);
  }
  assert.deepEqual(await appContainers(), before, 'nothing changed');
  assert.equal((await ask(app.host)).release, liveBefore);
});
