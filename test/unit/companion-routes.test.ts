// Routed companions (`-t app -t api -t admin`): every target's live router
// rides on the first target's containers, ranked in bands above it; the
// companions' own containers carry static labels (preview router, services).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourLabels, companionContainerLabels, launchedBeforeStride, liveCompanionExcludesOf, rankedCompanions, routesOf } from '../../src/plan/labels.js';
import { renderColourProject } from '../../src/plan/colour-project.js';
import { companionLivePriority, checkPriority, legacyLivePriority, livePriority, PREVIEW_PRIORITY } from '../../src/plan/priority.js';
import { isColourLiveService, isColourObject } from '../../src/plan/names.js';
import { answerCounts } from '../../src/plan/bake.js';
import { sumCounter } from '../../src/plan/metrics.js';
import type { RoutingSpec } from '../../src/plan/release.js';
import { sampleRelease } from './release-fixture.js';
import { releaseFromYaml, releaseToYaml } from '../../src/plan/release-file.js';

const routing = (rule: string, more: Partial<RoutingSpec> = {}): RoutingSpec => ({
  rule,
  servicePaths: [],
  port: 9000,
  entrypoints: ['web'],
  middlewares: [],
  routerExtras: {},
  serviceExtras: {},
  ...more,
});
const release = sampleRelease({
  companions: { api: { image: 'sha256:ap1', labels: { 'com.example.team': 'api' } }, admin: { image: 'sha256:ad1' }, worker: { image: 'sha256:w1', labels: { 'traefik.enable': 'false' } } },
  companionRouting: {
    // Longer rule, higher base priority: ranked above api.
    admin: routing('Host(`shop.localhost`) && PathPrefix(`/api/admin`)', { middlewares: ['auth'], middlewareDefinitions: { auth: { 'basicauth.users': 'u:$apr1$x' } } }),
    api: routing('Host(`shop.localhost`) && PathPrefix(`/api`)'),
  },
});
const GATEWAY = 'traefik_webgateway';

test('routed companions rank by the priority Traefik gave their routers before, above the first target', () => {
  assert.deepEqual(
    rankedCompanions(release).map((c) => [c.target, c.rank]),
    [
      ['api', 1],
      ['admin', 2],
    ],
  );
  // Within a generation the narrower route wins; a newer generation wins for every target; all stay under the check and preview routers.
  assert.ok(companionLivePriority(7, 2) > companionLivePriority(7, 1));
  assert.ok(companionLivePriority(8, 1) > companionLivePriority(7, 1));
  assert.ok(companionLivePriority(1_000_000, 39) < checkPriority(0));
});

test('the live first target carries every routed companion’s live router, to the companion’s own service, and records them', () => {
  const exclude = { api: [{ name: 'team-api@docker', rule: 'Host(`shop.localhost`) && PathPrefix(`/api/v0`)' }] };
  const labels = colourLabels(release, 'green', { kind: 'live', generation: 7, companionExclude: exclude }, GATEWAY);
  assert.equal(labels['traefik.http.routers.shop-green-api-live.rule'], '(Host(`shop.localhost`) && PathPrefix(`/api`)) && !(Host(`shop.localhost`) && PathPrefix(`/api/v0`))');
  assert.equal(labels['traefik.http.routers.shop-green-api-live.priority'], String(companionLivePriority(7, 1)));
  assert.equal(labels['traefik.http.routers.shop-green-api-live.service'], 'shop-green-api');
  assert.equal(labels['traefik.http.routers.shop-green-api-live.middlewares'], 'shop-green-retry@docker,shop-green-header@docker');
  assert.equal(labels['traefik.http.routers.shop-green-admin-live.priority'], String(companionLivePriority(7, 2)));
  assert.equal(
    labels['traefik.http.routers.shop-green-admin-live.middlewares'],
    'shop-green-retry@docker,shop-green-header@docker,shop-green-admin-auth@docker',
    'its own middleware: the colour’s copy',
  );
  assert.equal(
    Object.keys(labels).some((k) => k.includes('worker')),
    false,
    'a worker has no router',
  );
  const unescaped = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v.replace(/\$\$/g, '$')]));
  assert.deepEqual(routesOf(unescaped), [
    { target: 'api', base: 44, excludes: exclude.api },
    { target: 'admin', base: 50, excludes: [] },
  ]);
  assert.deepEqual(liveCompanionExcludesOf([{ state: 'running', labels: { ...unescaped } }]), { api: exclude.api, admin: [] });
  const preview = colourLabels(release, 'green', { kind: 'preview' }, GATEWAY);
  assert.equal(
    Object.keys(preview).some((k) => k.includes('-live.')),
    false,
    'no live router before the switch',
  );
});

