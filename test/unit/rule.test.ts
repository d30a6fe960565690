import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRule, liveRule, previewRule, probeRequest } from '../../src/plan/rule.js';

test('liveRule is the rule itself without service paths', () => {
  assert.equal(liveRule('Host(`shop.test`)', []), 'Host(`shop.test`)');
});

test('liveRule narrows the rule to the service paths', () => {
  assert.equal(liveRule('Host(`shop.test`)', ['/api']), '(Host(`shop.test`)) && (PathPrefix(`/api`))');
  assert.equal(
    liveRule('Host(`a.test`) || Host(`b.test`)', ['/api', '/admin']),
    '(Host(`a.test`) || Host(`b.test`)) && ((PathPrefix(`/api`) || PathPrefix(`/admin`)))',
  );
});

test('previewRule adds the colour header to the live rule', () => {
  assert.equal(previewRule('Host(`shop.test`)', 'blue'), '(Host(`shop.test`)) && Header(`X-Bluegreen-Color`, `blue`)');
  assert.equal(
    previewRule('(Host(`shop.test`)) && (PathPrefix(`/api`))', 'green'),
    '((Host(`shop.test`)) && (PathPrefix(`/api`))) && Header(`X-Bluegreen-Color`, `green`)',
  );
});

test('defaultRule is Host(`<app>.localhost`)', () => {
  assert.equal(defaultRule('shop'), 'Host(`shop.localhost`)');
});

test('probeRequest takes the first Host() and the first Path()/PathPrefix() of a rule', () => {
  const cases: [string, { host?: string; path: string }][] = [
    ['Host(`shop.test`)', { host: 'shop.test', path: '/' }],
    ['Host(`shop.test`) && PathPrefix(`/api`)', { host: 'shop.test', path: '/api' }],
    ['Host(`shop.test`) && Path(`/health`)', { host: 'shop.test', path: '/health' }],
    ['Host( `spaced.test` )', { host: 'spaced.test', path: '/' }],
    ['Host(`a.test`) || Host(`b.test`)', { host: 'a.test', path: '/' }],
    ['PathPrefix(`/only`)', { host: undefined, path: '/only' }],
    ['(Host(`shop.test`)) && ((PathPrefix(`/api`) || PathPrefix(`/admin`)))', { host: 'shop.test', path: '/api' }],
    ['HostRegexp(`.+`)', { host: undefined, path: '/' }],
    ['Method(`GET`)', { host: undefined, path: '/' }],
  ];
  for (const [rule, expected] of cases) assert.deepEqual(probeRequest(rule), expected, rule);
});

test('probeRequest of a live rule built from service paths hits the first path', () => {
  assert.deepEqual(probeRequest(liveRule(defaultRule('shop'), ['/v2', '/v1'])), { host: 'shop.localhost', path: '/v2' });
});
