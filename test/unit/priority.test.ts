import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generationOf, LIVE_PRIORITY_BASE, livePriority, PREVIEW_PRIORITY } from '../../src/plan/priority.js';

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

test('generationOf reads a live priority back, and refuses what is not one of ours', () => {
  const cases: [number, number | undefined][] = [
    [100_000, 0],
    [100_001, 1],
    [100_042, 42],
    [99_999, undefined],
    [0, undefined],
    [46, undefined],
    [PREVIEW_PRIORITY, undefined],
    [PREVIEW_PRIORITY - 1, PREVIEW_PRIORITY - 1 - LIVE_PRIORITY_BASE],
  ];
  for (const [priority, generation] of cases) assert.equal(generationOf(priority), generation, String(priority));
  for (const generation of [0, 1, 7, 12_345]) assert.equal(generationOf(livePriority(generation)), generation);
});
