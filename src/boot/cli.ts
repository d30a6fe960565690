#!/usr/bin/env node
// dist/cli.cjs, the `bluegreen` command: runs the bundle of src/cli.ts
// (dist/bluegreen.cjs) with a code cache (run-bundle.ts).
import { fileURLToPath } from 'node:url';
import { runBundle } from './run-bundle.js';

runBundle(fileURLToPath(new URL('./bluegreen.cjs', import.meta.url)));
