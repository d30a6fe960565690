import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourLabels, previewKeyOf } from '../../src/plan/labels.js';
import { sampleRelease } from './release-fixture.js';

/** The labels every colour carries, preview or live, for release 3 of shop on the default routing. */
const previewBlue = {
  'traefik.enable': 'true',
  'traefik.docker.network': 'traefik_webgateway',
  // The preview service only: a switch starts live containers beside preview ones, which must never serve live traffic.
  'traefik.http.services.shop-blue-preview.loadbalancer.server.port': '8080',
  'traefik.http.middlewares.shop-blue-header.headers.customresponseheaders.X-Bluegreen-Color': 'blue',
  'traefik.http.middlewares.shop-blue-retry.retry.attempts': '3',
  'traefik.http.middlewares.shop-blue-retry.retry.initialinterval': '50ms',
  'traefik.http.routers.shop-blue-preview.rule': '(Host(`shop.localhost`)) && Header(`X-Bluegreen-Color`, `blue`)',
  'traefik.http.routers.shop-blue-preview.priority': '1000000000',
  'traefik.http.routers.shop-blue-preview.entrypoints': 'web',
  'traefik.http.routers.shop-blue-preview.service': 'shop-blue-preview',
  'traefik.http.routers.shop-blue-preview.middlewares': 'shop-blue-retry@docker,shop-blue-header@docker',
  'io.bluegreen.managed': 'true',
  'io.bluegreen.app': 'shop',
  'io.bluegreen.colour': 'blue',
  'io.bluegreen.release': '3',
  'io.bluegreen.image': 'shop:1.2',
  'io.bluegreen.routing': 'preview',
  'io.bluegreen.generation': '',
  'io.bluegreen.base-priority': '22',
  'io.bluegreen.excludes': '',
  'io.bluegreen.preview-key': '',
};

test('preview mode: the preview router only, with the colour header and retry middlewares', () => {
  assert.deepEqual(colourLabels(sampleRelease(), 'blue', { kind: 'preview' }, 'traefik_webgateway'), previewBlue);
});

test('with a preview key: the preview router asks for it, the live router does not, and the colour records it', () => {
  const labels = colourLabels(sampleRelease(), 'blue', { kind: 'live', generation: 2, previewKey: 'k3y-_Z' }, 'traefik_webgateway');
  assert.equal(labels['traefik.http.routers.shop-blue-preview.rule'], '(Host(`shop.localhost`)) && Header(`X-Bluegreen-Color`, `blue`) && Header(`X-Bluegreen-Preview-Key`, `k3y-_Z`)');
  assert.equal(labels['traefik.http.routers.shop-blue-live.rule'], 'Host(`shop.localhost`)');
  assert.equal(labels['io.bluegreen.preview-key'], 'k3y-_Z');
  assert.equal(previewKeyOf([{ labels: { 'io.bluegreen.preview-key': '' } }, { labels }]), 'k3y-_Z');
  assert.equal(previewKeyOf([{ labels: { 'io.bluegreen.preview-key': '' } }]), undefined);
});

test('live mode: the preview router plus the live router at the generation’s priority', () => {
  assert.deepEqual(colourLabels(sampleRelease(), 'blue', { kind: 'live', generation: 4 }, 'traefik_webgateway'), {
    ...previewBlue,
    'io.bluegreen.routing': 'live',
    'io.bluegreen.generation': '4',
    'traefik.http.services.shop-blue.loadbalancer.server.port': '8080',
    'traefik.http.routers.shop-blue-live.rule': 'Host(`shop.localhost`)',
    'traefik.http.routers.shop-blue-live.priority': '100160',
    'traefik.http.routers.shop-blue-live.entrypoints': 'web',
    'traefik.http.routers.shop-blue-live.service': 'shop-blue',
    'traefik.http.routers.shop-blue-live.middlewares': 'shop-blue-retry@docker,shop-blue-header@docker',
  });
});

