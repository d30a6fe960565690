import { median } from './stats.js';
import type { Mark } from './types.js';

/** Where the time of one bluegreen deploy went, from its --json events. */
export interface BluegreenPhases {
  /** From the start of `switch` (its containers recreated with the live router) to the first response from the new release. */
  switchToFirstNewMs?: number;
  /** From the moment the live containers were healthy to the command's return. */
  healthyToReturnMs?: number;
  /** From the end of the old colour's drain to the command's return (its stop, and the command's own end). */
  drainEndToReturnMs?: number;
  /** Each step's duration, named phase:step (up:start, switch:healthy, stop-old:drain, ...). */
  steps: Record<string, number>;
}

/** Where the picture marks a bluegreen deploy: the step that starts each phase. */
const MARKED: Record<string, string> = { 'up:start': 'up', 'switch:start': 'switch', 'stop-old:drain': 'drain', 'stop-old:stop': 'stop' };

const PHASE_OF_SECOND = new Set(['start', 'healthy', 'traefik', 'end-to-end']);

/**
 * Reads a `bluegreen deploy --json` run. Its events carry wall-clock times;
 * `wallMinusPerf` converts them to the performance clock the benchmark's
 * other times (first new response, return) are on.
 */
export function bluegreenPhases(stdout: string, wallMinusPerf: number, firstNewPerf: number | undefined, returnPerf: number, startPerf: number): BluegreenPhases & { marks: Mark[] } {
  const events = stdout.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as { event: string; step?: string; state?: string; at?: string; elapsed_ms?: number }];
    } catch {
      return [];
    }
  });
  const seen = new Map<string, number>();
  const steps: Record<string, number> = {};
  let switchStart: number | undefined;
  let liveHealthy: number | undefined;
  let drainEnd: number | undefined;
  const marks: Mark[] = [];
  for (const e of events) {
    if (e.event !== 'step' || !e.step || !e.at) continue;
    const perf = Date.parse(e.at) - wallMinusPerf;
    if (e.state === 'started') seen.set(e.step, (seen.get(e.step) ?? 0) + 1);
    const second = (seen.get(e.step) ?? 0) >= 2 && PHASE_OF_SECOND.has(e.step);
    const phase = ['drain', 'stop'].includes(e.step) ? 'stop-old' : second ? 'switch' : 'up';
    if (e.step === 'start' && e.state === 'started' && second) switchStart = perf;
    if (e.step === 'healthy' && e.state === 'done' && second) liveHealthy = perf;
    if (e.step === 'drain' && e.state === 'done') drainEnd = perf;
    if (e.state === 'done' && e.elapsed_ms !== undefined) steps[`${phase}:${e.step}`] = e.elapsed_ms;
    const mark = MARKED[`${phase}:${e.step}`];
    if (mark && e.state === 'started') marks.push({ t: Math.round(perf - startPerf), label: mark });
  }
  return {
    switchToFirstNewMs: switchStart !== undefined && firstNewPerf !== undefined ? Math.round(firstNewPerf - switchStart) : undefined,
    healthyToReturnMs: liveHealthy !== undefined ? Math.round(returnPerf - liveHealthy) : undefined,
    drainEndToReturnMs: drainEnd !== undefined ? Math.round(returnPerf - drainEnd) : undefined,
    steps,
    marks,
  };
}

/** Median of each figure over several deploys. */
export function medianPhases(all: BluegreenPhases[]): BluegreenPhases {
  const pick = (f: (p: BluegreenPhases) => number | undefined) => {
    const values = all.map(f).filter((v): v is number => v !== undefined);
    return values.length ? Math.round(median(values)!) : undefined;
  };
  const keys = [...new Set(all.flatMap((p) => Object.keys(p.steps)))];
  return {
    switchToFirstNewMs: pick((p) => p.switchToFirstNewMs),
    healthyToReturnMs: pick((p) => p.healthyToReturnMs),
    drainEndToReturnMs: pick((p) => p.drainEndToReturnMs),
    steps: Object.fromEntries(keys.map((k) => [k, pick((p) => p.steps[k]) ?? 0])),
  };
}

export function phasesTable(p: BluegreenPhases): string {
  const rows = Object.entries(p.steps).map(([step, ms]) => `  ${step.padEnd(20)} ${String(ms).padStart(6)} ms`);
  return [
    'bluegreen deploy, median per step',
    ...rows,
    `  switch start -> first response from the new release: ${p.switchToFirstNewMs ?? '-'} ms`,
    `  live containers healthy -> command returns:          ${p.healthyToReturnMs ?? '-'} ms`,
    `  old colour's drain ends -> command returns:          ${p.drainEndToReturnMs ?? '-'} ms`,
  ].join('\n');
}
