/** A promise's outcome as a value: awaited beside others without an unhandled rejection. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

export function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: Error) => ({ ok: false as const, error }),
  );
}
