import { dirname, resolve } from 'node:path';
import type { Options } from '../config/options.js';
import { userAtHost } from './identity.js';
import { usageError } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { Reporter } from '../output/reporter.js';
import { ComposeCli } from '../runtime/compose.js';
import type { DockerEngine } from '../runtime/docker.js';
import type { StateStore } from '../runtime/store.js';
import type { TraefikApi } from '../runtime/traefik-api.js';
import { Entrypoint } from '../runtime/entrypoint.js';

export const entrypointOf = (options: Options) => new Entrypoint(options.traefikUrl, { insecure: options.traefikInsecure, caPem: options.traefikCa?.pem });

/** Everything a command works with: options, adapters, the app, the output. */
export interface Context {
  options: Options;
  app: string;
  docker: DockerEngine;
  compose: ComposeCli;
  traefik: TraefikApi;
  /** Traefik's entrypoint, as the end-to-end checks reach it (TLS as configured). */
  entrypoint: Entrypoint;
  store: StateStore;
  out: Reporter;
  /** user@host, recorded in history and the lock. */
  by: string;
  /** The command line as typed, for the lock and history. */
  commandLine: string;
  /** The user's compose files resolved now (cached); exit 2 when broken. */
  userConfig(): Promise<ComposeConfig>;
}

export interface ContextNeeds {
  /** Whether the command cannot work without the user's compose files. */
  composeFiles: boolean;
}

export async function createContext(options: Options, commandLine: string, needs: ContextNeeds): Promise<Context> {
  const compose = new ComposeCli();
  const out = new Reporter(options.json);
  let resolved: ComposeConfig | undefined;
  let resolveError: unknown;
  // `docker compose config` runs while the adapters' modules load (a third
  // of the CLI's start-up is loading dockerode and got).
  const resolving = compose.resolve(options.files, options.cwd, options.project).then(
    (config) => void (resolved = config),
    (error: unknown) => void (resolveError = error),
  );
  const [{ DockerEngine }, { TraefikApi }] = await Promise.all([import('../runtime/docker.js'), import('../runtime/traefik-api.js'), resolving]);
  if (!resolved && (needs.composeFiles || !options.project)) {
    throw resolveError ?? usageError('no compose file', 'pass -f or run in the directory of compose.yaml');
  }
  const app = options.project ?? resolved!.name;
  const baseDir = options.files[0] ? dirname(resolve(options.cwd, options.files[0])) : options.cwd;
  const by = userAtHost();
  return {
    options,
    app,
    docker: new DockerEngine(),
    compose,
    traefik: new TraefikApi(options.traefikApi, options.traefikMetrics),
    entrypoint: entrypointOf(options),
    store: await createStore(options, baseDir, app),
    out,
    by,
    commandLine,
    userConfig: async () => {
      if (resolved) return resolved;
      throw resolveError;
    },
  };
}

async function createStore(options: Options, baseDir: string, app: string): Promise<StateStore> {
  if (options.state === 'consul') {
    const [{ ConsulStore }, { ConsulClient }] = await Promise.all([import('../runtime/consul-store.js'), import('../runtime/consul.js')]);
    return new ConsulStore(new ConsulClient({ address: options.consulAddress, token: options.consulToken }), app);
  }
  const { FileStore } = await import('../runtime/file-store.js');
  return new FileStore(baseDir, app);
}
