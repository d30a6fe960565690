/** One series of a Prometheus counter: its labels and value. */
export interface Series {
  labels: Map<string, string>;
  value: number;
}

/** Every series of a metric in Prometheus' text format. */
export function counterSeries(text: string, metric: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const close = line.lastIndexOf('}');
    const labelText = line.slice(metric.length + 1, close);
    const labels = new Map([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    series.push({ labels, value: Number(line.slice(close + 1).trim()) });
  }
  return series;
}

/**
 * Sums a Prometheus counter over the series whose labels include the given
 * ones (e.g. traefik_service_requests_total{service="app-blue@docker"}),
 * or whose label values pass the given tests.
 */
export function sumCounter(text: string, metric: string, labels: Record<string, string | ((value: string) => boolean)>): number | undefined {
  const matches = (value: string | undefined, wanted: string | ((value: string) => boolean)) => (typeof wanted === 'string' ? value === wanted : value !== undefined && wanted(value));
  const matching = counterSeries(text, metric).filter((s) => Object.entries(labels).every(([k, v]) => matches(s.labels.get(k), v)));
  return matching.length ? matching.reduce((total, s) => total + s.value, 0) : undefined;
}
