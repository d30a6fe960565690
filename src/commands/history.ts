import type { HistoryEntry } from '../plan/state.js';
import { formatDuration } from '../plan/duration.js';

export function formatHistory(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'no history yet';
  const rows = entries.map((e) => [
    e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    e.operation,
    e.outcome,
    e.release === undefined ? '-' : String(e.release),
    e.colour ?? '-',
    e.image ?? '-',
    formatDuration(e.durationMs),
    e.by,
  ]);
  const header = ['when', 'operation', 'outcome', 'release', 'colour', 'image', 'took', 'by'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
