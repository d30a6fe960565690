// --colour-header preview (BG_COLOUR_HEADER, yml colour_header): live answers
// do not say which colour answered; preview answers still do, and the live
// checks of a switch identify the colour through the check router (reached
// with the preview key alone).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { ask } from '../support/http.js';
import { show, TestApp } from '../support/cli.js';
import { assertServedThrough, describeLoad, Load } from '../support/load.js';

const app = new TestApp('bgt-hdr');
const env = { BG_COLOUR_HEADER: 'preview' };

before(() => ensureTestTraefik());
after(() => app.destroy());

test('live answers carry no colour header; preview answers do; up, switch and deploy verify as before', async () => {
  const first = await app.run(['deploy'], { ...env, RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
  const live = await ask(app.host);
  assert.equal(live.release, 'v1');
  assert.equal(live.colour, undefined, 'a live answer does not say its colour');

  const up = await app.run(['up'], { ...env, RELEASE: 'v2' });
  assert.equal(up.code, 0, show(up));
  const preview = await ask(app.host, '/', await app.previewHeaders('green'));
  assert.deepEqual([preview.release, preview.colour], ['v2', 'green'], 'a preview answer says its colour');

  const load = new Load(app.host, { clients: 8 }).start();
  const startedAt = Date.now();
  const switched = await app.run(['switch'], env);
  const endedAt = Date.now();
  const seen = await load.stop();
  assert.equal(switched.code, 0, show(switched));
  const during = assertServedThrough(seen, { startedAt, endedAt }, { min: 300, what: 'the switch' });
  assert.deepEqual([...new Set(seen.samples.map((s) => s.colour))], [undefined], 'no live answer said its colour during the switch');
  const after = await ask(app.host);
  assert.deepEqual([after.release, after.colour], ['v2', undefined]);
  const { 'X-Bluegreen-Preview-Key': key } = await app.previewHeaders('green');
  assert.equal((await ask(app.host, '/', { 'X-Bluegreen-Preview-Key': key! })).colour, 'green', 'the check router answers a key holder with the live colour');
  console.log(`switch with colour_header preview: exit ${switched.code} in ${switched.ms} ms; ${describeLoad(during)} during the switch, ${describeLoad(seen)} in all`);
});
