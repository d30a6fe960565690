import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerCounts, describeJudgement, judge } from '../../src/plan/bake.js';
import { loadOptions } from '../../src/config/load.js';
import { assertUsageError } from './usage-error.js';

const METRICS = [
  '# TYPE traefik_service_requests_total counter',
  'traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-green@docker"} 700',
  'traefik_service_requests_total{code="500",method="GET",protocol="http",service="shop-green@docker"} 290',
  'traefik_service_requests_total{code="503",method="GET",protocol="http",service="shop-green@docker"} 10',
  'traefik_service_requests_total{code="404",method="GET",protocol="http",service="shop-green@docker"} 5',
  'traefik_service_requests_total{code="500",method="GET",protocol="http",service="shop-blue@docker"} 9999',
].join('\n');

test('the new colour\'s answers and 5xx, from its own service\'s series only', () => {
  assert.deepEqual(answerCounts(METRICS, 'shop-green@docker'), { requests: 1005, errors: 300 });
  assert.deepEqual(answerCounts(METRICS, 'shop-red@docker'), { requests: 0, errors: 0 });
});

test('judged on what happened since the switch: a breach above the share, not before enough answers', () => {
  const limits = { maxErrorRate: 0.01, minRequests: 20 };
  const atSwitch = { requests: 1000, errors: 0 };
  assert.equal(judge(atSwitch, { requests: 1010, errors: 5 }, limits).verdict, 'too-few');
  const breach = judge(atSwitch, { requests: 1100, errors: 30 }, limits);
  assert.deepEqual([breach.verdict, breach.requests, breach.errors, breach.rate], ['breach', 100, 30, 0.3]);
  assert.equal(judge(atSwitch, { requests: 1100, errors: 1 }, limits).verdict, 'within');
  assert.equal(judge(atSwitch, { requests: 1100, errors: 2 }, limits).verdict, 'breach', '2% > 1%');
  assert.equal(describeJudgement(breach), '5xx 30.0% of 100 answers (30 failed)');
});

test('--bake, --max-error-rate (percent, % optional) and --bake-min-requests; bad values are exit 2', () => {
  const load = (cli: Record<string, string>) => loadOptions({ cli, env: {}, cwd: '/nonexistent' }).bake;
  assert.deepEqual(load({}), { ms: 0, maxErrorRate: 0.01, minRequests: 20 });
  assert.deepEqual(load({ bake: '5m', maxErrorRate: '2.5%', bakeMinRequests: '50' }), { ms: 300_000, maxErrorRate: 0.025, minRequests: 50 });
  assert.equal(load({ maxErrorRate: '0.5' }).maxErrorRate, 0.005);
  assertUsageError(() => load({ maxErrorRate: '150%' }), /--max-error-rate: "150%" is not a percentage/);
  assertUsageError(() => load({ bakeMinRequests: '0' }), /--bake-min-requests: "0" is not a count/);
  assertUsageError(() => load({ bake: 'soon' }), /--bake: "soon" is not a duration/);
});
