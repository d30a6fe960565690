// The benchmark's pure parts (not in `npm test`):
//   node --import tsx --test scripts/bench/bench.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plainComposeFile, sleepDeployComposeFile, type ComposeDoc } from './compose-files.js';
import { parseOptions } from './options.js';
import { histogramPercentile, median, mergeHistograms, spread } from './stats.js';
import { summarizeMethod, summaryLine } from './summarize.js';
import { formatTable, methodTable } from './table.js';
import type { DeployWindow, LoadResult } from './types.js';
import { parseWrkReport } from './wrk-load.js';

const load = (over: Partial<LoadResult> = {}): LoadResult => ({
  responses: 100, non2xx: 0, errors: { connect: 0, read: 0, write: 0, timeout: 0 }, statuses: { 200: 100 }, durationMs: 1000, latency: [[1000, 50], [3000, 50]], ...over,
});
const window = (over: Partial<DeployWindow> = {}): DeployWindow => ({ method: 'compose', round: 1, release: 'r1', exitCode: 0, returnMs: 1500, firstNewMs: 2500, load: load(), ...over });

test('histograms merge bucket by bucket; percentiles by nearest rank', () => {
  const merged = mergeHistograms([[[1, 2], [5, 1]], [[1, 1], [3, 1], [9, 1]]]);
  assert.deepEqual(merged, [[1, 3], [3, 1], [5, 1], [9, 1]]);
  assert.equal(histogramPercentile(merged, 50), 1);
  assert.equal(histogramPercentile(merged, 66), 3);
  assert.equal(histogramPercentile(merged, 99), 9);
  assert.equal(histogramPercentile([], 50), undefined);
});

test('median and spread', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), undefined);
  assert.deepEqual(spread([1, undefined, 3]), { median: 2, max: 3, missing: 1, each: [1, null, 3] });
});

test('a method summary adds up its windows and counts failures by status', () => {
  const windows = [
    window({ load: load({ non2xx: 10, statuses: { 200: 90, 502: 10 }, errors: { connect: 0, read: 2, write: 0, timeout: 1 } }) }),
    window({ round: 2, firstNewMs: undefined, load: load({ non2xx: 5, statuses: { 200: 95, 404: 5 } }) }),
    window({ method: 'bluegreen' }),
  ];
  const summary = summarizeMethod('compose', windows);
  assert.equal(summary.deploys, 2);
  assert.equal(summary.requests, 203);
  assert.equal(summary.failed, 18);
  assert.deepEqual(summary.non2xxByStatus, { 502: 10, 404: 5 });
  assert.equal(summary.p50Ms, 1);
  assert.equal(summary.p99Ms, 3);
  assert.deepEqual(summary.firstNewS, { median: 2.5, max: 2.5, missing: 1, each: [2.5, null] });
  assert.equal(summaryLine([summary]), 'docker compose: 18 failed of 203 requests in 2 deploys');
});

test('tables align their columns, rows named after the methods', () => {
  assert.equal(formatTable(['a', 'bb'], [['xyz', '1']]), 'a    bb\n---  --\nxyz   1');
  const table = methodTable([summarizeMethod('bluegreen', [window({ method: 'bluegreen' })]), summarizeMethod('sleep5s', [window({ method: 'sleep5s' })])]);
  assert.match(table, /^bluegreen /m);
  assert.match(table, /^sleep-5s deploy.sh /m);
});

test('options: profiles, overrides, refusals', () => {
  assert.equal(parseOptions([]).profile, 'full');
  assert.deepEqual([parseOptions(['--smoke', '--rounds', '3']).rounds, parseOptions(['--think-ms=0']).thinkMs], [3, 0]);
  assert.equal(parseOptions(['--start-delay', '3s']).startDelay, '3s');
  assert.throws(() => parseOptions(['--rounds', '0']), /--rounds/);
  assert.throws(() => parseOptions(['--start-delay', 'soon']), /--start-delay/);
  assert.throws(() => parseOptions(['--fast']), /unknown argument --fast/);
});

