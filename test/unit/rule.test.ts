import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRule, liveRule, previewRule } from '../../src/plan/rule.js';

test('liveRule is the rule itself without service paths', () => {
  assert.equal(liveRule('Host(`shop.test`)', []), 'Host(`shop.test`)');
});

test('liveRule narrows the rule to the service paths', () => {
  assert.equal(liveRule('Host(`shop.test`)', ['/api']), '(Host(`shop.test`)) && (PathPrefix(`/api`))');
  assert.equal(liveRule('Host(`a.test`) || Host(`b.test`)', ['/api', '/admin']), '(Host(`a.test`) || Host(`b.test`)) && ((PathPrefix(`/api`) || PathPrefix(`/admin`)))');
});

test('previewRule adds the colour header to the live rule', () => {
  assert.equal(previewRule('Host(`shop.test`)', 'blue'), '(Host(`shop.test`)) && Header(`X-Bluegreen-Color`, `blue`)');
  assert.equal(previewRule('(Host(`shop.test`)) && (PathPrefix(`/api`))', 'green'), '((Host(`shop.test`)) && (PathPrefix(`/api`))) && Header(`X-Bluegreen-Color`, `green`)');
});

test('previewRule asks for the preview key as well when the colour has one', () => {
  assert.equal(previewRule('Host(`shop.test`)', 'green', 'abc_-9'), '(Host(`shop.test`)) && Header(`X-Bluegreen-Color`, `green`) && Header(`X-Bluegreen-Preview-Key`, `abc_-9`)');
});

test('defaultRule is Host(`<app>.localhost`)', () => {
  assert.equal(defaultRule('shop'), 'Host(`shop.localhost`)');
});