test('green: every name carries the colour, so the two colours never share a Traefik object', () => {
  const green = colourLabels(sampleRelease(), 'green', { kind: 'live', generation: 1 }, 'edge_net');
  assert.deepEqual(green, {
    'traefik.enable': 'true',
    'traefik.docker.network': 'edge_net',
    'traefik.http.services.shop-green-preview.loadbalancer.server.port': '8080',
    'traefik.http.services.shop-green.loadbalancer.server.port': '8080',
    'traefik.http.middlewares.shop-green-header.headers.customresponseheaders.X-Bluegreen-Color': 'green',
    'traefik.http.middlewares.shop-green-retry.retry.attempts': '3',
    'traefik.http.middlewares.shop-green-retry.retry.initialinterval': '50ms',
    'traefik.http.routers.shop-green-preview.rule': '(Host(`shop.localhost`)) && Header(`X-Bluegreen-Color`, `green`)',
    'traefik.http.routers.shop-green-preview.priority': '1000000000',
    'traefik.http.routers.shop-green-preview.entrypoints': 'web',
    'traefik.http.routers.shop-green-preview.service': 'shop-green-preview',
    'traefik.http.routers.shop-green-preview.middlewares': 'shop-green-retry@docker,shop-green-header@docker',
    'traefik.http.routers.shop-green-live.rule': 'Host(`shop.localhost`)',
    'traefik.http.routers.shop-green-live.priority': '100040',
    'traefik.http.routers.shop-green-live.entrypoints': 'web',
    'traefik.http.routers.shop-green-live.service': 'shop-green',
    'traefik.http.routers.shop-green-live.middlewares': 'shop-green-retry@docker,shop-green-header@docker',
    'io.bluegreen.managed': 'true',
    'io.bluegreen.app': 'shop',
    'io.bluegreen.colour': 'green',
    'io.bluegreen.release': '3',
    'io.bluegreen.image': 'shop:1.2',
    'io.bluegreen.routing': 'live',
    'io.bluegreen.generation': '1',
    'io.bluegreen.base-priority': '22',
    'io.bluegreen.excludes': '',
    'io.bluegreen.preview-key': '',
  });
  const blue = colourLabels(sampleRelease(), 'blue', { kind: 'live', generation: 1 }, 'edge_net');
  const traefikObjects = (labels: Record<string, string>) => new Set(Object.keys(labels).flatMap((key) => /^traefik\.http\.(?:routers|services|middlewares)\.([^.]+)\./.exec(key)?.[1] ?? []));
  const shared = [...traefikObjects(green)].filter((name) => traefikObjects(blue).has(name));
  assert.deepEqual(shared, []);
});

test('adopted routing: service paths, entrypoints, user middlewares after ours, router and service extras on every router', () => {
  const release = sampleRelease({
    routing: {
      rule: 'Host(`shop.example.com`)',
      servicePaths: ['/api'],
      port: 3000,
      entrypoints: ['websecure', 'web'],
      middlewares: ['auth@docker', 'compress'],
      routerExtras: { tls: 'true', 'tls.certresolver': 'le' },
      serviceExtras: { 'sticky.cookie.name': 'shop_session' },
    },
  });
  const labels = colourLabels(release, 'green', { kind: 'live', generation: 7 }, 'traefik_webgateway');
  const ours = 'shop-green-retry@docker,shop-green-header@docker,auth@docker,compress';
  const expectedRouters = {
    'traefik.http.routers.shop-green-preview.rule': '((Host(`shop.example.com`)) && (PathPrefix(`/api`))) && Header(`X-Bluegreen-Color`, `green`)',
    'traefik.http.routers.shop-green-preview.priority': '1000000000',
    'traefik.http.routers.shop-green-preview.entrypoints': 'websecure,web',
    'traefik.http.routers.shop-green-preview.service': 'shop-green-preview',
    'traefik.http.routers.shop-green-preview.middlewares': ours,
    'traefik.http.routers.shop-green-preview.tls': 'true',
    'traefik.http.routers.shop-green-preview.tls.certresolver': 'le',
    'traefik.http.routers.shop-green-live.rule': '(Host(`shop.example.com`)) && (PathPrefix(`/api`))',
    'traefik.http.routers.shop-green-live.priority': '100280',
    'traefik.http.routers.shop-green-live.entrypoints': 'websecure,web',
    'traefik.http.routers.shop-green-live.service': 'shop-green',
    'traefik.http.routers.shop-green-live.middlewares': ours,
    'traefik.http.routers.shop-green-live.tls': 'true',
    'traefik.http.routers.shop-green-live.tls.certresolver': 'le',
  };
  const routers = Object.fromEntries(Object.entries(labels).filter(([key]) => key.startsWith('traefik.http.routers.')));
  assert.deepEqual(routers, expectedRouters);
  assert.equal(labels['traefik.http.services.shop-green.loadbalancer.server.port'], '3000');
  assert.equal(labels['traefik.http.services.shop-green.loadbalancer.sticky.cookie.name'], 'shop_session');
  assert.equal(labels['traefik.http.services.shop-green-preview.loadbalancer.sticky.cookie.name'], 'shop_session');
  const preview = colourLabels(release, 'green', { kind: 'preview' }, 'traefik_webgateway');
  assert.equal(
    Object.keys(preview).some((key) => key.startsWith('traefik.http.services.shop-green.')),
    false,
    'a preview container serves no live service',
  );
});

