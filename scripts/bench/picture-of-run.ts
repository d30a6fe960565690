import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bench-env.js';
import { renderPicture, type PictureRow, type PictureWindow } from './picture.js';
import { connectionErrors } from './summarize.js';
import { METHOD_LABEL, PROFILE_LABEL, type DeployWindow } from './types.js';

/** One deploy window as a panel: its load's timeline on the command's clock, its marks. */
export function panelOf(window: DeployWindow, title: string): PictureWindow {
  return {
    title,
    bucketMs: window.load.bucketMs,
    buckets: window.load.timeline.map(([at, ok, failed]) => ({ t: at - window.startedAtWallMs, ok, failed })),
    marks: window.marks,
    connectionErrors: connectionErrors(window.load),
  };
}

/** A row per app profile and method, a panel per round. */
export function benchmarkRows(windows: DeployWindow[]): PictureRow[] {
  const keys = [...new Set(windows.map((w) => `${w.profile}\u0000${w.method}`))];
  return keys.map((key) => {
    const mine = windows.filter((w) => `${w.profile}\u0000${w.method}` === key);
    const first = mine[0]!;
    return {
      label: `${METHOD_LABEL[first.method]} — ${PROFILE_LABEL[first.profile]}`,
      group: first.profile,
      windows: mine.map((w) => panelOf(w, `${w.release}${w.exitCode ? ` exit ${w.exitCode}` : ''}`)),
    };
  });
}

/** The soak's commands, ten a row, deploys and rollbacks in rows of their own. */
export function soakRows(windows: DeployWindow[]): PictureRow[] {
  const rows: PictureRow[] = [];
  for (let from = 0; from < windows.length; from += 20) {
    for (const step of ['deploy', 'rollback'] as const) {
      const mine = windows.slice(from, from + 20).filter((w) => w.step === step);
      if (mine.length)
        rows.push({ label: `bluegreen ${step} ${mine[0]!.round}-${mine.at(-1)!.round}`, windows: mine.map((w) => panelOf(w, `${step} ${w.round}${w.exitCode ? ` exit ${w.exitCode}` : ''}`)) });
    }
  }
  return rows;
}

/** Writes the run's picture as .cache/bench/<profile>-<time>.svg and <profile>-latest.svg; returns the first. */
export function writePicture(profile: string, startedAt: Date, title: string, subtitle: string, rows: PictureRow[]): string {
  const dir = join(ROOT, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const svg = renderPicture({ title, subtitle, rows });
  const file = join(dir, `${profile}-${startedAt.toISOString().replace(/[:.]/g, '-')}.svg`);
  writeFileSync(file, svg);
  writeFileSync(join(dir, `${profile}-latest.svg`), svg);
  return file;
}
