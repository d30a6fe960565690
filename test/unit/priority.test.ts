import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPriority, companionLivePriority, legacyLivePriority, LIVE_PRIORITY_BASE, livePriority, MAX_ROUTED_COMPANIONS, PREVIEW_PRIORITY } from '../../src/plan/priority.js';

test('the priority constants', () => {
  assert.equal(LIVE_PRIORITY_BASE, 100_000);
  assert.equal(PREVIEW_PRIORITY, 1_000_000_000);
});

test('livePriority grows by a stride of 40 per generation, from the base', () => {
  assert.equal(livePriority(0), 100_000);
  assert.equal(livePriority(1), 100_040);
  assert.equal(livePriority(42), 101_680);
  assert.ok(livePriority(2) > livePriority(1), 'a newer switch shadows the older one');
});

test('a newer generation is above every router of an older one, whatever their ranks; within one, the companions rank above the first target', () => {
  assert.ok(livePriority(8) > companionLivePriority(7, MAX_ROUTED_COMPANIONS), 'a release without api shadows the old colour’s api router');
  assert.ok(companionLivePriority(8, 1) > companionLivePriority(7, 2), 'a target ranked lower in the new release still wins');
  assert.ok(companionLivePriority(7, 1) > livePriority(7));
  assert.ok(companionLivePriority(7, 2) > companionLivePriority(7, 1));
});

test('a colour launched before the stride (one per generation) loses to the next generation of the stride', () => {
  assert.equal(legacyLivePriority(41), 100_041);
  assert.ok(livePriority(42) > legacyLivePriority(41));
  assert.ok(companionLivePriority(42, 1) > legacyLivePriority(41));
});

test('live priorities sit above rule-length defaults and below the preview priority', () => {
  assert.ok(livePriority(0) > 'Host(`a-very-long-host-name.example.com`) && PathPrefix(`/api`)'.length);
  assert.ok(livePriority(1_000_000) < PREVIEW_PRIORITY);
});

test('check routers sit above every live router and below the previews, in the order of their generation', () => {
  for (const generation of [0, 1, 12_345]) {
    assert.ok(checkPriority(generation) > companionLivePriority(generation + 1_000_000, MAX_ROUTED_COMPANIONS));
    assert.ok(checkPriority(generation) < PREVIEW_PRIORITY);
    assert.ok(checkPriority(generation + 1) > checkPriority(generation));
  }
});

test("which priorities count as the live router of a generation: the stride's, the legacy one for a first target, the rank above it for a routed companion", async () => {
  const { countsAsLive, livePriority, legacyLivePriority, companionLivePriority } = await import('../../src/plan/priority.js');
  assert.ok(countsAsLive(livePriority(3), 3));
  assert.ok(countsAsLive(legacyLivePriority(3), 3), 'a colour launched before the stride');
  assert.ok(!countsAsLive(livePriority(2), 3), 'an older generation does not');
  assert.ok(countsAsLive(companionLivePriority(3, 1), 3, 1));
  assert.ok(!countsAsLive(livePriority(3), 3, 1), "a companion at its first target's priority is not its live router");
  assert.ok(!countsAsLive(legacyLivePriority(3), 3, 1), 'companions came with the stride: no legacy priority');
});
