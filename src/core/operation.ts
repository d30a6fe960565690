import { hostname } from 'node:os';
import { userName } from './identity.js';
import { BgError, ExitCode, LockLostError } from '../errors.js';
import type { HistoryEntry, Operation } from '../plan/state.js';
import type { Context } from './context.js';
import { cancellation } from '../runtime/cancellation.js';

/** What an operation tells history about itself as it goes. */
export type HistoryNote = Partial<Pick<HistoryEntry, 'release' | 'image' | 'colour' | 'detail'>>;

/**
 * Runs a command that changes anything: under the app's lock, recorded in
 * history with its outcome and duration, whether it succeeds or not.
 */
export async function runLocked<T>(ctx: Context, operation: Operation, body: (note: HistoryNote) => Promise<T>): Promise<T> {
  const lock = await ctx.store.lock(
    { by: userName(), host: hostname(), pid: process.pid, command: ctx.commandLine, since: new Date().toISOString() },
    ctx.options.waitLockMs,
  );
  // From here a signal undoes what the command started (runtime/cancellation.ts).
  cancellation.arm();
  ctx.out.beforeStep = () => {
    cancellation.checkpoint();
    return lock.assertHeld();
  };
  const started = Date.now();
  const note: HistoryNote = {};
  const record = (outcome: HistoryEntry['outcome'], detail?: string) =>
    ctx.store.appendHistory({ at: new Date(started).toISOString(), operation, outcome, ...note, ...(detail ? { detail } : {}), durationMs: Date.now() - started, by: ctx.by });
  let result: T;
  try {
    result = await body(note);
  } catch (error) {
    const needsPerson = error instanceof BgError && error.exitCode === ExitCode.needsPerson;
    ctx.out.beforeStep = undefined;
    cancellation.disarm();
    // A lost lock is not ours to release, nor is the history: someone else may hold them now.
    if (error instanceof LockLostError) throw error;
    await record(needsPerson ? 'needs-person' : 'failed', (error as Error).message).catch(() => undefined);
    await lock.release();
    throw error;
  }
  ctx.out.beforeStep = undefined;
  cancellation.disarm();
  // The operation is done: a history that cannot be written is a warning, not a failure.
  await record('ok').catch((error: Error) => ctx.out.warn(`history not written: ${error.message}`));
  await lock.release();
  return result;
}