test('a routed companion’s containers carry its preview router and both its services, whatever the routing mode', () => {
  const labels = companionContainerLabels(release, 'blue', 'admin', GATEWAY, 'k3y');
  assert.deepEqual(labels, {
    'traefik.enable': 'true',
    'traefik.docker.network': GATEWAY,
    'traefik.http.services.shop-blue-admin-preview.loadbalancer.server.port': '9000',
    'traefik.http.services.shop-blue-admin.loadbalancer.server.port': '9000',
    'traefik.http.routers.shop-blue-admin-preview.rule': '(Host(`shop.localhost`) && PathPrefix(`/api/admin`)) && Header(`X-Bluegreen-Color`, `blue`) && Header(`X-Bluegreen-Preview-Key`, `k3y`)',
    'traefik.http.routers.shop-blue-admin-preview.priority': String(PREVIEW_PRIORITY + 2),
    'traefik.http.routers.shop-blue-admin-preview.entrypoints': 'web',
    'traefik.http.routers.shop-blue-admin-preview.service': 'shop-blue-admin-preview',
    'traefik.http.routers.shop-blue-admin-preview.middlewares': 'shop-blue-retry@docker,shop-blue-header@docker,shop-blue-admin-auth@docker',
    'traefik.http.middlewares.shop-blue-admin-auth.basicauth.users': 'u:$$apr1$$x',
  });
  const project = renderColourProject(release, 'blue', { kind: 'live', generation: 3, previewKey: 'k3y' }, GATEWAY);
  const preview = renderColourProject(release, 'blue', { kind: 'preview', previewKey: 'k3y' }, GATEWAY);
  assert.deepEqual(project.services.api, preview.services.api, 'a switch leaves a routed companion as it is');
  assert.deepEqual(project.services.api?.networks, { default: null, bluegreen_gateway: null }, 'on Traefik’s network');
  assert.equal(project.services.api?.labels?.['io.bluegreen.companion-of'], 'blue');
  assert.equal(project.services.api?.labels?.['com.example.team'], 'api');
  assert.equal(project.services.worker?.labels?.['traefik.enable'], 'false');
  assert.equal(project.services.worker?.networks, undefined, 'a worker stays off Traefik’s network');
});

test('every router of either colour is the app’s own, a team router or another app’s is not; metrics of a colour sum its routed targets’ live services', () => {
  assert.ok(isColourObject('shop', 'shop-blue-api-live'));
  assert.ok(isColourObject('shop', 'shop-green-live'));
  assert.ok(isColourObject('shop', 'shop-green-api-preview'));
  assert.ok(!isColourObject('shop', 'shop-api'));
  assert.ok(!isColourObject('shop', 'shop-blue-legacy'), 'a team router named like a colour object is the team’s');
  assert.ok(!isColourObject('shop', 'shopping-blue-live'));
  const live = isColourLiveService('shop', 'blue', 'docker', ['api']);
  assert.deepEqual(
    ['shop-blue@docker', 'shop-blue-api@docker', 'shop-blue-preview@docker', 'shop-blue-api-preview@docker', 'shop-blue-legacy@docker', 'shop-green@docker', 'shop-blue@swarm'].map(live),
    [true, true, false, false, false, false, false],
  );
  const text = [
    'traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-blue@docker"} 10',
    'traefik_service_requests_total{code="500",method="GET",protocol="http",service="shop-blue-api@docker"} 3',
    'traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-blue-api-preview@docker"} 5',
    'traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-green@docker"} 7',
  ].join('\n');
  assert.equal(sumCounter(text, 'traefik_service_requests_total', { service: live }), 13);
  assert.deepEqual([answerCounts(text, live).requests, answerCounts(text, live).errors], [13, 3]);
});

