/**
 * Sums a Prometheus counter over the series whose labels include the given
 * ones (e.g. traefik_service_requests_total{service="app-blue@docker"}).
 */
export function sumCounter(text: string, metric: string, labels: Record<string, string>): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const close = line.lastIndexOf('}');
    const labelText = line.slice(metric.length + 1, close);
    const present = new Map([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    const matches = Object.entries(labels).every(([k, v]) => present.get(k) === v);
    if (matches) total = (total ?? 0) + Number(line.slice(close + 1).trim());
  }
  return total;
}
