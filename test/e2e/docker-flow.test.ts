// The Docker Flow walkthrough (seed 002) replayed with `bluegreen flow`:
// the same flags, docker-flow.yml and steps, on the sample app.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { show, TestApp } from '../support/cli.js';
import { ask } from '../support/http.js';

const app = new TestApp('bgt-flow');
// The walkthrough has no bluegreen.yml: Docker Flow's flags and file only.
rmSync(join(app.dir, 'bluegreen.yml'));

before(() => ensureTestTraefik());
after(() => app.destroy());

const running = async (colour: string) => (await docker.listContainers({ filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`] } })).length;

test('seed 002, step by step', async () => {
  // ./docker-flow --blue-green --target=app --service-path="/demo" --side-target=db --flow=deploy --flow=proxy
  const first = await app.run(['flow', '--blue-green', '--target=app', '--service-path=/demo', '--side-target=store', '--flow=deploy', '--flow=proxy', '--json'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
  assert.equal((await ask(app.host, '/demo')).release, 'v1');
  assert.equal((await ask(app.host, '/elsewhere')).status, 404, 'only the service path is routed');

  // docker-flow.yml, then: ./docker-flow --flow=deploy --flow=proxy --flow=stop-old
  writeFileSync(join(app.dir, 'docker-flow.yml'), 'target: app\nside_targets:\n  - store\nblue_green: true\nservice_path:\n  - /demo\n');
  const second = await app.run(['flow', '--flow=deploy', '--flow=proxy', '--flow=stop-old'], { RELEASE: 'v2' });
  assert.equal(second.code, 0, show(second));
  assert.deepEqual([await running('blue'), await running('green')], [0, 1]);
  assert.equal((await ask(app.host, '/demo')).release, 'v2');

  // ./docker-flow --scale="+2" --flow=scale --flow=proxy
  const scaled = await app.run(['flow', '--scale=+2', '--flow=scale', '--flow=proxy']);
  assert.equal(scaled.code, 0, show(scaled));
  assert.equal(await running('green'), 3);

  // ./docker-flow --scale="-1" --flow=scale --flow=proxy
  // (a scale-down moves live to the other colour with the new count: see scale.ts)
  const descaled = await app.run(['flow', '--scale=-1', '--flow=scale', '--flow=proxy']);
  assert.equal(descaled.code, 0, show(descaled));
  assert.deepEqual([await running('blue'), await running('green')], [2, 0]);

  // ./docker-flow --flow=deploy : the new release runs beside the old, with its count; users still see the old
  const tested = await app.run(['flow', '--flow=deploy'], { RELEASE: 'v3' });
  assert.equal(tested.code, 0, show(tested));
  assert.deepEqual([await running('blue'), await running('green')], [2, 2]);
  assert.equal((await ask(app.host, '/demo')).release, 'v2');
  assert.equal((await ask(app.host, '/demo', await app.previewHeaders('green'))).release, 'v3', 'the new release can be tested before the switch');

  // ./docker-flow --flow=proxy --flow=stop-old
  const finish = await app.run(['flow', '--flow=proxy', '--flow=stop-old']);
  assert.equal(finish.code, 0, show(finish));
  assert.deepEqual([await running('blue'), await running('green')], [0, 2]);
  assert.equal((await ask(app.host, '/demo')).release, 'v3');
});

test('FLOW_* variables are read; blue_green: false and unknown steps are refused with exit 2', async () => {
  const badStep = await app.run(['flow', '--flow=teleport']);
  assert.equal(badStep.code, 2, show(badStep));
  assert.match(badStep.stderr, /unknown step "teleport"/);
  const inPlace = await app.run(['flow', '--flow=proxy'], { FLOW_BLUE_GREEN: 'false' });
  assert.equal(inPlace.code, 2, show(inPlace));
  assert.match(inPlace.stderr, /blue_green: false/);
  const viaEnv = await app.run(['flow'], { FLOW: 'scale,proxy', FLOW_SCALE: '+1' });
  assert.equal(viaEnv.code, 0, show(viaEnv));
  assert.equal(await running('green'), 3);
});
