import type { CliOverhead, MethodSummary, Spread } from './types.js';

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const num = (value: number | undefined, digits = 0) => (value === undefined ? '-' : value.toFixed(digits));

/** "median / max", "never" when no value, and a count of the missing ones. */
export function formatSpread(s: Spread): string {
  if (s.median === undefined) return s.missing ? 'never' : '-';
  const text = `${s.median.toFixed(2)} / ${s.max!.toFixed(2)}`;
  return s.missing ? `${text} (${s.missing} never)` : text;
}

export const METHOD_TABLE_LEGEND = "requests and latency: every deploy window; 'to new release' and 'to return': from the command's start, median / max over the deploys";

export function methodTable(methods: MethodSummary[]): string {
  return formatTable(
    ['method', 'deploys', 'requests', 'non-2xx', 'conn errors', 'p50 ms', 'p99 ms', 'to new release s', 'to return s'],
    methods.map((m) => [
      m.label,
      m.failedDeploys ? `${m.deploys} (${m.failedDeploys} failed)` : String(m.deploys),
      String(m.requests),
      m.non2xx ? `${m.non2xx} (${Object.keys(m.non2xxByStatus).join(', ')})` : '0',
      String(m.connectionErrors),
      num(m.p50Ms, 1),
      num(m.p99Ms, 1),
      formatSpread(m.firstNewS),
      formatSpread(m.returnS),
    ]),
  );
}

export function overheadTable(o: CliOverhead): string {
  const s = (ms: number | undefined) => (ms === undefined ? 'never' : (ms / 1000).toFixed(3));
  const { scaleUp } = o;
  return formatTable(
    ['CLI overhead', 'bluegreen s', 'baseline s', 'ratio'],
    [
      ...o.cli.map((c) => [`${c.command} vs docker compose -p ${o.project} ps (median of ${c.runs})`, s(c.medianMs), s(o.composePs.medianMs), `x${c.ratio.toFixed(2)}`]),
      [`scale +${scaleUp.by} vs ${scaleUp.by} new containers healthy`, s(scaleUp.commandMs), s(scaleUp.healthyMs), scaleUp.ratio === undefined ? '-' : `x${scaleUp.ratio.toFixed(2)}`],
    ],
  );
}
