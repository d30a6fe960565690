import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStatuses, parseStatuses, probeRequest, statusAccepted } from '../../src/plan/probe.js';
import { defaultRule, liveRule } from '../../src/plan/rule.js';
import { assertUsageError } from './usage-error.js';

const get = (host: string | undefined, path: string, headers: Record<string, string> = {}) => ({ method: 'GET', host, path, headers });

test('probeRequest takes the first Host() and the first Path()/PathPrefix() of a rule', () => {
  const cases: [string, ReturnType<typeof probeRequest>][] = [
    ['Host(`shop.test`)', get('shop.test', '/')],
    ['Host(`shop.test`) && PathPrefix(`/api`)', get('shop.test', '/api')],
    ['Host(`shop.test`) && Path(`/health`)', get('shop.test', '/health')],
    ['Host( `spaced.test` )', get('spaced.test', '/')],
    ['Host(`a.test`) || Host(`b.test`)', get('a.test', '/')],
    ['PathPrefix(`/only`)', get(undefined, '/only')],
    ['(Host(`shop.test`)) && ((PathPrefix(`/api`) || PathPrefix(`/admin`)))', get('shop.test', '/api')],
    ['HostRegexp(`.+`)', get(undefined, '/')],
    ['Host(`a.test`) && !Host(`b.test`) && !PathPrefix(`/x`)', get('a.test', '/')],
  ];
  for (const [rule, expected] of cases) assert.deepEqual(probeRequest(rule), expected, rule);
});

test('probeRequest sends what Header(), Method() and Query() matchers ask for', () => {
  assert.deepEqual(probeRequest('Host(`a.test`) && Header(`X-Tenant`, `acme`) && Method(`post`) && Query(`v`, `2`)'), {
    method: 'POST',
    host: 'a.test',
    path: '/?v=2',
    headers: { 'X-Tenant': 'acme' },
  });
  assert.deepEqual(probeRequest('Headers(`X-Old`, `v2-syntax`)').headers, { 'X-Old': 'v2-syntax' });
  assert.equal(probeRequest('Host(`a.test`) && PathPrefix(`/api`) && Query(`debug`)').path, '/api?debug');
});

test('--probe-host and --probe-path win over the rule: HostRegexp rules deploy', () => {
  assert.deepEqual(probeRequest('HostRegexp(`^.+\\.shop\\.test$`)', { host: 'eu.shop.test', path: '/health' }), get('eu.shop.test', '/health'));
  assert.deepEqual(probeRequest('Host(`shop.test`) && PathPrefix(`/api`)', { path: '/api/ping' }), get('shop.test', '/api/ping'));
});

test('probeRequest of a live rule built from service paths hits the first path', () => {
  assert.deepEqual(probeRequest(liveRule(defaultRule('shop'), ['/v2', '/v1'])), get('shop.localhost', '/v2'));
});

test('statuses: ranges and single codes; what is outside does not count', () => {
  const ranges = parseStatuses('200-399, 404');
  assert.deepEqual(ranges, [
    [200, 399],
    [404, 404],
  ]);
  assert.equal(formatStatuses(ranges), '200-399,404');
  for (const status of [200, 302, 399, 404]) assert.ok(statusAccepted(status, ranges), String(status));
  for (const status of [400, 500, 502]) assert.ok(!statusAccepted(status, ranges), String(status));
});

test('a status list that is not one is exit 2 naming the option', () => {
  for (const bad of ['', 'ok', '99', '200-100', '600', '2xx']) assertUsageError(() => parseStatuses(bad), /^--probe-status: /);
});

test('displayUrl never shows the password of basic auth given in the API URL', async () => {
  const { displayUrl } = await import('../../src/runtime/traefik-api.js');
  assert.equal(displayUrl('http://ops:s3cret@127.0.0.1:8080'), 'http://ops:***@127.0.0.1:8080');
  assert.equal(displayUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
});