test('the release file keeps the companions’ routing', () => {
  assert.deepEqual(releaseFromYaml(releaseToYaml(release)).companionRouting, release.companionRouting);
});

test('a replica added to a colour launched before the stride carries its live router at the priority it was launched with', () => {
  const before = sampleRelease();
  const running = [{ state: 'running', labels: { 'io.bluegreen.routing': 'live', 'traefik.http.routers.shop-blue-live.priority': String(legacyLivePriority(5)) } }];
  assert.equal(launchedBeforeStride('shop', 'blue', 5, running), true);
  assert.equal(launchedBeforeStride('shop', 'blue', 5, [{ ...running[0]!, labels: { ...running[0]!.labels, 'traefik.http.routers.shop-blue-live.priority': String(livePriority(5)) } }]), false);
  const labels = colourLabels(before, 'blue', { kind: 'live', generation: 5, legacyPriority: true }, GATEWAY);
  assert.equal(labels['traefik.http.routers.shop-blue-live.priority'], '100005');
});

test('a companion’s reference to a middleware the first target defines points at that target’s colour copy', () => {
  const shared = sampleRelease({
    routing: { ...release.routing, middlewares: ['auth'], middlewareDefinitions: { auth: { 'basicauth.users': 'u:p' } } },
    companions: { api: { image: 'sha256:ap1' } },
    companionRouting: { api: routing('Host(`shop.localhost`) && PathPrefix(`/api`)', { middlewares: ['auth', 'other@file'] }) },
  });
  const labels = colourLabels(shared, 'blue', { kind: 'live', generation: 1 }, GATEWAY);
  assert.equal(labels['traefik.http.routers.shop-blue-api-live.middlewares'], 'shop-blue-retry@docker,shop-blue-header@docker,shop-blue-auth@docker,other@file');
});

test('the routers Traefik has: another app’s routed companion counts with its own rule’s priority, its preview not at all; this app’s are its own', async () => {
  const { routerFacts, ownRoute } = await import('../../src/core/routers.js');
  const { exclusionsFor } = await import('../../src/plan/shadowing.js');
  const view = (name: string, rule: string, priority: number) => ({ name, status: 'enabled', rule, priority, service: 's', entryPoints: ['web'], middlewares: [], error: [] });
  const traefik = {
    routers: async () => [
      view('crm-blue-live@docker', 'Host(`shop.localhost`) && PathPrefix(`/crm`)', 100_040),
      view('crm-blue-reports-live@docker', 'Host(`shop.localhost`) && PathPrefix(`/crm/reports`)', 100_041),
      view('crm-blue-reports-preview@docker', '(Host(`shop.localhost`) && PathPrefix(`/crm/reports`)) && Header(`X-Bluegreen-Color`, `blue`)', 1_000_000_001),
      view('shop-green-api-live@docker', 'Host(`shop.localhost`) && PathPrefix(`/api`)', 100_081),
    ],
  };
  const crm = { 'io.bluegreen.app': 'crm', 'io.bluegreen.colour': 'blue', 'io.bluegreen.base-priority': '43', 'io.bluegreen.routes': JSON.stringify([{ target: 'reports', base: 51, excludes: [] }]) };
  const ctx = { app: 'shop', traefik } as unknown as Parameters<typeof routerFacts>[0];
  const facts = await routerFacts(ctx, { managed: Promise.resolve([crm]) });
  assert.deepEqual(
    facts.map((f) => [f.name, f.priority]),
    [
      ['crm-blue-live@docker', 43],
      ['crm-blue-reports-live@docker', 51],
      ['shop-green-api-live@docker', 100_081],
    ],
  );
  const found = exclusionsFor(facts, ownRoute(ctx, release));
  assert.deepEqual(
    found.excluded.map((r) => r.name),
    ['crm-blue-live@docker', 'crm-blue-reports-live@docker'],
    'the other app’s routes are left alone; this app’s own api router is not the team’s',
  );
});
