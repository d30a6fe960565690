import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bench-env.js';
import { runTimed } from './exec.js';

/** The built CLI, as users run it (no TypeScript compilation in the timings). */
export const BLUEGREEN_CLI = join(ROOT, 'dist', 'cli.cjs');

function newestMtime(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .reduce((newest, entry) => Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** Runs `npm run build` when dist/cli.cjs is missing or older than a file of src/; says what it did. */
export async function ensureBuilt(log: (line: string) => void): Promise<void> {
  const builtAt = existsSync(BLUEGREEN_CLI) ? statSync(BLUEGREEN_CLI).mtimeMs : 0;
  if (builtAt >= newestMtime(join(ROOT, 'src'))) return;
  log('dist/ is older than src/: npm run build');
  const build = await runTimed({ cmd: 'npm', args: ['run', 'build'], cwd: ROOT }, 180_000);
  if (build.code !== 0) {
    if (!existsSync(BLUEGREEN_CLI)) throw new Error(`npm run build failed and there is no dist/cli.cjs:\n${build.stdout}${build.stderr}`);
    log(`npm run build exited ${build.code}; benchmarking the dist/ it left:\n${build.stdout.trim().split('\n').slice(-5).join('\n')}`);
  }
}
