import type { Colour } from './colour.js';

/** What the store records: intent and history. Reality (containers, Traefik) is the truth. */
export interface AppState {
  app: string;
  live?: { colour: Colour; release: number; since: string };
  /** The release that was live before the current one: what `rollback` brings back. */
  previousLive?: number;
  /** A colour started by `up`, not yet switched. */
  candidate?: { colour: Colour; release: number };
  /** The generation of the last switch or rollback (live router priority). */
  generation: number;
  /** The highest release number handed out. */
  lastRelease: number;
  /**
   * What a request must carry in X-Bluegreen-Preview-Key to reach a preview
   * route: made on the first launch, kept for the app's life (a colour's
   * replicas must all ask for the same one).
   */
  previewKey?: string;
}

/** What a history entry says an operation was about: its release, image, colour, and a detail. */
export type HistorySubject = Partial<Pick<HistoryEntry, 'release' | 'image' | 'colour' | 'detail'>>;

export const emptyState = (app: string): AppState => ({ app, generation: 0, lastRelease: 0 });

export type Operation = 'up' | 'switch' | 'stop-old' | 'rollback' | 'deploy' | 'scale' | 'down' | 'flow' | 'maintenance' | 'canary';
export type Outcome = 'ok' | 'failed' | 'needs-person';

export interface HistoryEntry {
  at: string;
  operation: Operation;
  outcome: Outcome;
  release?: number;
  image?: string;
  colour?: Colour;
  durationMs: number;
  by: string;
  detail?: string;
}

/** Frozen releases kept by default; older ones are pruned unless live or previous. */
export const RELEASES_KEPT = 5;

/** Which release files to delete: all but the newest `keep`, never one still needed. */
export function releasesToPrune(numbers: number[], keep: number, protect: (number | undefined)[]): number[] {
  const sorted = [...numbers].sort((a, b) => b - a);
  return sorted.slice(keep).filter((n) => !protect.includes(n));
}

/**
 * What the store records once a colour went live (a switch, a rollback, a
 * bake's switch back, in either mode): the release that was live before it
 * becomes the one `rollback` brings back, as reality showed it (the release
 * the shadowed colour runs) or else as the store had it, never the release
 * that is now live itself; the candidate is gone.
 */
export function recordedLive(state: AppState, went: { colour: Colour; release: number; generation: number; at: string; replaced?: number }): AppState {
  const before = [went.replaced, state.live?.release].find((release) => release !== undefined && release !== went.release);
  return {
    ...state,
    live: { colour: went.colour, release: went.release, since: went.at },
    previousLive: before ?? state.previousLive,
    candidate: undefined,
    generation: went.generation,
  };
}
