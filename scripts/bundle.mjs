// npm run build, after tsc has type-checked: the CLI, the Docker CLI plugin
// and the unpause watchdog, each bundled into one file in dist/. Loading one
// file instead of some 400 modules (dockerode, got, zod, yaml, commander and
// theirs) takes a command's start-up from ~0.42 s to ~0.30 s (bluegreen
// status, measured; see the README's benchmark).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', 'docker-plugin': 'src/docker-plugin.ts', 'unpause-watchdog': 'src/runtime/unpause-watchdog.ts' },
  outdir: 'dist',
  bundle: true,
  // What a command loads only when it runs (actions, adapters) stays in its
  // own chunk, beside the entries: --version and --help load little.
  splitting: true,
  chunkNames: '[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ssh2's optional native add-ons are looked for at run time, as unbundled.
  external: ['*.node', 'cpu-features'],
  // CommonJS dependencies inside an ES module bundle still ask for these.
  banner: {
    js: [
      "import { createRequire as __bgCreateRequire } from 'node:module';",
      "import { fileURLToPath as __bgFileURLToPath } from 'node:url';",
      "import { dirname as __bgDirname } from 'node:path';",
      'const require = __bgCreateRequire(import.meta.url);',
      'const __filename = __bgFileURLToPath(import.meta.url);',
      'const __dirname = __bgDirname(__filename);',
    ].join('\n'),
  },
  logLevel: 'warning',
});
