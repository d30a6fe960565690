import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drainReading } from '../../src/plan/drain.js';
import { drainServices } from '../../src/core/drain.js';
import { loadOptions } from '../../src/config/load.js';
import type { Context } from '../../src/core/context.js';

test('the drain verdict: quiet once the counter has not moved for the quiet span; a moved counter or an unanswered reading starts it again', () => {
  let watch = { last: 10, quietSince: 0 };
  let step = drainReading(watch, 12, 200, 1000);
  assert.deepEqual(step, { watch: { last: 12, quietSince: 200 }, quiet: false });
  watch = step.watch;
  step = drainReading(watch, 12, 1000, 1000);
  assert.equal(step.quiet, false, '800 ms quiet');
  step = drainReading(watch, 12, 1200, 1000);
  assert.equal(step.quiet, true);
  const unanswered = drainReading(watch, undefined, 1200, 1000);
  assert.deepEqual(unanswered, { watch: { last: 12, quietSince: 1200 }, quiet: false }, 'an instance that did not answer is no evidence of quiet');
});

/** A context with a fake Traefik whose metrics are scripted: the request counter of blue's live service as time goes. */
function drainContext(counter: (elapsedMs: number) => number | undefined, drain: string) {
  const started = Date.now();
  const warnings: string[] = [];
  const metrics = async () => {
    const value = counter(Date.now() - started);
    if (value === undefined) return undefined;
    return `traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-blue@docker"} ${value}\ntraefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-green@docker"} ${Date.now()}\n`;
  };
  const options = loadOptions({ cli: { project: 'shop', drain, stateDir: mkdtempSync(join(tmpdir(), 'bg-drain-')) }, env: {}, cwd: tmpdir() });
  const ctx = { app: 'shop', options, traefik: { metrics }, out: { warn: (text: string) => warnings.push(text) } } as unknown as Context;
  return { ctx, warnings };
}

const blue = (name: string) => name === 'shop-blue@docker';

test("drain over a Traefik with metrics: quiet a second after blue's counter stops (green's moving counter is not blue's)", async () => {
  const { ctx } = drainContext((ms) => (ms < 600 ? Math.floor(ms / 50) : 12), '5s');
  const result = await drainServices(ctx, blue);
  assert.equal(result.how, 'quiet');
  assert.ok(result.waitedMs >= 1500 && result.waitedMs < 2600, `${result.waitedMs} ms`);
});

test('drain over a Traefik with metrics: a counter that keeps moving waits the bound; metrics off say so and wait the bound', async () => {
  const busy = await drainServices(drainContext((ms) => ms, '1s').ctx, blue);
  assert.equal(busy.how, 'bound');
  assert.ok(busy.waitedMs >= 1000);
  const off = drainContext(() => undefined, '1s');
  const blind = await drainServices(off.ctx, blue);
  assert.equal(blind.how, 'no-metrics');
  assert.match(off.warnings[0] ?? '', /per-service request metrics are not at/);
  // An instance that stops answering its metrics half-way keeps the drain from calling it quiet.
  const flaky = await drainServices(drainContext((ms) => (ms < 100 ? 5 : Math.floor(ms / 200) % 2 ? undefined : 5), '1500ms').ctx, blue);
  assert.equal(flaky.how, 'bound');
});
