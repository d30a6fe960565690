import { cancellation } from '../runtime/cancellation.js';

/** The clock waits use; tests of pure waiting logic can replace it. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A point in time every wait of one operation shares, so one --timeout bounds them all. */
export class Deadline {
  constructor(readonly at: number, private readonly clock: Clock = realClock) {}

  static after(ms: number, clock: Clock = realClock): Deadline {
    return new Deadline(clock.now() + ms, clock);
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.clock.now());
  }

  passed(): boolean {
    return this.clock.now() >= this.at;
  }
}

/**
 * Polls `probe` until it returns a value (not undefined) or the deadline
 * passes; then throws what `onTimeout` builds. A probe that throws ends the
 * wait at once: that is how waits fail fast. So does a signal to the
 * command (runtime/cancellation.ts).
 */
export async function retryUntil<T>(
  probe: () => Promise<T | undefined>,
  options: { deadline: Deadline; intervalMs?: number; onTimeout: () => Error | Promise<Error>; clock?: Clock },
): Promise<T> {
  const clock = options.clock ?? realClock;
  for (;;) {
    cancellation.checkpoint(); // a Ctrl-C ends a wait at once, as its failure
    const value = await probe();
    if (value !== undefined) return value;
    if (options.deadline.passed()) throw await options.onTimeout();
    await clock.sleep(Math.min(options.intervalMs ?? 200, Math.max(1, options.deadline.remainingMs())));
  }
}
