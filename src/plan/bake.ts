import { counterSeries } from './metrics.js';

const REQUESTS_METRIC = 'traefik_service_requests_total';

/** A Traefik service's answers so far: all of them, and those with a 5xx status. */
export interface AnswerCounts {
  requests: number;
  errors: number;
}

/** The service's answer counters in Traefik's metrics (0 before its first request). */
export function answerCounts(metricsText: string, service: string): AnswerCounts {
  const series = counterSeries(metricsText, REQUESTS_METRIC).filter((s) => s.labels.get('service') === service);
  return {
    requests: series.reduce((sum, s) => sum + s.value, 0),
    errors: series.filter((s) => s.labels.get('code')?.startsWith('5')).reduce((sum, s) => sum + s.value, 0),
  };
}

export interface BakeJudgement extends AnswerCounts {
  /** errors / requests since the switch. */
  rate: number;
  verdict: 'breach' | 'within' | 'too-few';
}

/**
 * The bake window's judgement of the answers since the switch (`now` minus
 * `atSwitch`): a breach when, over at least `minRequests` answers, the
 * share of 5xx is above `maxErrorRate`.
 */
export function judge(atSwitch: AnswerCounts, now: AnswerCounts, limits: { maxErrorRate: number; minRequests: number }): BakeJudgement {
  const requests = Math.max(0, now.requests - atSwitch.requests);
  const errors = Math.max(0, now.errors - atSwitch.errors);
  const rate = requests ? errors / requests : 0;
  const verdict = requests < limits.minRequests ? 'too-few' : rate > limits.maxErrorRate ? 'breach' : 'within';
  return { requests, errors, rate, verdict };
}

/** "5xx 30.2% of 412 answers", as history and the error say it. */
export const describeJudgement = (j: Pick<BakeJudgement, 'requests' | 'errors' | 'rate'>) =>
  `5xx ${(j.rate * 100).toFixed(1)}% of ${j.requests} answer${j.requests === 1 ? '' : 's'} (${j.errors} failed)`;
