import { dirname, resolve } from 'node:path';
import type { Options, StateBackend } from '../config/options.js';
import { userAtHost } from './identity.js';
import { usageError } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { Reporter } from '../output/reporter.js';
import { ComposeCli } from '../runtime/compose.js';
import type { StateStore } from '../runtime/store.js';
import type { Release } from '../plan/release.js';
import type { Compose, Engine, EngineAccess, Traefik, TraefikEntrypoint } from './ports.js';
import { connectEngine } from '../runtime/engine-connection.js';
import type { DockerEngine } from '../runtime/docker.js';
import type { Reach } from '../runtime/http-get.js';
import { Entrypoint } from '../runtime/entrypoint.js';
import { checkoutStateDir, defaultStateRoot } from '../runtime/state-dir.js';
import { settled } from './settled.js';
import type { ColourRuntime } from './colour-runtime.js';
import { selectRuntime } from './select-runtime.js';
import { projectNameFromFiles } from '../runtime/compose-files.js';

export const entrypointOf = (options: Options, reach?: Reach) => new Entrypoint(options.traefikUrl, { insecure: options.traefikInsecure, caPem: options.traefikCa?.pem }, reach);

/** Everything a command works with: options, adapters, the app, the output. */
export interface Context {
  options: Options;
  app: string;
  /** The Docker engine the command talks to (as the docker CLI would choose it), for messages and child processes. */
  engine: EngineAccess;
  docker: Engine;
  compose: Compose;
  traefik: Traefik;
  /** Traefik's entrypoint, as the end-to-end checks reach it (TLS as configured). */
  entrypoint: TraefikEntrypoint;
  store: StateStore;
  out: Reporter;
  /** user@host, recorded in history and the lock. */
  by: string;
  /** The command line as typed, for the lock and history. */
  commandLine: string;
  /** The user's compose files resolved now (cached); exit 2 when broken. */
  userConfig(): Promise<ComposeConfig>;
  /** What runs the colours here, compose or swarm (core/select-runtime.ts), chosen at the first call and kept. */
  runtime(): Promise<ColourRuntime>;
  /**
   * Set while a canary's step is meant to stay in (the steps and the switch
   * that ends them, core/canary.ts): reconcile takes a canary out otherwise,
   * as what an interrupted command left.
   */
  keepCanary?: boolean;
}

export interface ContextNeeds {
  /** Whether the command cannot work without the user's compose files. */
  composeFiles: boolean;
}

