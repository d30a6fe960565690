import { formatDuration } from '../plan/duration.js';
import type { Provider } from './colour-runtime.js';
import type { Colour } from '../plan/colour.js';
import { sumCounter } from '../plan/metrics.js';
import { drainReading, type DrainWatch } from '../plan/drain.js';
import { isColourLiveService } from '../plan/names.js';
import { routedTargets } from './companions.js';
import type { Context } from './context.js';
import { displayUrl } from '../runtime/traefik-api.js';
import { cancellation } from '../runtime/cancellation.js';

/** How long the old colour's service must finish no request before it counts as drained. */
const QUIET_MS = 1000;
const REQUESTS_METRIC = 'traefik_service_requests_total';

export interface DrainResult {
  waitedMs: number;
  how: 'quiet' | 'bound' | 'no-metrics' | 'skipped';
}

/**
 * Waits, bounded by --drain, until a shadowed colour has stopped serving:
 * its service's request counter in Traefik's metrics has not moved for a
 * quiet second. Traefik v3 has no per-service gauge of requests in flight,
 * so a request still running after that is left to the stop itself: compose
 * sends SIGTERM and waits the service's stop_grace_period, in which a
 * well-behaved server finishes what it has in flight.
 */
export async function drain(ctx: Context, colour: Colour, provider: Provider = 'docker'): Promise<DrainResult> {
  if (ctx.options.drainMs === 0) return { waitedMs: 0, how: 'skipped' };
  // Every routed target's live service: a companion's too (`-t web -t api`).
  return drainServices(ctx, isColourLiveService(ctx.app, colour, provider, await routedTargets(ctx, colour, provider)));
}

/** The same wait for any set of Traefik services (by their names in the metrics, `name@provider`). */
export async function drainServices(ctx: Context, service: (name: string) => boolean): Promise<DrainResult> {
  const boundMs = ctx.options.drainMs;
  if (boundMs === 0) return { waitedMs: 0, how: 'skipped' };
  const started = Date.now();
  const read = async () => {
    const text = await ctx.traefik.metrics();
    // Without per-service series (metrics off, elsewhere, or without
    // addServicesLabels) a counter of 0 would look quiet at once.
    if (text === undefined || !text.includes(`${REQUESTS_METRIC}{`)) return undefined;
    return sumCounter(text, REQUESTS_METRIC, { service }) ?? 0;
  };
  const last = await read();
  if (last === undefined) {
    ctx.out.warn(
      `Traefik's per-service request metrics are not at ${displayUrl(ctx.options.traefikMetrics)} (off, on another entrypoint: set --traefik-metrics): waiting the whole drain bound (${formatDuration(boundMs)})`,
    );
    while (Date.now() - started < boundMs) await pause(Math.min(200, boundMs - (Date.now() - started)));
    return { waitedMs: Date.now() - started, how: 'no-metrics' };
  }
  let watch: DrainWatch = { last, quietSince: Date.now() };
  while (Date.now() - started < boundMs) {
    await pause(200);
    const step = drainReading(watch, await read(), Date.now(), Math.min(QUIET_MS, boundMs));
    if (step.quiet) return { waitedMs: Date.now() - started, how: 'quiet' };
    watch = step.watch;
  }
  return { waitedMs: Date.now() - started, how: 'bound' };
}

/** A drain's pause, which a signal to the command ends (runtime/cancellation.ts). */
async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  cancellation.checkpoint();
}
