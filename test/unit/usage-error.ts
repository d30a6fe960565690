import assert from 'node:assert/strict';
import { BgError, ExitCode } from '../../src/errors.js';

/**
 * Runs `run`, expects it to throw a usage error (BgError, exit code 2) whose
 * message equals `message` (a string) or matches it (a RegExp), and returns it.
 */
export function assertUsageError(run: () => unknown, message: string | RegExp): BgError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BgError, `expected a BgError, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.exitCode, ExitCode.usage, `exit code of "${caught.message}"`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}
