#!/usr/bin/env node
import { Command } from 'commander';
import { VERSION } from './version.js';
import { BgError, ExitCode } from './errors.js';

const program = new Command('bluegreen')
  .description('Zero-downtime blue-green deployments of docker compose services behind Traefik')
  .version(VERSION);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof BgError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  process.stderr.write(`internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = ExitCode.needsPerson;
});
