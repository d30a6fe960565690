import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerCounts, describeJudgement, describeLimit, judge } from '../../src/plan/bake.js';
import { loadOptions } from '../../src/config/load.js';
import { assertUsageError } from './usage-error.js';

const METRICS = [
  '# TYPE traefik_service_requests_total counter',
  'traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-green@docker"} 700',
  'traefik_service_requests_total{code="500",method="GET",protocol="http",service="shop-green@docker"} 290',
  'traefik_service_requests_total{code="503",method="GET",protocol="http",service="shop-green@docker"} 10',
  'traefik_service_requests_total{code="404",method="GET",protocol="http",service="shop-green@docker"} 5',
  'traefik_service_requests_total{code="500",method="GET",protocol="http",service="shop-blue@docker"} 9999',
  '# TYPE traefik_service_request_duration_seconds histogram',
  'traefik_service_request_duration_seconds_bucket{code="200",method="GET",protocol="http",service="shop-green@docker",le="0.1"} 690',
  'traefik_service_request_duration_seconds_sum{code="200",method="GET",protocol="http",service="shop-green@docker"} 3.5',
  'traefik_service_request_duration_seconds_count{code="200",method="GET",protocol="http",service="shop-green@docker"} 700',
  'traefik_service_request_duration_seconds_sum{code="500",method="GET",protocol="http",service="shop-green@docker"} 1.5',
  'traefik_service_request_duration_seconds_count{code="500",method="GET",protocol="http",service="shop-green@docker"} 300',
].join('\n');

const counts = (requests: number, errors: number, seconds = 0, timed = 0) => ({ requests, errors, seconds, timed });

test("the new colour's answers and 5xx, from its own service's series only", () => {
  assert.deepEqual(answerCounts(METRICS, 'shop-green@docker'), counts(1005, 300, 5, 1000));
  assert.deepEqual(answerCounts(METRICS, 'shop-red@docker'), counts(0, 0));
});

test('judged on what happened since the switch: a breach above the share, not before enough answers', () => {
  const limits = { maxErrorRate: 0.01, minRequests: 20, maxLatencyRatio: 0 };
  const atSwitch = counts(1000, 0);
  assert.equal(judge(atSwitch, counts(1010, 5), limits).verdict, 'too-few');
  const breach = judge(atSwitch, counts(1100, 30), limits);
  assert.deepEqual([breach.verdict, breach.cause, breach.requests, breach.errors, breach.rate], ['breach', 'errors', 100, 30, 0.3]);
  assert.equal(judge(atSwitch, counts(1100, 1), limits).verdict, 'within');
  assert.equal(judge(atSwitch, counts(1100, 2), limits).verdict, 'breach', '2% > 1%');
  assert.equal(describeJudgement(breach), '5xx 30.0% of 100 answers (30 failed)');
});

test("with --max-latency-ratio, a mean answer time since the switch above that multiple of the old colour's is a breach, beyond the noise of a new process", () => {
  const limits = { maxErrorRate: 0.01, minRequests: 20, maxLatencyRatio: 2 };
  const atSwitch = counts(1000, 0, 10, 1000);
  const oldColour = counts(50_000, 0, 100, 50_000); // 2 ms a request
  const slow = judge(atSwitch, counts(1100, 0, 10 + 100 * 0.3, 1100), limits, oldColour); // 300 ms a request since the switch
  assert.deepEqual([slow.verdict, slow.cause, slow.meanMs, slow.baselineMs], ['breach', 'latency', 300, 2]);
  assert.equal(describeJudgement(slow), 'mean answer 300 ms against 2.0 ms before the switch (x150.0), 5xx 0.0% of 100 answers (0 failed)');
  assert.equal(describeLimit(slow, limits), "x2 of the old colour's mean");
  // 3 ms against 2 ms is x1.5; 15 ms against 2 ms is x7.5 but within the noise; 30 ms is not.
  assert.equal(judge(atSwitch, counts(1100, 0, 10 + 100 * 0.003, 1100), limits, oldColour).verdict, 'within');
  assert.equal(judge(atSwitch, counts(1100, 0, 10 + 100 * 0.015, 1100), limits, oldColour).verdict, 'within');
  assert.equal(judge(atSwitch, counts(1100, 0, 10 + 100 * 0.03, 1100), limits, oldColour).verdict, 'breach');
  // Off, or without the old colour's answers to compare with: not judged.
  assert.equal(judge(atSwitch, counts(1100, 0, 40, 1100), { ...limits, maxLatencyRatio: 0 }, oldColour).verdict, 'within');
  assert.equal(judge(atSwitch, counts(1100, 0, 40, 1100), limits).verdict, 'within');
  assert.equal(judge(atSwitch, counts(1100, 0, 40, 1100), limits, counts(100, 0, 0, 100)).verdict, 'within', 'an old mean of 0 ms is no yardstick');
  // The 5xx share is judged first.
  assert.equal(judge(atSwitch, counts(1100, 50, 40, 1100), limits, oldColour).cause, 'errors');
  assert.equal(describeLimit({ cause: 'errors' }, limits), '1.0%');
});

test('--bake, --max-error-rate (percent, % optional) and --bake-min-requests; bad values are exit 2', () => {
  const load = (cli: Record<string, string>) => loadOptions({ cli, env: {}, cwd: '/nonexistent' }).bake;
  assert.deepEqual(load({}), { ms: 0, maxErrorRate: 0.01, minRequests: 20, maxLatencyRatio: 0 });
  assert.deepEqual(load({ bake: '5m', maxErrorRate: '2.5%', bakeMinRequests: '50', maxLatencyRatio: '1.5x' }), { ms: 300_000, maxErrorRate: 0.025, minRequests: 50, maxLatencyRatio: 1.5 });
  assert.equal(load({ maxLatencyRatio: '3' }).maxLatencyRatio, 3);
  assert.equal(load({ maxLatencyRatio: 'off' }).maxLatencyRatio, 0);
  assertUsageError(() => load({ maxLatencyRatio: '0.5' }), /--max-latency-ratio: "0.5" is not a ratio of 1 or more/);
  assertUsageError(() => load({ maxLatencyRatio: 'slow' }), /--max-latency-ratio: "slow" is not a ratio of 1 or more/);
  assert.equal(load({ maxErrorRate: '0.5' }).maxErrorRate, 0.005);
  assertUsageError(() => load({ maxErrorRate: '150%' }), /--max-error-rate: "150%" is not a percentage/);
  assertUsageError(() => load({ bakeMinRequests: '0' }), /--bake-min-requests: "0" is not a count/);
  assertUsageError(() => load({ bake: 'soon' }), /--bake: "soon" is not a duration/);
});
