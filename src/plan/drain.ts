/**
 * The drain's verdict, reading by reading: a shadowed colour has drained
 * once its services' request counter (summed over every Traefik instance)
 * has not moved for a quiet span. A reading that did not come (an instance
 * not answering its metrics) is no evidence of quiet: it starts the span
 * again, as a moved counter does.
 */
export interface DrainWatch {
  last: number;
  quietSince: number;
}

export function drainReading(watch: DrainWatch, reading: number | undefined, now: number, quietMs: number): { watch: DrainWatch; quiet: boolean } {
  if (reading === undefined || reading !== watch.last) return { watch: { last: reading ?? watch.last, quietSince: now }, quiet: false };
  return { watch, quiet: now - watch.quietSince >= quietMs };
}
