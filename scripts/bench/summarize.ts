import { histogramPercentile, mergeHistograms, round, spread } from './stats.js';
import { METHOD_LABEL, type CliOverhead, type DeployWindow, type LoadResult, type MethodId, type MethodSummary } from './types.js';

export const connectionErrors = (load: LoadResult) => load.errors.connect + load.errors.read + load.errors.write + load.errors.timeout;

/** Non-2xx responses by status, added up over loads. */
export function non2xxByStatus(loads: LoadResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const load of loads) {
    for (const [status, count] of Object.entries(load.statuses)) {
      if (!/^2/.test(status)) counts[status] = (counts[status] ?? 0) + count;
    }
  }
  return counts;
}

/** One method's deploy windows, added up: counts summed, latency percentiles over every request of every window. */
export function summarizeMethod(method: MethodId, windows: DeployWindow[]): MethodSummary {
  const mine = windows.filter((w) => w.method === method);
  const latency = mergeHistograms(mine.map((w) => w.load.latency));
  const ms = (us: number | undefined) => (us === undefined ? undefined : round(us / 1000));
  const seconds = (values: (number | undefined)[]) => {
    const s = spread(values.map((v) => (v === undefined ? undefined : round(v / 1000))));
    return { ...s, median: s.median === undefined ? undefined : round(s.median, 3) };
  };
  const non2xx = sum(mine.map((w) => w.load.non2xx));
  const connErrors = sum(mine.map((w) => connectionErrors(w.load)));
  return {
    method,
    label: METHOD_LABEL[method],
    deploys: mine.length,
    failedDeploys: mine.filter((w) => w.exitCode !== 0).length,
    requests: sum(mine.map((w) => w.load.responses + connectionErrors(w.load))),
    non2xx,
    non2xxByStatus: non2xxByStatus(mine.map((w) => w.load)),
    connectionErrors: connErrors,
    failed: non2xx + connErrors,
    p50Ms: ms(histogramPercentile(latency, 50)),
    p99Ms: ms(histogramPercentile(latency, 99)),
    firstNewS: seconds(mine.map((w) => w.firstNewMs)),
    returnS: seconds(mine.map((w) => w.returnMs)),
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The one line that ends the report. */
export function summaryLine(methods: MethodSummary[], overhead?: CliOverhead): string {
  const parts = methods.map((m) => {
    const deploys = `${m.deploys} deploy${m.deploys === 1 ? '' : 's'}${m.failedDeploys ? ` (${m.failedDeploys} exited non-zero)` : ''}`;
    return `${m.label}: ${m.failed} failed of ${m.requests} requests in ${deploys}`;
  });
  if (overhead) {
    const status = overhead.cli[0]!;
    parts.push(`status ${fmtS(status.medianMs)} vs compose ps ${fmtS(overhead.composePs.medianMs)} (x${status.ratio.toFixed(2)})`);
    const { scaleUp } = overhead;
    const healthy = scaleUp.healthyMs === undefined ? 'never all healthy' : `healthy after ${fmtS(scaleUp.healthyMs)}`;
    parts.push(`scale +${scaleUp.by} ${fmtS(scaleUp.commandMs)} (${healthy})`);
  }
  return parts.join('; ');
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
