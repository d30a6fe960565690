// The benchmark's pure parts (not in `npm test`):
//   node --import tsx --test scripts/bench/bench.test.ts
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { plainComposeFile, sleepDeployComposeFile, type ComposeDoc } from './compose-files.js';
import { parseOptions } from './options.js';
import { renderPicture, type PictureRow, type PictureWindow, type TimelineBucket } from './picture.js';
import { histogramPercentile, median, mergeHistograms, spread } from './stats.js';
import { summarizeMethod, summaryLine } from './summarize.js';
import { formatTable, methodTable } from './table.js';
import type { DeployWindow, LoadResult } from './types.js';
import { parseWrkReport } from './wrk-load.js';

const load = (over: Partial<LoadResult> = {}): LoadResult => ({
  responses: 100,
  non2xx: 0,
  errors: { connect: 0, read: 0, write: 0, timeout: 0 },
  statuses: { 200: 100 },
  durationMs: 1000,
  latency: [
    [1000, 50],
    [3000, 50],
  ],
  bucketMs: 100,
  timeline: [],
  ...over,
});
const window = (over: Partial<DeployWindow> = {}): DeployWindow => ({
  method: 'compose',
  profile: 'drain',
  round: 1,
  release: 'r1',
  exitCode: 0,
  returnMs: 1500,
  firstNewMs: 2500,
  load: load(),
  startedAtWallMs: 0,
  marks: [],
  ...over,
});

test('histograms merge bucket by bucket; percentiles by nearest rank', () => {
  const merged = mergeHistograms([
    [
      [1, 2],
      [5, 1],
    ],
    [
      [1, 1],
      [3, 1],
      [9, 1],
    ],
  ]);
  assert.deepEqual(merged, [
    [1, 3],
    [3, 1],
    [5, 1],
    [9, 1],
  ]);
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
  assert.deepEqual(parseOptions([]).appProfiles, ['drain', 'deaf']);
  assert.deepEqual(parseOptions(['--profiles', 'deaf']).appProfiles, ['deaf']);
  assert.throws(() => parseOptions(['--profiles', 'drain,slow']), /--profiles/);
  const soak = parseOptions(['--deploys', '20']);
  assert.deepEqual([soak.profile, soak.soakDeploys, parseOptions(['--deploys=3']).soakDeploys], ['soak', 20, 3]);
});

