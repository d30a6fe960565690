import { usageError } from '../errors.js';

/** `N` sets the count; `+N` / `-N` change it relative to what runs now. */
export type ScaleSpec = { kind: 'absolute'; count: number } | { kind: 'relative'; delta: number };

export function parseScale(text: string, option = '--scale'): ScaleSpec {
  const match = /^([+-]?)(\d+)$/.exec(text.trim());
  if (!match) throw usageError(`${option}: "${text}" is not a count`, 'write N, +N or -N (e.g. 3, +2, -1)');
  const amount = Number(match[2]);
  if (match[1] === '') return { kind: 'absolute', count: amount };
  return { kind: 'relative', delta: match[1] === '+' ? amount : -amount };
}

/** The count to run, from the count running now. Below 1 is an error, never a silent floor. */
export function applyScale(spec: ScaleSpec, running: number): number {
  const count = spec.kind === 'absolute' ? spec.count : running + spec.delta;
  if (count < 1) {
    const asked = spec.kind === 'absolute' ? String(spec.count) : `${spec.delta > 0 ? '+' : ''}${spec.delta}`;
    throw usageError(`scale ${asked} from ${running} running would leave ${count}`, 'a colour needs at least 1 container; use `bluegreen down` to remove the app');
  }
  return count;
}

export const formatScale = (spec: ScaleSpec): string => (spec.kind === 'absolute' ? String(spec.count) : `${spec.delta >= 0 ? '+' : ''}${spec.delta}`);
