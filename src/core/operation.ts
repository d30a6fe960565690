import { hostname } from 'node:os';
import { userName } from './identity.js';
import { BgError, ExitCode, LockLostError } from '../errors.js';
import type { HistoryEntry, HistorySubject, Operation } from '../plan/state.js';
import type { Context } from './context.js';
import { cancellation } from '../runtime/cancellation.js';
import { warningHook } from './hooks.js';

/**
 * Runs `run`; a failure leaves with what it was about (the release being
 * launched, the colour) for history, unless an inner step already said.
 */
export async function about<T>(subject: HistorySubject, run: () => Promise<T>, options: { over?: boolean } = {}): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // `over`: this subject says it better than an inner step's (a deploy's release, not its stop-old's).
    if (error && typeof error === 'object') {
      const failed = error as { about?: HistorySubject };
      if (options.over || !failed.about) failed.about = subject;
    }
    throw error;
  }
}

/** What an operation's result tells history (its `about`), if it says. */
const subjectOf = (value: unknown): HistorySubject => (value && typeof value === 'object' && 'about' in value ? ((value as { about?: HistorySubject }).about ?? {}) : {});

/**
 * Runs a command that changes anything: under the app's lock, recorded in
 * history with its outcome and duration, whether it succeeds or not, and
 * what it was about: the result's `about`, or the failure's (`about` above).
 */
export async function runLocked<T>(ctx: Context, operation: Operation, body: () => Promise<T>): Promise<T> {
  const lock = await ctx.store.lock({ by: userName(), host: hostname(), pid: process.pid, command: ctx.commandLine, since: new Date().toISOString() }, ctx.options.waitLockMs);
  // From here a signal undoes what the command started (runtime/cancellation.ts).
  cancellation.arm();
  ctx.out.beforeStep = () => {
    cancellation.checkpoint();
    return lock.assertHeld();
  };
  const started = Date.now();
  const record = (outcome: HistoryEntry['outcome'], subject: HistorySubject, detail?: string) =>
    ctx.store.appendHistory({ at: new Date(started).toISOString(), operation, outcome, ...subject, ...(detail ? { detail } : {}), durationMs: Date.now() - started, by: ctx.by });
  let result: T;
  try {
    result = await body();
  } catch (error) {
    const needsPerson = error instanceof BgError && error.exitCode === ExitCode.needsPerson;
    ctx.out.beforeStep = undefined;
    cancellation.disarm();
    // A lost lock is not ours to release, nor is the history: someone else may hold them now.
    if (error instanceof LockLostError) throw error;
    await record(needsPerson ? 'needs-person' : 'failed', subjectOf(error), (error as Error).message).catch(() => undefined);
    // The team's alert, under the lock still: what it reports is what stands now.
    const subject = subjectOf(error);
    await warningHook(ctx, 'on_failure', {
      release: subject.release,
      colour: subject.colour,
      failure: { operation, message: (error as Error).message, exitCode: error instanceof BgError ? error.exitCode : ExitCode.failedReverted },
    }).catch((hookError: Error) => ctx.out.warn(`the on_failure hook: ${hookError.message}`));
    // The failure is what the user must see; a lock that cannot be released now goes stale by itself.
    await lock.release().catch((releaseError: Error) => ctx.out.warn(`the app's lock was not released (${releaseError.message}): the next command takes it once its holder is gone`));
    throw error;
  }
  ctx.out.beforeStep = undefined;
  cancellation.disarm();
  // The operation is done: a history that cannot be written is a warning, not a failure.
  await record('ok', subjectOf(result)).catch((error: Error) => ctx.out.warn(`history not written: ${error.message}`));
  await lock.release();
  return result;
}
