#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './cli/program.js';
import { BgError, ExitCode } from './errors.js';

const json = process.argv.includes('--json');

// A reader that went away (`bluegreen deploy --json | head`) must not stop a
// deploy half-way: what cannot be written any more is dropped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** The one place that turns errors into output and an exit code. */
function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander printed its own message; help and --version are not errors.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof BgError) {
    if (json) process.stdout.write(`${JSON.stringify({ event: 'error', exit_code: error.exitCode, message: error.message, hint: error.hint, details: error.details })}\n`);
    process.stderr.write(`error: ${error.message}\n`);
    if (error.details) process.stderr.write(`${error.details.replace(/^/gm, '  ')}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  process.stderr.write(`internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
  return ExitCode.needsPerson;
}

buildProgram()
  .parseAsync(process.argv)
  .then(
    () => undefined,
    (error: unknown) => {
      process.exitCode = report(error);
    },
  );
