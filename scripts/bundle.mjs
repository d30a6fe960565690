// npm run build, after tsc has type-checked. dist/ holds:
//   bluegreen.cjs         the CLI (src/cli.ts) and every dependency, one
//                         CommonJS file: what a command loads only when it
//                         runs stays a function not called until then
//   cli.cjs               the `bluegreen` command: runs bluegreen.cjs with a
//                         V8 code cache (src/boot/run-bundle.ts)
//   docker-plugin.cjs     `docker bg`, the same way
//   unpause-watchdog.cjs  the detached process that resumes paused containers
// Measured on `bluegreen status` (2 cores): 0.42 s unbundled, 0.30 s as
// split ES modules, 0.17 s once status stopped loading dockerode and got,
// 0.14 s as this one file with a code cache (see the README's benchmark).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', outdir: 'dist', logLevel: 'warning' };

// dockerode builds images through BuildKit sessions with gRPC (its
// lib/session.js and lib/buildkit.js: @grpc/grpc-js, protobufjs, a third of
// the bundle). bluegreen builds through compose and never calls them: they
// are left out, and one that is called anyway says so.
const withoutDockerodeBuildkit = {
  name: 'without-dockerode-buildkit',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) => (/[\\/]dockerode[\\/]lib$/.test(args.resolveDir) ? { path: args.path, namespace: 'left-out' } : undefined));
    bundle.onLoad({ filter: /.*/, namespace: 'left-out' }, (_args) => ({
      contents: `module.exports = function () { throw new Error('dockerode ${'${args.path}'} is left out of the bundle (scripts/bundle.mjs)'); };`,
      loader: 'js',
    }));
  },
};

await build({
  ...common,
  entryPoints: { bluegreen: 'src/cli.ts', 'unpause-watchdog': 'src/runtime/unpause-watchdog.ts' },
  format: 'cjs',
  // Whitespace and syntax only (names kept, for BG_DEBUG's stack traces):
  // the file read, and the code cache read, at each start are smaller.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [withoutDockerodeBuildkit],
  outExtension: { '.js': '.cjs' },
  // ssh2's optional native add-ons are looked for at run time, as unbundled.
  external: ['*.node', 'cpu-features'],
  // Modules that find files beside themselves (package.json, the watchdog)
  // read import.meta.url: in the bundle, the bundle's own URL.
  define: { 'import.meta.url': '__bgModuleUrl' },
  banner: { js: "var __bgModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// CommonJS too: an ES module entry starts Node's ES module loader first
// (~15 ms of every command, measured on `bluegreen status`).
await build({
  ...common,
  entryPoints: { cli: 'src/boot/cli.ts', 'docker-plugin': 'src/docker-plugin.ts' },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__bgModuleUrl' },
  banner: { js: "var __bgModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The entries' former names (ES modules), for links made by earlier
// installs (`bluegreen plugin install`'s docker-bg): they run the new ones.
for (const name of ['cli', 'docker-plugin']) {
  writeFileSync(new URL(`../dist/${name}.js`, import.meta.url), `#!/usr/bin/env node\n// ${name}.cjs's former name, kept for links to it.\nimport './${name}.cjs';\n`, { mode: 0o755 });
}

// What the code cache is kept by (src/boot/run-bundle.ts): the bundle's
// content, not its size and time (npm installs every file with one time).
const bundle = readFileSync(new URL('../dist/bluegreen.cjs', import.meta.url));
writeFileSync(new URL('../dist/bluegreen.cjs.sha256', import.meta.url), `${createHash('sha256').update(bundle).digest('hex')}\n`);
