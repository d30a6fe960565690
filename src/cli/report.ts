import { CommanderError } from 'commander';
import { BgError, ExitCode } from '../errors.js';

/** A bug in bluegreen, not a failure it knows: its own exit code (sysexits' EX_SOFTWARE). */
export const INTERNAL_ERROR_EXIT = 70;

export interface ErrorOutput {
  json: boolean;
  /** BG_DEBUG set: the stack of an internal error is shown too. */
  debug: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The one place that turns errors into output and an exit code. */
export function reportError(error: unknown, out: ErrorOutput): number {
  if (error instanceof CommanderError) {
    // Commander printed its own message; help and --version are not errors.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  const known = error instanceof BgError;
  const exitCode = known ? error.exitCode : INTERNAL_ERROR_EXIT;
  const message = known ? error.message : `internal error: ${firstLine(error)}${whereFrom(error)}`;
  const hint = known ? error.hint : 'this is a bug in bluegreen; `bluegreen status` shows where the app stands (live traffic is only ever moved by a verified switch); BG_DEBUG=1 shows the stack';
  const details = known ? error.details : out.debug && error instanceof Error ? error.stack : undefined;
  if (out.json) out.stdout(`${JSON.stringify({ event: 'error', exit_code: exitCode, message, hint, details })}\n`);
  out.stderr(`error: ${message}\n`);
  if (details) out.stderr(`${details.replace(/^/gm, '  ')}\n`);
  if (hint) out.stderr(`hint: ${hint}\n`);
  return exitCode;
}

const firstLine = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0];

/** The first frame of bluegreen's own code (not a dependency's, not node's), so a report names where it broke. */
function whereFrom(error: unknown): string {
  const frames = error instanceof Error ? (error.stack?.split('\n').slice(1) ?? []) : [];
  const own = frames.find((line) => /\.[jt]s:\d+/.test(line) && !line.includes('node_modules') && !line.includes('node:'));
  const at = own && /([^/\s(]+\/[^/\s(]+\/[^/\s(]+\.[jt]s:\d+)/.exec(own)?.[1];
  return at ? ` (at ${at})` : '';
}
