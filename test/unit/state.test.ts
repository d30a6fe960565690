import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyState, RELEASES_KEPT, releasesToPrune } from '../../src/plan/state.js';

test('the empty state of an app', () => {
  assert.deepEqual(emptyState('shop'), { app: 'shop', generation: 0, lastRelease: 0 });
});

test('five releases are kept by default', () => {
  assert.equal(RELEASES_KEPT, 5);
});

test('releasesToPrune: all but the newest `keep`, newest first, never a protected one', () => {
  const cases: [string, number[], number, (number | undefined)[], number[]][] = [
    ['nothing to prune', [1, 2, 3], 5, [], []],
    ['exactly keep', [1, 2, 3, 4, 5], 5, [], []],
    ['the oldest go', [1, 2, 3, 4, 5, 6, 7], 5, [], [2, 1]],
    ['order of the input does not matter', [7, 2, 5, 1, 6, 3, 4], 5, [], [2, 1]],
    ['the previous live release is kept', [1, 2, 3, 4, 5, 6, 7, 8], 5, [2, undefined], [3, 1]],
    ['live and previous both old', [1, 2, 3, 4, 5, 6, 7, 8], 5, [1, 3], [2]],
    ['a protected release among the newest changes nothing', [1, 2, 3, 4, 5, 6, 7], 5, [7], [2, 1]],
    ['keep 0 prunes every unprotected one', [1, 2, 3], 0, [2], [3, 1]],
    ['numbers are compared as numbers', [9, 10, 11, 2], 2, [], [9, 2]],
    ['no releases', [], 5, [undefined], []],
  ];
  for (const [name, numbers, keep, protect, expected] of cases) {
    assert.deepEqual(releasesToPrune(numbers, keep, protect), expected, name);
  }
});

test('releasesToPrune does not reorder the caller’s list', () => {
  const numbers = [3, 1, 2, 7, 6, 5, 4];
  releasesToPrune(numbers, 2, []);
  assert.deepEqual(numbers, [3, 1, 2, 7, 6, 5, 4]);
});
