import type { HistoryEntry } from '../plan/state.js';
import { formatDuration } from '../plan/duration.js';

/** The narrowest a `why` cell is cut to, whatever the terminal's width. */
const WHY_MIN = 30;

/**
 * The history as a table, oldest first. Each row that did not simply succeed
 * (failed, needs a person, or an ok one with something to say, such as a
 * takeover from plain compose) says why in its last column: its first line,
 * cut to fit `width` (the terminal's); `history --json` has the whole detail.
 */
export function formatHistory(entries: HistoryEntry[], width = 160): string {
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
    e.detail?.split('\n')[0]?.trim() ?? '',
  ]);
  const header = ['when', 'operation', 'outcome', 'release', 'colour', 'image', 'took', 'by', 'why'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const whyAt = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const room = Math.max(WHY_MIN, width - whyAt);
  const cut = (text: string) => (text.length > room ? `${text.slice(0, room - 1)}…` : text);
  const anyWhy = rows.some((r) => r.at(-1));
  return [header, ...rows]
    .map((r) => (anyWhy ? [...r.slice(0, -1), cut(r.at(-1)!)] : r.slice(0, -1)))
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