test("wrk's report line is found among its usual output", () => {
  const out =
    'Running 1s test\nBENCH_JSON {"responses":3,"status":1,"connect":0,"read":2,"write":0,"timeout":0,"duration_us":1500000,"statuses":{"200":2,"502":1},"latency":[[900,3]],' +
    '"bucket_ms":100,"timeline":[[1000200,1,1],[1000100,1,0]]}\n';
  assert.deepEqual(parseWrkReport(out), {
    responses: 3,
    non2xx: 1,
    errors: { connect: 0, read: 2, write: 0, timeout: 0 },
    statuses: { 200: 2, 502: 1 },
    durationMs: 1500,
    latency: [[900, 3]],
    bucketMs: 100,
    timeline: [
      [1000100, 1, 0],
      [1000200, 1, 1],
    ], // in time order, as wrk's threads' tables are not
  });
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

test("bluegreenPhases reads the switch and the healthy moment from a deploy's --json events", async () => {
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
  ]
    .map((e) => JSON.stringify(e))
    .join('\n');
  // The performance clock reads 0 at wall-clock 1_000_000.
  // The command started at performance time 100 and returned at 6000.
  const phases = bluegreenPhases(events, 1_000_000, 3400, 6000, 100);
  assert.equal(phases.switchToFirstNewMs, 1400);
  assert.equal(phases.healthyToReturnMs, 2750);
  assert.equal(phases.drainEndToReturnMs, 1000);
  assert.deepEqual(phases.marks, [
    { t: -100, label: 'up' },
    { t: 1900, label: 'switch' },
    { t: 3900, label: 'drain' },
  ]);
  assert.deepEqual(phases.steps, { 'up:start': 900, 'up:healthy': 300, 'switch:start': 1000, 'switch:healthy': 250, 'stop-old:drain': 1000 });
});

describe('renderPicture', () => {
  const bucketsOf = (...counts: [number, number][]): TimelineBucket[] => counts.map(([ok, failed], i) => ({ t: -200 + i * 100, ok, failed }));
  const panel = (over: Partial<PictureWindow> = {}): PictureWindow => ({
    title: 'r1',
    bucketMs: 100,
    buckets: bucketsOf([100, 0], [115, 0], [90, 0]),
    marks: [
      { t: 0, label: 'start' },
      { t: 150, label: 'return' },
    ],
    connectionErrors: 0,
    ...over,
  });
  const picture = (rows: PictureRow[], title = 'deploys under load'): string => renderPicture({ title, subtitle: '3 rounds', rows });
  /** Every opened element is closed, in order: enough to catch a broken template. */
  const assertBalanced = (svg: string) => {
    const open: string[] = [];
    for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
      if (selfClosing) continue;
      if (closing) assert.equal(open.pop(), name, `unexpected ${tag}`);
      else open.push(name!);
    }
    assert.deepEqual(open, []);
    assert.doesNotMatch(svg, /&(?!(amp|lt|gt|quot|apos);)/, 'a bare & is not XML');
  };
  const failedBarCount = (svg: string) => svg.match(/<rect class="failed"/g)?.length ?? 0;

  test('a whole SVG document, one req/s scale for all rows, nothing undefined', () => {
    const svg = picture([
      { label: 'bluegreen — sample app', windows: [panel(), panel({ title: 'r2', buckets: bucketsOf([0, 0], [0, 0]) })] },
      {
        label: 'compose',
        windows: [
          panel({
            marks: [
              { t: -60_000, label: 'far before' },
              { t: 60_000, label: 'far after' },
            ],
          }),
        ],
      },
    ]);
    assert.match(svg, /^(<svg|<\?xml)/);
    assert.ok(svg.endsWith('</svg>'));
    assert.doesNotMatch(svg, /NaN|undefined|Infinity/);
    assertBalanced(svg);
    // 115 per 100 ms = 1150 req/s, rounded up to 1200 and labelled on each row's first panel.
    assert.equal(svg.match(/>1200 req\/s</g)?.length, 2);
    assert.ok(!svg.includes('far before') && !svg.includes('far after'), 'marks outside the buckets are skipped');
    assert.equal(failedBarCount(svg), 0);
  });

  test('failures show as red bars and a caption counting buckets plus connection errors', () => {
    const broken = panel({ title: 'r2', buckets: bucketsOf([100, 3], [1000, 1], [0, 4]), connectionErrors: 2 });
    const svg = picture([{ label: 'compose', windows: [panel(), broken] }]);
    assert.equal(failedBarCount(svg), 3);
    assert.match(svg, /<tspan dx="6" fill="#d62728">failed 10<\/tspan>/);
    assert.match(svg, />conn errors 2</);
    assert.match(svg, />failed 0</, 'the clean window says so too');
    // 1 failure beside 1000 answers is still drawn at least 2px high.
    for (const [, height] of svg.matchAll(/<rect class="failed"[^>]* height="([\d.]+)"/g)) assert.ok(Number(height) >= 2);
  });

  test('text is escaped', () => {
    const svg = picture([{ label: 'a "b" \'c\'', windows: [panel({ title: 'r<1>', marks: [{ t: 0, label: 'up & run' }] })] }], 'load <&>');
    assert.ok(svg.includes('load &lt;&amp;&gt;'));
    assert.ok(svg.includes('a &quot;b&quot; &apos;c&apos;'));
    assert.ok(svg.includes('r&lt;1&gt;') && svg.includes('up &amp; run'));
    assert.ok(!svg.includes('<&>') && !svg.includes('r<1>'));
    assertBalanced(svg);
  });

  test('empty windows and rows draw empty panels', () => {
    for (const rows of [
      [{ label: 'nothing', windows: [panel({ buckets: [], marks: [] })] }],
      [{ label: 'no buckets anywhere', windows: [panel({ buckets: [] })] }],
      [
        { label: 'empty', windows: [panel({ buckets: [] })] },
        { label: 'no windows', windows: [] },
        { label: 'one', windows: [panel()] },
      ],
      [],
    ]) {
      const svg = picture(rows);
      assert.ok(svg.endsWith('</svg>'));
      assert.doesNotMatch(svg, /NaN|undefined|Infinity/);
      assertBalanced(svg);
    }
    // With no bucket anywhere the picture still spans the command's start, so its mark is drawn.
    assert.match(picture([{ label: 'no buckets anywhere', windows: [panel({ buckets: [] })] }]), />start</);
  });
});

test("the picture of a run: a row per app profile and method, a panel per deploy on the command's clock", async () => {
  const { benchmarkRows } = await import('./picture-of-run.js');
  const timeline: LoadResult['timeline'] = [
    [9_900, 10, 0],
    [10_000, 8, 2],
  ];
  const rows = benchmarkRows([
    window({ method: 'bluegreen', release: 'drain-r1', startedAtWallMs: 10_000, load: load({ timeline, errors: { connect: 1, read: 0, write: 0, timeout: 0 } }) }),
    window({ method: 'bluegreen', release: 'drain-r2', exitCode: 1 }),
    window({ method: 'bluegreen', profile: 'deaf', release: 'deaf-r1' }),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.label, r.windows.map((w) => w.title)]),
    [
      ['bluegreen — sample app (drains on SIGTERM)', ['drain-r1', 'drain-r2 exit 1']],
      ['bluegreen — PID 1 ignores SIGTERM', ['deaf-r1']],
    ],
  );
  assert.deepEqual(rows[0]!.windows[0]!.buckets, [
    { t: -100, ok: 10, failed: 0 },
    { t: 0, ok: 8, failed: 2 },
  ]);
  assert.equal(rows[0]!.windows[0]!.connectionErrors, 1);
});
