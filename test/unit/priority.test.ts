import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPriority, LIVE_PRIORITY_BASE, livePriority, PREVIEW_PRIORITY } from '../../src/plan/priority.js';

test('the priority constants', () => {
  assert.equal(LIVE_PRIORITY_BASE, 100_000);
  assert.equal(PREVIEW_PRIORITY, 1_000_000_000);
});

test('livePriority grows by one per generation, from the base', () => {
  assert.equal(livePriority(0), 100_000);
  assert.equal(livePriority(1), 100_001);
  assert.equal(livePriority(42), 100_042);
  assert.ok(livePriority(2) > livePriority(1), 'a newer switch shadows the older one');
});

test('live priorities sit above rule-length defaults and below the preview priority', () => {
  assert.ok(livePriority(0) > 'Host(`a-very-long-host-name.example.com`) && PathPrefix(`/api`)'.length);
  assert.ok(livePriority(1_000_000) < PREVIEW_PRIORITY);
});

test('check routers sit above every live router and below the previews, in the order of their generation', () => {
  for (const generation of [0, 1, 12_345]) {
    assert.ok(checkPriority(generation) > livePriority(generation + 1_000_000));
    assert.ok(checkPriority(generation) < PREVIEW_PRIORITY);
    assert.ok(checkPriority(generation + 1) > checkPriority(generation));
  }
});
