import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyState, recordedLive, type AppState } from '../../src/plan/state.js';

const at = '2026-12-06T12:00:00.000Z';
const state = (over: Partial<AppState>): AppState => ({ ...emptyState('shop'), lastRelease: 5, generation: 4, ...over });

test('a switch records the new live colour; the release it shadowed (as reality shows it) is what rollback brings back', () => {
  const next = recordedLive(state({ live: { colour: 'blue', release: 4, since: at }, previousLive: 3, candidate: { colour: 'green', release: 5 } }), {
    colour: 'green',
    release: 5,
    generation: 5,
    at,
    replaced: 4,
  });
  assert.deepEqual(next.live, { colour: 'green', release: 5, since: at });
  assert.equal(next.previousLive, 4);
  assert.equal(next.candidate, undefined);
  assert.equal(next.generation, 5);
});

test('reality wins over the store for what was live; the store fills in when reality saw nothing', () => {
  assert.equal(recordedLive(state({ live: { colour: 'blue', release: 3, since: at } }), { colour: 'green', release: 5, generation: 5, at, replaced: 4 }).previousLive, 4);
  assert.equal(recordedLive(state({ live: { colour: 'blue', release: 4, since: at } }), { colour: 'green', release: 5, generation: 5, at }).previousLive, 4);
  assert.equal(recordedLive(state({ previousLive: 2 }), { colour: 'blue', release: 3, generation: 1, at }).previousLive, 2, 'nothing live before: previous kept');
});

test('a release never becomes its own previous one: a scale that moves the live release keeps what rollback brings back', () => {
  const moved = recordedLive(state({ live: { colour: 'blue', release: 5, since: at }, previousLive: 4 }), { colour: 'green', release: 5, generation: 6, at, replaced: 5 });
  assert.equal(moved.previousLive, 4);
  // A rollback to 4 with 5 live: 5 becomes previous (rollback again goes forward).
  const rolled = recordedLive(state({ live: { colour: 'blue', release: 5, since: at }, previousLive: 4 }), { colour: 'green', release: 4, generation: 6, at, replaced: 5 });
  assert.equal(rolled.previousLive, 5);
});
