import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  allowedRule,
  defaultPage,
  isMaintenanceRouter,
  liveRoutersOf,
  MAINTENANCE_PRIORITY,
  maintenanceLabels,
  maintenanceResponse,
  maintenanceRouter,
  maintenanceView,
  parseAllowance,
} from '../../src/plan/maintenance.js';
import { RESPONDER_SOURCE_SHA256, RESPONDER_X86_64 } from '../../src/plan/maintenance-responder.js';
import { LIVE_PRIORITY_BASE, PREVIEW_PRIORITY } from '../../src/plan/priority.js';

const KEY = 'k3y';

test('--allow: a header with its value, or an address or network; anything else is exit 2', () => {
  assert.deepEqual(parseAllowance('X-Team: ops'), { kind: 'header', name: 'X-Team', value: 'ops' });
  assert.deepEqual(parseAllowance('X-Team=ops'), { kind: 'header', name: 'X-Team', value: 'ops' });
  assert.deepEqual(parseAllowance('10.0.0.0/8'), { kind: 'network', cidr: '10.0.0.0/8' });
  assert.deepEqual(parseAllowance('192.168.1.7'), { kind: 'network', cidr: '192.168.1.7' });
  assert.deepEqual(parseAllowance('2001:db8::/32'), { kind: 'network', cidr: '2001:db8::/32' });
  assert.deepEqual(parseAllowance('abc:123'), { kind: 'header', name: 'abc', value: '123' }, 'hex and a colon: a header, not an address');
  for (const bad of ['ops', '10.0.0.0/33', '300.1.1.1', 'X Team: ops', 'X-Team: `oops`', ': x']) {
    assert.throws(
      () => parseAllowance(bad),
      (error: { exitCode?: number }) => error.exitCode === 2,
      bad,
    );
  }
});

test("the allowed requests: bluegreen's own checks (the preview key) first, then each allowance", () => {
  assert.equal(allowedRule([], KEY), 'Header(`X-Bluegreen-Preview-Key`, `k3y`)');
  assert.equal(allowedRule([parseAllowance('X-Team: ops'), parseAllowance('10.1.0.0/16')], KEY), 'Header(`X-Bluegreen-Preview-Key`, `k3y`) || Header(`X-Team`, `ops`) || ClientIP(`10.1.0.0/16`)');
  assert.equal(allowedRule([], undefined), undefined);
});

const carrier = {
  'traefik.http.routers.shop-green-live.rule': 'Host(`shop.example`) && !PathPrefix(`/admin`)',
  'traefik.http.routers.shop-green-live.entrypoints': 'websecure',
  'traefik.http.routers.shop-green-live.tls': 'true',
  'traefik.http.routers.shop-green-live.tls.certresolver': 'le',
  'traefik.http.routers.shop-green-live.middlewares': 'shop-green-retry@docker',
  'traefik.http.routers.shop-green-live.priority': '100160',
  'traefik.http.routers.shop-green-api-live.rule': 'Host(`shop.example`) && PathPrefix(`/api`)',
  'traefik.http.routers.shop-green-check.rule': 'Host(`shop.example`) && Header(`X-Bluegreen-Preview-Key`, `k3y`)',
  'traefik.http.routers.shop-green-preview.rule': 'Host(`shop.example`) && Header(`X-Bluegreen-Color`, `green`)',
};

