import type { Release } from '../plan/release.js';
import type { AppState, HistoryEntry } from '../plan/state.js';

/** Who holds an app's lock, shown to the command that could not take it. */
export interface LockHolder {
  by: string;
  host: string;
  pid: number;
  command: string;
  since: string;
}

export interface HeldLock {
  release(): Promise<void>;
  /**
   * Fails (errors.ts lockLostError) when the lock is no longer this
   * command's: broken with `unlock`, or its Consul session gone. Checked
   * before every step, so a holder that lost it changes nothing more.
   */
  assertHeld(): Promise<void>;
}

/** Where an app's state, releases and history live: the file store or Consul. */
export interface StateStore {
  /** Where it is, for messages (a directory, a Consul address and prefix). */
  readonly location: string;
  read(): Promise<AppState>;
  /** Read-modify-write; the store makes it atomic (rename, or check-and-set). */
  update(change: (state: AppState) => AppState): Promise<AppState>;
  saveRelease(release: Release): Promise<void>;
  loadRelease(number: number): Promise<Release | undefined>;
  releaseNumbers(): Promise<number[]>;
  deleteRelease(number: number): Promise<void>;
  appendHistory(entry: HistoryEntry): Promise<void>;
  history(): Promise<HistoryEntry[]>;
  /** Takes the app's lock; exit 3 naming the holder if it is held (after waiting up to waitMs). */
  lock(holder: LockHolder, waitMs: number): Promise<HeldLock>;
  /** Breaks the lock whoever holds it (`unlock`); returns who held it. */
  breakLock(): Promise<LockHolder | undefined>;
}
