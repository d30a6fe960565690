import { cancellation } from '../runtime/cancellation.js';

/** A point in time every wait of one operation shares, so one --timeout bounds them all. */
export class Deadline {
  constructor(readonly at: number) {}

  static after(ms: number): Deadline {
    return new Deadline(Date.now() + ms);
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  passed(): boolean {
    return Date.now() >= this.at;
  }
}

/**
 * Polls `probe` until it returns a value (not undefined) or the deadline
 * passes; then throws what `onTimeout` builds. A probe that throws ends the
 * wait at once: that is how waits fail fast. So does a signal to the
 * command (runtime/cancellation.ts).
 */
export async function retryUntil<T>(probe: () => Promise<T | undefined>, options: { deadline: Deadline; intervalMs?: number; onTimeout: () => Error | Promise<Error> }): Promise<T> {
  for (;;) {
    cancellation.checkpoint(); // a Ctrl-C ends a wait at once, as its failure
    const value = await probe();
    if (value !== undefined) return value;
    if (options.deadline.passed()) throw await options.onTimeout();
    const pause = Math.min(options.intervalMs ?? 200, Math.max(1, options.deadline.remainingMs()));
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
