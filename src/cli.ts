#!/usr/bin/env node
import { buildProgram, scaleCountAsOperand } from './cli/program.js';
import { reportError } from './cli/report.js';
import { cancellation } from './runtime/cancellation.js';
import { COMMANDS } from './config/registry.js';

const json = process.argv.includes('--json');

// A reader that went away (`bluegreen deploy --json | head`) must not stop a
// deploy half-way: what cannot be written any more is dropped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// Ctrl-C, or SIGTERM from a CI job being cancelled: undone like a failure
// (runtime/cancellation.ts). A process ending for any reason takes its
// compose children and temporary directory with it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => cancellation.request(signal));
process.on('exit', () => cancellation.finish());

// The command asked for, when it is one that takes options: only it gets them built (cli/program.ts).
const invoked = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
buildProgram(invoked && (COMMANDS as readonly string[]).includes(invoked) && invoked !== 'proxy' ? invoked : undefined)
  .parseAsync(scaleCountAsOperand(process.argv))
  .then(
    () => undefined,
    (error: unknown) => {
      process.exitCode = reportError(error, {
        json,
        debug: Boolean(process.env.BG_DEBUG),
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      });
    },
  );
