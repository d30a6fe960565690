// Several routed targets in one release (issue 12): `target: [app, api]`,
// each with its own router (api: a path of app's host). One release number
// covers both; the switch moves both live routers in one Traefik reload, so
// a client calling app then api sees one release, but for a pair that
// straddles that reload; a rollback moves both back; a target that fails
// its checks fails the release as a whole. Under load, real engine and Traefik.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import got from 'got';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { show, TestApp } from '../support/cli.js';
import { ask } from '../support/http.js';
import { assertServedThrough, commandTimes, describeLoad, Load, pairSkew } from '../support/load.js';
import { TEST_TRAEFIK_API } from '../support/ports.js';
import { QUICK_HEALTHCHECK, sampleWith } from '../support/worker.js';

const APP = 'bgt-routed';
const HOST = `${APP}.test`;
// The sample app again as the API: same image, its own router on /api of the app's host.
const API = `  api:
    image: \${SAMPLE_IMAGE:-bluegreen-sample:latest}
    environment:
      RELEASE: \${RELEASE:-v1}
      NEVER_HEALTHY: \${API_NEVER_HEALTHY:-0}
      START_DELAY: \${API_START_DELAY:-0s}
      SIDE_URL: http://store:7000
    expose:
      - "8000"
    depends_on:
      store:
        condition: service_healthy
    labels:
      traefik.http.routers.api.rule: Host(\`${HOST}\`) && PathPrefix(\`/api\`)
${QUICK_HEALTHCHECK}`;
const app = new TestApp(APP, sampleWith(API));
writeFileSync(join(app.dir, 'bluegreen.yml'), 'target: [app, api]\nside_targets: [store]\n');

