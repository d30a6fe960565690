import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadOptions } from '../../../src/config/load.js';
import type { Context } from '../../../src/core/context.js';
import { Reporter } from '../../../src/output/reporter.js';
import type { ComposeConfig } from '../../../src/plan/compose-model.js';
import { FileStore } from '../../../src/runtime/file-store.js';
import type { FakeWorld } from './world.js';
import type { ColourRuntime } from '../../../src/core/colour-runtime.js';
import { selectRuntime } from '../../../src/core/select-runtime.js';

/** The user's compose file as `docker compose config` would give it: one target with a healthcheck. */
export const sampleConfig = (image = 'shop:1'): ComposeConfig => ({
  name: 'shop',
  services: { app: { image, expose: ['8000'], healthcheck: { test: ['CMD', '/bin/true'] } } },
});

/** A Context over a fake world, with the real file store in a temporary directory. */
export function fakeContext(world: FakeWorld, config: () => ComposeConfig = () => sampleConfig(), cli: { sideTargets?: string[]; target?: string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bg-unit-'));
  let text = '';
  const stderr = new Writable({ write: (chunk, _encoding, done) => ((text += chunk), done()) }) as unknown as NodeJS.WriteStream;
  const options = loadOptions({ cli: { project: 'shop', drain: '0s', timeout: '2s', stateDir: dir, ...cli }, env: {}, cwd: dir });
  let runtime: Promise<ColourRuntime> | undefined;
  const ctx: Context = {
    options,
    app: 'shop',
    engine: { name: 'unix:///var/run/docker.sock', childEnv: (base = process.env) => ({ ...base, DOCKER_HOST: 'unix:///var/run/docker.sock' }) },
    docker: world.engine,
    compose: world.compose,
    traefik: world.traefik,
    entrypoint: world.entrypoint,
    store: new FileStore(dir, 'shop'),
    out: new Reporter(false, stderr),
    by: 'test@unit',
    commandLine: 'bluegreen (unit test)',
    userConfig: async () => config(),
    // Chosen as the CLI chooses it, by the engine's swarm role: a FakeWorld({ swarm: true }) is a swarm manager.
    runtime: () => (runtime ??= selectRuntime(ctx, async () => world.swarm!.stacks)),
  };
  return { ctx, output: () => text, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
