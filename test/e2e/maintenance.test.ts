// Maintenance mode (issue 29): `maintenance on` answers every request to the
// app's live routes 503 with the page and Retry-After, except the allowed
// ones, which reach the live colour; `off` lets them all through again. Under
// load, every answer is the app's or the page's: none is lost in between.
// `deploy --maintenance` wraps a release whose pre_switch hook migrates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { ask } from '../support/http.js';
import { show, TestApp } from '../support/cli.js';
import { describeLoad, Load, type LoadReport, type Sample } from '../support/load.js';
import { TEST_TRAEFIK_URL } from '../support/ports.js';

const app = new TestApp('bgt-maint');
const PAGE = '<!doctype html><h1>Back soon</h1><p>bgt-maint is down for maintenance.</p>\n';

// The pre_switch hook plays a migration: it records what a stranger gets meanwhile.
const HOOK = `#!/bin/sh
curl -s -o /dev/null -w '%{http_code}' -H "Host: ${app.host}" "${TEST_TRAEFIK_URL}/" > migration.log
sleep 1
`;

before(async () => {
  writeFileSync(join(app.dir, 'down.html'), PAGE);
  writeFileSync(join(app.dir, 'migrate.sh'), HOOK, { mode: 0o755 });
  appendFileSync(join(app.dir, 'bluegreen.yml'), 'hooks:\n  pre_switch: ./migrate.sh\n');
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(async () => {
  await app.destroy();
  const images = await docker.listImages({ filters: { reference: ['bluegreen-maintenance'] } });
  assert.deepEqual(
    images.map((i) => i.RepoTags),
    [],
    'no maintenance image left',
  );
});

const maintenanceContainers = async () => {
  const of = (role: string) => docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.role=${role}`] } });
  return [...(await of('maintenance')), ...(await of('maintenance-page'))];
};

/** Each answer is the app's (2xx of a known release) or the page's (503, Retry-After); returns both counts. */
function appOrPage(report: LoadReport, releases: string[], retryAfter: string): { app: number; page: number } {
  const isApp = (s: Sample) => s.status === 200 && releases.includes(s.release ?? '');
  const isPage = (s: Sample) => s.status === 503 && s.maintenance === true && s.retryAfter === retryAfter;
  const neither = report.samples.filter((s) => !isApp(s) && !isPage(s));
  assert.deepEqual(
    neither.slice(0, 5).map((s) => s.error ?? `${s.status} ${s.release ?? ''}`),
    [],
    `${neither.length} answers were neither the app's nor the page's: ${describeLoad(report)}`,
  );
  return { app: report.samples.filter(isApp).length, page: report.samples.filter(isPage).length };
}

test('maintenance on then off under load: each answer the app or the page (503, Retry-After), the allowed header reaches the live colour, status says it', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const on = await app.run(['maintenance', 'on', '--page', 'down.html', '--allow', 'X-Team: ops', '--retry-after', '2m']);
  assert.equal(on.code, 0, show(on));
  const stranger = await ask(app.host);
  assert.equal(stranger.status, 503);
  assert.equal((await ask(app.host, '/', { 'X-Team': 'ops' })).release, 'v1', 'the allowed header reaches the live colour');
  assert.equal((await ask(app.host, '/', { 'X-Team': 'someone else' })).status, 503, 'another value of the header is not let through');
  const status = await app.run(['status']);
  assert.match(status.stdout, /maintenance: ON, page [0-9a-f]{12} answers bgt-maint-maintenance; let through: header X-Team/);
  const again = await app.run(['maintenance', 'on', '--page', 'down.html', '--allow', 'X-Team: ops', '--retry-after', '2m']);
  assert.equal(again.code, 0, show(again));
  assert.match(again.stdout, /in maintenance already/);
  const other = await app.run(['maintenance', 'on']);
  assert.equal(other.code, 2, 'another page while one is up: refused');
  await new Promise((resolve) => setTimeout(resolve, 500));

  const off = await app.run(['maintenance', 'off']);
  assert.equal(off.code, 0, show(off));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const report = await load.stop();
  const seen = appOrPage(report, ['v1'], '120');
  assert.ok(seen.page > 50 && seen.app > 50, `both the page and the app answered: ${JSON.stringify(seen)}`);
  assert.equal((await ask(app.host)).release, 'v1');
  assert.deepEqual(await maintenanceContainers(), [], 'nothing of maintenance left once off');
  assert.match((await app.run(['status'])).stdout, /maintenance: off/);
  const offAgain = await app.run(['maintenance', 'off']);
  assert.equal(offAgain.code, 0);
  assert.match(offAgain.stdout, /was not in maintenance/);
  console.log(`maintenance on ${on.ms} ms, off ${off.ms} ms; ${describeLoad(report)}: ${seen.app} from the app, ${seen.page} the page`);
});

test('deploy --maintenance: strangers get the page while the pre_switch hook migrates, then the new release, with nothing lost', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const deployed = await app.run(['deploy', '--maintenance', '--page', 'down.html', '--json'], { RELEASE: 'v2' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const report = await load.stop();
  assert.equal(deployed.code, 0, show(deployed));
  assert.equal(readFileSync(join(app.dir, 'migration.log'), 'utf8'), '503', 'during the migration a stranger got the page');
  const steps = deployed.events.filter((e) => e.event === 'step' && e.state === 'done').map((e) => e.step);
  const order = [steps.indexOf('maintenance-route'), steps.indexOf('hook-pre-switch'), steps.indexOf('route'), steps.lastIndexOf('maintenance-page')];
  assert.ok(
    order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)),
    `maintenance on, the migration, the switch, then maintenance off: ${steps.join(', ')}`,
  );
  const seen = appOrPage(report, ['v1', 'v2'], '60');
  assert.ok(seen.page > 0, `the page answered during the deploy: ${describeLoad(report)}`);
  assert.ok(report.samples.some((s) => s.release === 'v2'));
  assert.equal((await ask(app.host)).release, 'v2');
  assert.deepEqual(await maintenanceContainers(), [], 'maintenance off after the deploy');
  console.log(`deploy --maintenance ${deployed.ms} ms; ${describeLoad(report)}: ${seen.app} from the app, ${seen.page} the page`);
});