/** The hostnames (container IDs' first 12 characters) of a colour's running containers of one service. */
async function hostnames(colour: string, service: string): Promise<string[]> {
  const listed = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${APP}-${colour}`, `com.docker.compose.service=${service}`] } });
  return listed.map((c) => c.Id.slice(0, 12));
}

/** Asks app then api: the release each answers with, and whether each came from its own service's containers. */
async function bothAnswer(colour: string) {
  const [page, call] = [await ask(HOST, '/'), await ask(HOST, '/api/orders')];
  const [apps, apis] = [await hostnames(colour, 'app'), await hostnames(colour, 'api')];
  return { releases: [page.release, call.release], fromOwnService: [apps.includes(page.answeredBy ?? ''), apis.includes(call.answeredBy ?? '')] };
}

before(async () => {
  await ensureTestTraefik();
  // Release 1's api starts 2 s later than its app: the rollback onto it must not move app's route before api's.
  const first = await app.run(['deploy'], { RELEASE: 'v1', API_START_DELAY: '2s' });
  assert.equal(first.code, 0, show(first));
});
after(() => app.destroy());

test("each target answers its own route from its own containers; both live routers ride on the colour's route container; status says api is routed", async () => {
  assert.deepEqual(await bothAnswer('blue'), { releases: ['v1', 'v1'], fromOwnService: [true, true] });
  const routers = (await got(`${TEST_TRAEFIK_API}/api/http/routers`).json()) as { name: string; status: string; priority: number }[];
  const live = routers.filter((r) => r.name.startsWith(`${APP}-blue`) && r.name.endsWith('-live@docker'));
  assert.deepEqual(live.map((r) => [r.name, r.status]).sort(), [
    [`${APP}-blue-api-live@docker`, 'enabled'],
    [`${APP}-blue-live@docker`, 'enabled'],
  ]);
  const [route] = await docker.listContainers({ filters: { label: [`io.bluegreen.app=${APP}`, 'io.bluegreen.route-of=blue'] } });
  assert.ok(route?.Labels[`traefik.http.routers.${APP}-blue-api-live.rule`] && route.Labels[`traefik.http.routers.${APP}-blue-live.rule`], 'both live routers on the route container');
  const status = await app.run(['status']);
  assert.match(status.stdout, new RegExp(`${APP}-blue-api-1 {2}running {2}healthy {2}\\(api: routed with the colour\\)`), show(status));
});

/** The servers Traefik lists under a service. */
async function servers(service: string): Promise<number> {
  const found = (await got(`${TEST_TRAEFIK_API}/api/http/services/${service}@docker`, { throwHttpErrors: false }).json()) as { loadBalancer?: { servers?: unknown[] } };
  return found.loadBalancer?.servers?.length ?? 0;
}

test('deploy, scale api +2, scale +1, rollback under sequential app-then-api pairs: no request fails, at most a pair per client straddles each switch', async () => {
  const clients = 8;
  const load = new Load(HOST, { clients, then: '/api/orders' }).start();
  const { timed, assertServed } = commandTimes();
  const deployed = await timed('deploy', () => app.run(['deploy'], { RELEASE: 'v2' }));
  assert.equal(deployed.code, 0, show(deployed));
  assert.deepEqual(await bothAnswer('green'), { releases: ['v2', 'v2'], fromOwnService: [true, true] });
  const apiScaled = await timed('scale api +2', () => app.run(['scale', 'api', '+2']));
  assert.equal(apiScaled.code, 0, show(apiScaled));
  assert.match(apiScaled.stdout, /api of green scaled from 1 to 3/, show(apiScaled));
  assert.deepEqual([(await hostnames('green', 'api')).length, await servers(`${APP}-green-api`), (await hostnames('green', 'app')).length], [3, 3, 1]);
  const scaled = await timed('scale +1', () => app.run(['scale', '+1']));
  assert.equal(scaled.code, 0, show(scaled));
  assert.deepEqual([(await hostnames('green', 'app')).length, (await hostnames('green', 'api')).length, await servers(`${APP}-green-api`)], [2, 3, 3], 'scaling app leaves api’s count as it is');
  assert.deepEqual(
    await bothAnswer('green'),
    { releases: ['v2', 'v2'], fromOwnService: [true, true] },
    'a replica added later carries the same routers (Traefik would drop a router defined two ways)',
  );
  const rolled = await timed('rollback', () => app.run(['rollback']));
  assert.equal(rolled.code, 0, show(rolled));
  assert.deepEqual(await bothAnswer('blue'), { releases: ['v1', 'v1'], fromOwnService: [true, true] }, 'both targets back on release 1');
  const report = await load.stop();
  const { answered, skewed } = pairSkew(load.pairs);
  // The fewest today: some 2900 requests during a scale (5 to 12 s).
  const during = assertServed(report, 400);
  console.log(
    `routed targets: deploy, scale api +2, scale +1, rollback under load: ${describeLoad(report)}; requests started during ${during}; app-then-api pairs answered ${answered}, skewed ${skewed.length} (${skewed.map(([a, b]) => `${a.release}->${b.release}`).join(' ') || 'none'})`,
  );
  assert.ok(answered > 200, `pairs answered: ${answered}`);
  // Two switches (the deploy's, the rollback's): one reload each, each client straddles it at most once.
  assert.ok(skewed.length <= 2 * clients, `skewed pairs: ${skewed.length}`);
});

test('an api that never gets healthy fails the release as a whole: exit 1 naming it, the candidate removed, both targets left live', async () => {
  const load = new Load(HOST, { clients: 4, then: '/api/orders' }).start();
  const startedAt = Date.now();
  const bad = await app.run(['deploy', '--timeout', '10s'], { RELEASE: 'v3', API_NEVER_HEALTHY: '1' });
  const endedAt = Date.now();
  const report = await load.stop();
  assert.equal(bad.code, 1, show(bad));
  assert.match(bad.stderr, /api of green \(release 3\)/, show(bad));
  assert.deepEqual(await bothAnswer('blue'), { releases: ['v1', 'v1'], fromOwnService: [true, true] });
  assert.deepEqual(await hostnames('green', 'api'), [], 'the candidate colour was removed');
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 800, what: 'the failed deploy' });
  assert.equal(pairSkew(load.pairs).skewed.length, 0);
  console.log(`routed targets: an api never healthy, under load: exit ${bad.code} in ${bad.ms} ms; ${describeLoad(during)} during the deploy, ${describeLoad(report)} in all`);
});

test('scale api -1 moves the release to the other colour with one api fewer (never removed in place while routed); app keeps its count; no request fails', async () => {
  const clients = 8;
  const apps = (await hostnames('blue', 'app')).length;
  const load = new Load(HOST, { clients, then: '/api/orders' }).start();
  const { timed, assertServed } = commandTimes();
  const up = await timed('scale api +1', () => app.run(['scale', 'api', '+1']));
  assert.equal(up.code, 0, show(up));
  const down = await timed('scale api -1', () => app.run(['scale', 'api', '-1']));
  assert.equal(down.code, 0, show(down));
  assert.match(down.stdout, /api of green scaled from 2 to 1 \(live moved from blue/, show(down));
  const report = await load.stop();
  assert.deepEqual([(await hostnames('green', 'api')).length, (await hostnames('green', 'app')).length, (await hostnames('blue', 'api')).length], [1, apps, 0]);
  assert.deepEqual(await bothAnswer('green'), { releases: ['v1', 'v1'], fromOwnService: [true, true] });
  const { answered, skewed } = pairSkew(load.pairs);
  const during = assertServed(report, 600);
  console.log(`routed targets: scale api +1, scale api -1 (moved) under load: ${describeLoad(report)}; requests started during ${during}; pairs answered ${answered}, skewed ${skewed.length}`);
  assert.equal(skewed.length, 0, 'one release on both colours: no pair can see two');
  const unknown = await app.run(['scale', 'nope', '+1']);
  assert.equal(unknown.code, 2, show(unknown));
  assert.match(unknown.stderr, /nope is not a target of release 1 \(its targets: app, api\)/, show(unknown));
});
