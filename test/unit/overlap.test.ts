import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstProbeAfterMs, mayOverlap } from '../../src/plan/overlap.js';

const withCheck = (healthcheck: Record<string, unknown> | undefined) => ({ image: 'app', healthcheck }) as Parameters<typeof firstProbeAfterMs>[0];

test("a new container's first probe: start_interval within a start period, else interval; Docker's defaults where unset", () => {
  assert.equal(firstProbeAfterMs(withCheck({ test: ['CMD', 'x'], start_period: '30s', start_interval: '250ms', interval: '5s' })), 250);
  assert.equal(firstProbeAfterMs(withCheck({ test: ['CMD', 'x'], start_period: '30s' })), 5000);
  assert.equal(firstProbeAfterMs(withCheck({ test: ['CMD', 'x'], interval: '2s' })), 2000);
  assert.equal(firstProbeAfterMs(withCheck({ test: ['CMD', 'x'], start_period: '0s', start_interval: '100ms' })), 30_000);
});

test('the switch overlaps preview and live containers only when the first probe leaves the engine time to remove the previews', () => {
  assert.equal(mayOverlap(withCheck({ test: ['CMD', 'x'], start_period: '30s', start_interval: '250ms' })), true);
  assert.equal(mayOverlap(withCheck({ test: ['CMD', 'x'], start_period: '30s', start_interval: '100ms' })), false);
  assert.equal(mayOverlap(withCheck(undefined)), false, "the image's own healthcheck: its timing is not known here");
  assert.equal(mayOverlap(withCheck({ test: ['NONE'] })), false);
  assert.equal(mayOverlap(withCheck({ test: ['CMD', 'x'], disable: true, interval: '30s' })), false);
  assert.equal(mayOverlap(withCheck({ test: ['CMD', 'x'], interval: 'soon' })), false);
});