test('generation 0 is live at the base priority', () => {
  const labels = colourLabels(sampleRelease(), 'blue', { kind: 'live', generation: 0 }, 'traefik_webgateway');
  assert.equal(labels['traefik.http.routers.shop-blue-live.priority'], '100000');
  assert.equal(labels['io.bluegreen.generation'], '0');
});

test('the user’s own labels are not part of the colour labels', () => {
  const labels = colourLabels(sampleRelease(), 'blue', { kind: 'preview' }, 'traefik_webgateway');
  assert.equal(labels['com.example.team'], undefined);
});

test("the target's own middlewares are defined again per colour, and its routers point at the colour's copy", async () => {
  const { colourLabels } = await import('../../src/plan/labels.js');
  const { sampleRelease } = await import('./release-fixture.js');
  const release = sampleRelease();
  release.routing.middlewares = ['stamp', 'auth@file'];
  release.routing.middlewareDefinitions = { stamp: { 'headers.customresponseheaders.X-Shop': 'v2' } };
  const labels = colourLabels(release, 'green', { kind: 'live', generation: 3 }, 'traefik_webgateway');
  assert.equal(labels['traefik.http.middlewares.shop-green-stamp.headers.customresponseheaders.X-Shop'], 'v2');
  assert.equal(labels['traefik.http.middlewares.stamp.headers.customresponseheaders.X-Shop'], undefined, 'never under the shared name');
  assert.equal(labels['traefik.http.routers.shop-green-live.middlewares'], 'shop-green-retry@docker,shop-green-header@docker,shop-green-stamp@docker,auth@file');
});

test('the team routers a colour leaves alone narrow both its routers, are recorded, and every $ is escaped for compose', async () => {
  const { colourLabels, excludesOf } = await import('../../src/plan/labels.js');
  const { sampleRelease: testRelease } = await import('./release-fixture.js');
  const release = testRelease({ routing: { ...testRelease().routing, rule: 'HostRegexp(`^shop\\.test$`)' } });
  const exclude = [{ name: 'api@docker', rule: 'Host(`shop.test`) && PathPrefix(`/api$`)' }];
  const labels = colourLabels(release, 'blue', { kind: 'live', generation: 2, exclude }, 'traefik_webgateway');
  const narrowed = '(HostRegexp(`^shop\\.test$$`)) && !(Host(`shop.test`) && PathPrefix(`/api$$`))';
  assert.equal(labels['traefik.http.routers.shop-blue-live.rule'], narrowed);
  assert.equal(labels['traefik.http.routers.shop-blue-preview.rule'], `(${narrowed}) && Header(\`X-Bluegreen-Color\`, \`blue\`)`);
  const unescaped = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v.replace(/\$\$/g, '$')]));
  assert.deepEqual(excludesOf(unescaped), exclude);
  assert.deepEqual(excludesOf({}), []);
  assert.deepEqual(excludesOf({ 'io.bluegreen.excludes': 'not json' }), []);
});

test('colour_header: preview: live answers carry no colour; a check router (preview key alone) mirrors the live one, with the header', () => {
  const base = sampleRelease();
  const release = sampleRelease({ routing: { ...base.routing, colourHeader: 'preview' } });
  const labels = colourLabels(release, 'blue', { kind: 'live', generation: 4, previewKey: 'k3y' }, 'traefik_webgateway');
  assert.equal(labels['traefik.http.routers.shop-blue-live.middlewares'], 'shop-blue-retry@docker');
  assert.equal(labels['traefik.http.routers.shop-blue-preview.middlewares'], 'shop-blue-retry@docker,shop-blue-header@docker');
  assert.equal(labels['traefik.http.routers.shop-blue-check.rule'], '(Host(`shop.localhost`)) && Header(`X-Bluegreen-Preview-Key`, `k3y`)');
  assert.equal(labels['traefik.http.routers.shop-blue-check.priority'], '500000004');
  assert.equal(labels['traefik.http.routers.shop-blue-check.middlewares'], 'shop-blue-retry@docker,shop-blue-header@docker');
  assert.equal(labels['traefik.http.routers.shop-blue-check.service'], 'shop-blue');
  const preview = colourLabels(release, 'blue', { kind: 'preview', previewKey: 'k3y' }, 'traefik_webgateway');
  assert.equal(
    Object.keys(preview).some((key) => key.includes('shop-blue-check')),
    false,
    'no check router before the colour is live',
  );
  const all = colourLabels(base, 'blue', { kind: 'live', generation: 4, previewKey: 'k3y' }, 'traefik_webgateway');
  assert.equal(
    Object.keys(all).some((key) => key.includes('shop-blue-check')),
    false,
    'none either when every answer says its colour',
  );
});
