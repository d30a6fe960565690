/** Exit codes of the contract (design.md): what users' scripts branch on. */
export const ExitCode = {
  ok: 0,
  failedReverted: 1,
  usage: 2,
  locked: 3,
  unreachable: 4,
  needsPerson: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one error type users see: a one-line cause, a hint, an exit code.
 * The top-level handler in cli.ts prints it; nothing else calls process.exit.
 */
export class BgError extends Error {
  /** Several lines that explain the failure (health output, log tail), printed after the message. */
  details?: string;

  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    options?: { cause?: unknown; details?: string },
  ) {
    super(message, options);
    this.details = options?.details;
    this.name = 'BgError';
  }
}

export const usageError = (message: string, hint?: string) => new BgError(message, ExitCode.usage, hint);
export const unreachableError = (message: string, hint?: string, cause?: unknown) => new BgError(message, ExitCode.unreachable, hint, { cause });
export const needsPersonError = (message: string, hint?: string) => new BgError(message, ExitCode.needsPerson, hint);

/**
 * The app's lock was lost mid-operation: nothing more may be changed, not
 * even a revert (another command may own the app now). Exit 5.
 */
export class LockLostError extends BgError {
  constructor(why: string) {
    super(
      `the app's lock was lost (${why}): stopped before changing anything more`,
      ExitCode.needsPerson,
      'another command may be changing the app now: check `bluegreen status` and `bluegreen history` before running anything',
    );
    this.name = 'LockLostError';
  }
}

/**
 * The connection to the engine's host is gone (an ssh connection cut): exit
 * 4 like any unreachable dependency, but not a passing "not yet" that a wait
 * would retry until its deadline.
 */
export class ConnectionLostError extends BgError {
  constructor(message: string, hint: string) {
    super(message, ExitCode.unreachable, hint);
    this.name = 'ConnectionLostError';
  }
}
