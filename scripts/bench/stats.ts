import type { Histogram, Spread } from './types.js';

/** Adds histograms bucket by bucket. */
export function mergeHistograms(histograms: Histogram[]): Histogram {
  const counts = new Map<number, number>();
  for (const histogram of histograms) {
    for (const [value, count] of histogram) counts.set(value, (counts.get(value) ?? 0) + count);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

/** Nearest-rank percentile (0 < p <= 100) of a histogram; undefined when it is empty. */
export function histogramPercentile(histogram: Histogram, p: number): number | undefined {
  const total = histogram.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, count] of histogram) {
    seen += count;
    if (seen >= rank) return value;
  }
  return histogram.at(-1)![0];
}

/** Median of a list (the mean of the two middle values when even); undefined when empty. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median and worst of the values present, and how many are missing. */
export function spread(values: (number | undefined)[]): Spread {
  const present = values.filter((v): v is number => v !== undefined);
  return {
    median: median(present),
    max: present.length ? Math.max(...present) : undefined,
    missing: values.length - present.length,
    each: values.map((v) => (v === undefined ? null : v)),
  };
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
