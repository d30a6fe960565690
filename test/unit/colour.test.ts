import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateColour, isColour, otherColour } from '../../src/plan/colour.js';

test('the candidate is the colour that is not live, blue on a first deploy', () => {
  assert.equal(candidateColour(undefined), 'blue');
  assert.equal(candidateColour('blue'), 'green');
  assert.equal(candidateColour('green'), 'blue');
  assert.equal(otherColour(otherColour('blue')), 'blue');
});

test('isColour accepts only blue and green', () => {
  assert.ok(isColour('blue') && isColour('green'));
  for (const value of ['Blue', 'red', '', undefined, 1]) assert.equal(isColour(value), false);
});
