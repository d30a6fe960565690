// bluegreen doctor against the real engine and Traefik: a compose file with
// each pitfall it knows is exit 1 naming every one (and changes nothing);
// the sample app is warnings only (exit 0); Traefik not answering is an error.
import { after, before, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { show, TestApp } from '../support/cli.js';

const PITFALLS = `name: pitfalls
services:
  app:
    image: bluegreen-sample:latest
    container_name: bgt-doctor-app
    command: ["/bin/sh", "-c", "exec /sample"]
    ports:
      - "127.0.0.1:18999:8000"
    volumes:
      - data:/data
    healthcheck:
      test: ["CMD", "/sample", "healthcheck"]
      interval: 10s
volumes:
  data: {}
`;

const pitfalls = new TestApp('bgt-doctor', PITFALLS);
// No side target in this file.
writeFileSync(join(pitfalls.dir, 'bluegreen.yml'), 'target: app\n');
const sample = new TestApp('bgt-doctor-sample');

before(() => ensureTestTraefik());
after(async () => {
  await pitfalls.destroy();
  await sample.destroy();
});

const rules = (run: { result?: Record<string, any> }) => ((run.result?.findings ?? []) as { severity: string; rule: string }[]).map((f) => `${f.severity}:${f.rule}`).sort();

test('a compose file with each pitfall: exit 1, every one named with its fix, nothing created', async () => {
  const run = await pitfalls.run(['doctor', '--json']);
  assert.equal(run.code, 1, show(run));
  assert.deepEqual(rules(run), [
    'error:container-name',
    'error:published-ports',
    'warning:restart',
    'warning:shared-volume',
    'warning:shell-form',
    'warning:slow-first-healthcheck',
    'warning:traefik-enable',
  ]);
  assert.ok(((run.result?.findings ?? []) as { fix: string }[]).every((f) => f.fix.length > 0));
  const human = await pitfalls.run(['doctor']);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^error: app sets container_name: bgt-doctor-app/m);
  assert.match(human.stdout, /^ {2}fix: /m);
  assert.match(human.stdout, /app: 2 errors, 5 warnings$/m);
  const created = await docker.listContainers({ all: true, filters: { label: ['com.docker.compose.project=pitfalls'] } });
  assert.deepEqual(created, [], 'doctor starts nothing');
  assert.deepEqual(await docker.listVolumes({ filters: { name: ['pitfalls_data'] } }).then((v) => v.Volumes ?? []), [], 'nor makes a volume');
});

test("the sample app: warnings only (exit 0); Traefik's API not answering is an error (exit 1)", async () => {
  const run = await sample.run(['doctor', '--json']);
  assert.equal(run.code, 0, show(run));
  assert.ok(
    rules(run).every((r) => r.startsWith('warning:')),
    rules(run).join(', '),
  );
  assert.ok(rules(run).includes('warning:restart'), 'the sample has no restart policy');
  const away = await sample.run(['doctor', '--json'], { BG_TRAEFIK_API: 'http://127.0.0.1:9' });
  assert.equal(away.code, 1, show(away));
  assert.ok(rules(away).includes('error:traefik-api'), rules(away).join(', '));
});

test("a Traefik at its default provider throttle (2 s), read from its command line: a warning naming it; the project's own (200ms): none", async () => {
  const image = (await docker.getContainer((await docker.listContainers({ filters: { label: ['com.docker.compose.project=bgtest-traefik'] } }))[0]!.Id).inspect()).Config.Image;
  const name = 'bgt-doctor-slow-traefik';
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  const slow = await docker.createContainer({
    name,
    Image: image,
    Cmd: ['--api.insecure=true', '--providers.docker=true', '--providers.docker.exposedByDefault=false'],
    Labels: { 'io.bluegreen.test': 'doctor' },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18998' }] }, Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro'] },
    ExposedPorts: { '8080/tcp': {} },
  });
  try {
    await slow.start();
    let run = await sample.run(['doctor', '--json'], { BG_TRAEFIK_API: 'http://127.0.0.1:18998' });
    for (let i = 0; i < 20 && rules(run).includes('error:traefik-api'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      run = await sample.run(['doctor', '--json'], { BG_TRAEFIK_API: 'http://127.0.0.1:18998' });
    }
    const throttle = ((run.result?.findings ?? []) as { rule: string; message: string }[]).find((f) => f.rule === 'provider-throttle');
    assert.match(throttle?.message ?? '', /Traefik bgt-doctor-slow-traefik applies Docker's changes up to 2 s late \(providersThrottleDuration, Traefik's default\)/, show(run));
    const own = await sample.run(['doctor', '--json']);
    assert.equal(rules(own).includes('warning:provider-throttle'), false, rules(own).join(', '));
  } finally {
    await slow.remove({ force: true });
  }
});
