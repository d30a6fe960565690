#!/usr/bin/env node
// The Docker CLI plugin: `docker bg up` runs `bluegreen up`. (A program named
// `bg` alone is never reached from a shell: `bg` is the job-control builtin.)
// Docker asks a plugin for its metadata, then calls it with its own name
// ("bg") as the first argument.
import { fileURLToPath } from 'node:url';
import { runBundle } from './boot/run-bundle.js';
import { VERSION } from './version.js';

if (process.argv[2] === 'docker-cli-plugin-metadata') {
  process.stdout.write(
    `${JSON.stringify({
      SchemaVersion: '0.1.0',
      Vendor: 'bluegreen',
      Version: VERSION,
      ShortDescription: 'Zero-downtime blue-green deployments of compose services behind Traefik',
    })}\n`,
  );
} else {
  if (process.argv[2] === 'bg') process.argv.splice(2, 1);
  // Built beside it (scripts/bundle.mjs): the CLI's bundle, as dist/cli.js runs it.
  runBundle(fileURLToPath(new URL('./bluegreen.cjs', import.meta.url)));
}
