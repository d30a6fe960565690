import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../src/plan/duration.js';
import { BgError } from '../../src/errors.js';

test('parseDuration reads the forms compose and Go write', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('12'), 12_000, 'a bare number is seconds');
});

test('parseDuration refuses what is not a duration, naming the option', () => {
  for (const bad of ['', 'ten', '10x', '10s junk', '-5s', 's']) {
    assert.throws(
      () => parseDuration(bad, '--timeout'),
      (error: unknown) => {
        assert.ok(error instanceof BgError);
        assert.equal(error.exitCode, 2);
        assert.match(error.message, /^--timeout: /);
        return true;
      },
      `"${bad}" should be refused`,
    );
  }
});

test('formatDuration', () => {
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(1540), '1.5s');
  assert.equal(formatDuration(95_000), '1m35s');
});