test("wrk's report line is found among its usual output", () => {
  const out = 'Running 1s test\nBENCH_JSON {"responses":3,"status":1,"connect":0,"read":2,"write":0,"timeout":0,"duration_us":1500000,"statuses":{"200":2,"502":1},"latency":[[900,3]]}\n';
  assert.deepEqual(parseWrkReport(out), { responses: 3, non2xx: 1, errors: { connect: 0, read: 2, write: 0, timeout: 0 }, statuses: { 200: 2, 502: 1 }, durationMs: 1500, latency: [[900, 3]] });
  assert.throws(() => parseWrkReport('PANIC'), /no report/);
});

const sample: ComposeDoc = {
  name: 'sample',
  services: {
    app: { image: 'img', environment: { RELEASE: '${RELEASE:-v1}', SIDE_URL: 'http://store:7000' }, expose: ['8000'], healthcheck: { test: ['CMD', 'x'] }, depends_on: { store: {} } },
    store: { image: 'img' },
  },
  volumes: { data: null },
};

test('plain compose: the sample as it is, with static Traefik labels on app', () => {
  const doc = plainComposeFile(sample, 'bench-compose', 'Host(`c`)');
  assert.equal(doc.name, 'bench-compose');
  assert.ok(doc.services.app!.healthcheck && doc.services.store);
  assert.equal(doc.services.app!.labels!['traefik.http.routers.bench-compose.rule'], 'Host(`c`)');
  assert.equal(doc.services.store!.labels!['io.bluegreen.bench'], '1');
  assert.deepEqual(doc.networks!.webgateway, { name: 'traefik_webgateway', external: true });
});

test("the sleep-5s deploy.sh: app alone, no Docker healthcheck, Traefik's active health check and retry", () => {
  const doc = sleepDeployComposeFile(sample, 'bench-seed', 'Host(`s`)');
  assert.deepEqual(Object.keys(doc.services), ['app']);
  const app = doc.services.app!;
  assert.equal(app.healthcheck, undefined);
  assert.equal(app.depends_on, undefined);
  assert.deepEqual(app.environment, { RELEASE: '${RELEASE:-v1}' });
  assert.equal(app.labels!['traefik.http.services.bench-seed.loadbalancer.healthcheck.path'], '/health');
  assert.equal(app.labels!['traefik.http.services.bench-seed.loadbalancer.healthcheck.interval'], '1s');
  assert.equal(app.labels!['traefik.http.middlewares.bench-seed-retry.retry.attempts'], '3');
  assert.equal(doc.name, undefined, 'the script names the project (blue or green)');
});

test('bluegreenPhases reads the switch and the healthy moment from a deploy\'s --json events', async () => {
  const { bluegreenPhases } = await import('./phases.js');
  const at = (ms: number) => new Date(1_000_000 + ms).toISOString();
  const events = [
    { event: 'step', step: 'start', state: 'started', at: at(0) },
    { event: 'step', step: 'start', state: 'done', elapsed_ms: 900, at: at(900) },
    { event: 'step', step: 'healthy', state: 'started', at: at(900) },
    { event: 'step', step: 'healthy', state: 'done', elapsed_ms: 300, at: at(1200) },
    { event: 'step', step: 'start', state: 'started', at: at(2000) },
    { event: 'step', step: 'start', state: 'done', elapsed_ms: 1000, at: at(3000) },
    { event: 'step', step: 'healthy', state: 'started', at: at(3000) },
    { event: 'step', step: 'healthy', state: 'done', elapsed_ms: 250, at: at(3250) },
    { event: 'step', step: 'drain', state: 'started', at: at(4000) },
    { event: 'step', step: 'drain', state: 'done', elapsed_ms: 1000, at: at(5000) },
  ].map((e) => JSON.stringify(e)).join('\n');
  // The performance clock reads 0 at wall-clock 1_000_000.
  const phases = bluegreenPhases(events, 1_000_000, 3400, 6000);
  assert.equal(phases.switchToFirstNewMs, 1400);
  assert.equal(phases.healthyToReturnMs, 2750);
  assert.deepEqual(phases.steps, { 'up:start': 900, 'up:healthy': 300, 'switch:start': 1000, 'switch:healthy': 250, 'stop-old:drain': 1000 });
});
