#!/usr/bin/env node
// The Docker CLI plugin: `docker bg up` runs `bluegreen up`. (A program named
// `bg` alone is never reached from a shell: `bg` is the job-control builtin.)
// Docker asks a plugin for its metadata, then calls it with the CLI's own
// arguments: its global flags (`docker --context prod bg deploy`), then its
// own name ("bg"), then the command.
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
  const at = process.argv.indexOf('bg', 2);
  if (at >= 2) {
    // The engine the docker CLI was told to use: bluegreen uses the same one.
    const globals = process.argv.slice(2, at);
    for (let i = 0; i < globals.length; i++) {
      const [flag, inline] = globals[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
      const value = () => inline ?? globals[++i];
      if (flag === '--context' || flag === '-c') process.env.DOCKER_CONTEXT = value();
      else if (flag === '--host' || flag === '-H') process.env.DOCKER_HOST = value();
    }
    if (process.env.DOCKER_CONTEXT && globals.some((g) => /^(--context|-c)\b/.test(g))) delete process.env.DOCKER_HOST;
    process.argv.splice(2, at - 1);
  }
  // Built beside it (scripts/bundle.mjs): the CLI's bundle, as dist/cli.cjs runs it.
  runBundle(fileURLToPath(new URL('./bluegreen.cjs', import.meta.url)));
}
