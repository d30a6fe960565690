import { counterSeries } from './metrics.js';

const REQUESTS_METRIC = 'traefik_service_requests_total';
const DURATION_METRIC = 'traefik_service_request_duration_seconds';

/**
 * Below this, a slower mean answer is not judged: a process just started
 * (cold caches, a Traefik reload, new connections) is a few milliseconds
 * slower than one that has run for hours, and a ratio of two tiny means
 * would roll back healthy releases.
 */
export const LATENCY_NOISE_MS = 20;

/** A Traefik service's answers so far: all of them, those with a 5xx status, and the seconds they took in all. */
export interface AnswerCounts {
  requests: number;
  errors: number;
  /** Sum and count of Traefik's duration histogram: a mean answer time over any span of two readings. */
  seconds: number;
  timed: number;
}

export interface BakeLimits {
  maxErrorRate: number;
  minRequests: number;
  /** The new colour's mean answer time may be at most this multiple of the old colour's; 0: not judged. */
  maxLatencyRatio: number;
}

/** The service's answer counters in Traefik's metrics (0 before its first request); `service` a name, or a test of names (every routed target of a colour). */
export function answerCounts(metricsText: string, service: string | ((name: string) => boolean)): AnswerCounts {
  const isOurs = typeof service === 'string' ? (name: string) => name === service : service;
  const ofService = (metric: string) => counterSeries(metricsText, metric).filter((s) => isOurs(s.labels.get('service') ?? ''));
  const total = (series: { value: number }[]) => series.reduce((sum, s) => sum + s.value, 0);
  const requests = ofService(REQUESTS_METRIC);
  return {
    requests: total(requests),
    errors: total(requests.filter((s) => s.labels.get('code')?.startsWith('5'))),
    seconds: total(ofService(`${DURATION_METRIC}_sum`)),
    timed: total(ofService(`${DURATION_METRIC}_count`)),
  };
}

export interface BakeJudgement {
  /** Answers and 5xx since the switch. */
  requests: number;
  errors: number;
  /** errors / requests since the switch. */
  rate: number;
  /** The new colour's mean answer time since the switch, and the old colour's before it (when it had answered). */
  meanMs?: number;
  baselineMs?: number;
  verdict: 'breach' | 'within' | 'too-few';
  /** What tripped a breach. */
  cause?: 'errors' | 'latency';
}

const meanMs = (from: AnswerCounts, to: AnswerCounts): number | undefined => {
  const timed = to.timed - from.timed;
  return timed > 0 ? ((to.seconds - from.seconds) / timed) * 1000 : undefined;
};

/**
 * The bake window's judgement of the answers since the switch (`now` minus
 * `atSwitch`): a breach when, over at least `minRequests` answers, the
 * share of 5xx is above `maxErrorRate`, or (with `maxLatencyRatio`) the mean
 * answer time is above that multiple of `baseline`'s (the old colour's
 * answers before the switch) by more than the noise of a new process.
 */
export function judge(atSwitch: AnswerCounts, now: AnswerCounts, limits: BakeLimits, baseline?: AnswerCounts): BakeJudgement {
  const requests = Math.max(0, now.requests - atSwitch.requests);
  const errors = Math.max(0, now.errors - atSwitch.errors);
  const rate = requests ? errors / requests : 0;
  const newMean = meanMs(atSwitch, now);
  const baselineMs = baseline ? meanMs({ requests: 0, errors: 0, seconds: 0, timed: 0 }, baseline) : undefined;
  const figures = { requests, errors, rate, meanMs: newMean, baselineMs };
  if (requests < limits.minRequests) return { ...figures, verdict: 'too-few' };
  if (rate > limits.maxErrorRate) return { ...figures, verdict: 'breach', cause: 'errors' };
  const slower =
    limits.maxLatencyRatio > 0 && newMean !== undefined && baselineMs !== undefined && baselineMs > 0 && newMean > limits.maxLatencyRatio * baselineMs && newMean - baselineMs > LATENCY_NOISE_MS;
  return slower ? { ...figures, verdict: 'breach', cause: 'latency' } : { ...figures, verdict: 'within' };
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** "5xx 30.2% of 412 answers (124 failed)", and the mean answer times when they tripped it, as history and the error say it. */
export function describeJudgement(j: Pick<BakeJudgement, 'requests' | 'errors' | 'rate' | 'meanMs' | 'baselineMs' | 'cause'>): string {
  const share = `5xx ${(j.rate * 100).toFixed(1)}% of ${j.requests} answer${j.requests === 1 ? '' : 's'} (${j.errors} failed)`;
  if (j.cause !== 'latency' || j.meanMs === undefined || j.baselineMs === undefined) return share;
  return `mean answer ${ms(j.meanMs)} against ${ms(j.baselineMs)} before the switch (x${(j.meanMs / j.baselineMs).toFixed(1)}), ${share}`;
}

/** The limit a breach passed, as the warning and the error say it. */
export const describeLimit = (j: Pick<BakeJudgement, 'cause'>, limits: BakeLimits) =>
  j.cause === 'latency' ? `x${limits.maxLatencyRatio} of the old colour's mean` : `${(limits.maxErrorRate * 100).toFixed(1)}%`;