test('each live router of the live colour gets a copy: same rule less the allowed requests, its entrypoints and TLS, above every live router and below the previews', () => {
  const routers = liveRoutersOf([carrier]);
  assert.deepEqual(
    routers.map((r) => r.name),
    ['shop-green-live', 'shop-green-api-live'],
    'live routers only: not the preview, not the check router',
  );
  const labels = maintenanceLabels({ app: 'shop', network: 'web', liveRouters: routers, allowances: [parseAllowance('X-Team: ops')], previewKey: KEY, pageDigest: 'abc' });
  assert.equal(
    labels['traefik.http.routers.shop-maintenance.rule'],
    '(Host(`shop.example`) && !PathPrefix(`/admin`)) && (!(Header(`X-Bluegreen-Preview-Key`, `k3y`) || Header(`X-Team`, `ops`)) || Header(`X-Bluegreen-Maintenance-Check`, `k3y`))',
    "less the allowed requests, but for bluegreen's own check of the page (which may come from an allowed network)",
  );
  assert.equal(labels['traefik.http.routers.shop-maintenance.entrypoints'], 'websecure');
  assert.equal(labels['traefik.http.routers.shop-maintenance.tls.certresolver'], 'le');
  assert.equal(labels['traefik.http.routers.shop-maintenance.middlewares'], undefined, "the app's middlewares are not the page's");
  assert.equal(labels['traefik.http.routers.shop-maintenance.service'], 'shop-maintenance');
  assert.equal(labels['traefik.http.routers.shop-maintenance-api.service'], 'shop-maintenance');
  const priorities = Object.entries(labels)
    .filter(([key]) => key.endsWith('.priority'))
    .map(([, value]) => Number(value));
  assert.ok(
    priorities.every((p) => p > LIVE_PRIORITY_BASE * 1000 && p < PREVIEW_PRIORITY),
    `${priorities}`,
  );
  assert.equal(labels['traefik.http.services.shop-maintenance.loadbalancer.server.port'], '8080');
  assert.equal(maintenanceRouter('shop', 'shop-blue-live'), 'shop-maintenance');
  assert.equal(maintenanceRouter('shop', 'shop-blue-api-live'), 'shop-maintenance-api');
});

test("a maintenance router is not one of the team's: known by its name and bluegreen's priority", () => {
  assert.equal(isMaintenanceRouter('shop-maintenance@docker', MAINTENANCE_PRIORITY), true);
  assert.equal(isMaintenanceRouter('shop-maintenance-api@docker', MAINTENANCE_PRIORITY + 1), true);
  assert.equal(isMaintenanceRouter('shop-maintenance@docker', 30), false, 'a team router of that name at its own priority');
  assert.equal(isMaintenanceRouter('shop@docker', MAINTENANCE_PRIORITY), false);
});

test('the answer: 503, Retry-After, the page with its length; the built-in page names the app', () => {
  const page = defaultPage('shop<1>', 300);
  const text = maintenanceResponse(page, 300).toString('utf8');
  const [head, body] = text.split('\r\n\r\n') as [string, string];
  assert.match(head, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  assert.match(head, /\r\nRetry-After: 300\r\n/);
  assert.match(head, /\r\nConnection: close/);
  assert.equal(Number(/Content-Length: (\d+)/.exec(head)![1]), Buffer.byteLength(body));
  assert.match(body, /shop&#60;1&#62; is being updated\. Please try again in about 5 minutes/);
});

test("status: on while the routers' holder runs; what is left otherwise", () => {
  const holder = {
    name: 'shop-maintenance',
    state: 'running',
    labels: { 'io.bluegreen.role': 'maintenance', 'traefik.http.routers.shop-maintenance.rule': 'x', 'io.bluegreen.maintenance.page': 'abc', 'io.bluegreen.maintenance.allow': '["header X-Team"]' },
  };
  const server = { name: 'shop-maintenance-page', state: 'running', labels: { 'io.bluegreen.role': 'maintenance-page' } };
  const app = { name: 'shop-green-app-1', state: 'running', labels: { 'io.bluegreen.role': 'app' } };
  const on = maintenanceView([app, holder, server]);
  assert.deepEqual(
    { on: on.on, routers: on.routers, page: on.page, allow: on.allow, count: on.containers.length },
    { on: true, routers: ['shop-maintenance'], page: 'abc', allow: ['header X-Team'], count: 2 },
  );
  const left = maintenanceView([app, server]);
  assert.deepEqual({ on: left.on, count: left.containers.length }, { on: false, count: 1 });
  assert.equal(maintenanceView([app]).containers.length, 0);
});

test("the page's server is the program built from scripts/maintenance-page/responder.c (build.sh rebuilds it): a static x86_64 ELF", () => {
  const source = readFileSync(new URL('../../scripts/maintenance-page/responder.c', import.meta.url));
  assert.equal(createHash('sha256').update(source).digest('hex'), RESPONDER_SOURCE_SHA256, 'responder.c changed: run scripts/maintenance-page/build.sh');
  assert.deepEqual([...RESPONDER_X86_64.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
  assert.equal(RESPONDER_X86_64.readUInt16LE(18), 62, 'e_machine: x86-64');
  assert.ok(RESPONDER_X86_64.length < 4096, `${RESPONDER_X86_64.length} bytes`);
});