export async function createContext(options: Options, commandLine: string, needs: ContextNeeds): Promise<Context> {
  // The engine as the docker CLI would choose it; an ssh:// one is connected
  // to now (runtime/engine-connection.ts), while the rest gets ready.
  const connecting = later(connectEngine());
  // A connection refused is reported once, by the await below: compose's copy of the promise stays quiet.
  const compose = new ComposeCli(later(connecting().then((connection) => connection.childEnv()))());
  const out = new Reporter(options.json);
  // The user's compose files are resolved (`docker compose config`, ~60 ms
  // of a CPU, 0.1 s of wall time) at once when the command needs them or
  // the app's name is in them and not plain, while the adapters' modules
  // load; otherwise only if asked for.
  // The name alone is read from the files' text when it is plain there (no compose run).
  const named = options.project ?? (needs.composeFiles ? undefined : projectNameFromFiles(options.files, options.cwd));
  const resolveNow = needs.composeFiles || !named;
  let resolution: Promise<ComposeConfig> | undefined;
  const resolveFiles = () => (resolution ??= compose.resolve(options.files, options.cwd, options.project));
  const resolving = resolveNow ? settled(resolveFiles()) : Promise.resolve(undefined);
  // Every module the context needs is asked for at once: loaded one after
  // another, the loader's round trips added up (a tenth of `status`).
  const adapters = Promise.all([import('../runtime/docker.js'), import('../runtime/traefik-replicas.js')]);
  const connection = await connecting();
  const state = options.state ?? (connection.local || options.stateDir ? 'file' : 'engine');
  const fileStore = state === 'file' ? later(import('../runtime/file-store.js')) : undefined;
  const docker = adapters.then(([{ DockerEngine }]) => new DockerEngine(connection));
  // The file store is kept per engine: its ID is asked for meanwhile too.
  const engineId = state === 'file' && !options.stateDir ? later(docker.then((engine) => engine.engineId())) : undefined;
  const [[, { traefikFor }], resolvedNow] = await Promise.all([adapters, resolving]);
  if (resolveNow && !resolvedNow?.ok) throw resolvedNow?.error ?? usageError('no compose file', 'pass -f or run in the directory of compose.yaml');
  const app = named ?? (resolvedNow as { value: ComposeConfig }).value.name;
  const composeDir = options.files[0] ? dirname(resolve(options.cwd, options.files[0])) : options.cwd;
  const by = userAtHost();
  const engine = await docker;
  // Asked now (GET /info), while the store opens: nearly every command asks, and status waited on it.
  const runtime = later(selectRuntime({ docker: engine, engine: connection }));
  return {
    options,
    app,
    engine: connection,
    docker: engine,
    compose,
    traefik: traefikFor(options.traefikReplicas, connection.reach),
    entrypoint: entrypointOf(options, connection.reach),
    store: rememberingReleases(await createStore({ ...options, state }, app, { composeDir, engineId, fileStore, out, docker })),
    out,
    by,
    commandLine,
    userConfig: resolveFiles,
    runtime,
  };
}

type FileStoreModule = typeof import('../runtime/file-store.js');

async function createStore(
  options: Options & { state: StateBackend },
  app: string,
  at: { composeDir: string; engineId?: () => Promise<string>; fileStore?: () => Promise<FileStoreModule>; out: Reporter; docker: Promise<DockerEngine> },
): Promise<StateStore> {
  if (options.state === 'consul') {
    const [{ ConsulStore }, { ConsulClient }] = await Promise.all([import('../runtime/consul-store.js'), import('../runtime/consul.js')]);
    return new ConsulStore(new ConsulClient({ address: options.consulAddress, token: options.consulToken }), app);
  }
  if (options.state === 'engine') {
    const { EngineStore } = await import('../runtime/engine-store.js');
    return new EngineStore(await at.docker, app);
  }
  const { FileStore } = await at.fileStore!();
  const store = new FileStore(options.stateDir ?? defaultStateRoot(await at.engineId!()), app);
  const legacy = checkoutStateDir(at.composeDir, app);
  if (legacy !== store.location) {
    const taken = await store.takeOver(legacy);
    if (taken === 'moved') at.out.warn(`moved the state of ${app} from ${legacy} to ${store.location}, where every checkout deploying it shares it`);
    if (taken === 'ignored') at.out.warn(`${legacy} is left from an older bluegreen and ignored: ${app}'s state is in ${store.location}; remove it`);
  }
  return store;
}

/**
 * A frozen release never changes once written: each is read (and its YAML
 * parsed, ~10 ms) once per command, however many steps ask for it.
 */
function rememberingReleases(store: StateStore): StateStore {
  const read = new Map<number, Promise<Release | undefined>>();
  const loadRelease = store.loadRelease.bind(store);
  store.loadRelease = (number) => {
    const known = read.get(number);
    if (known) return known;
    const loading = loadRelease(number);
    // Only what was found is kept: a release not written yet may be soon.
    loading.then(
      (release) => (release ? undefined : read.delete(number)),
      () => read.delete(number),
    );
    read.set(number, loading);
    return loading;
  };
  return store;
}

/** A promise settled now but awaited later (or never) without an unhandled rejection. */
function later<T>(promise: Promise<T>): () => Promise<T> {
  promise.catch(() => undefined);
  return () => promise;
}
