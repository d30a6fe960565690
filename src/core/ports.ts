import type { ComposeCli } from '../runtime/compose.js';
import type { DockerEngine } from '../runtime/docker.js';
import type { EngineConnection } from '../runtime/engine-connection.js';
import type { Entrypoint } from '../runtime/entrypoint.js';
import type { TraefikApi } from '../runtime/traefik-api.js';

/**
 * What commands need from each outside service: the adapters in runtime/
 * implement these, and unit tests of the commands' decisions implement them
 * with fakes (test/unit/fakes/). The end-to-end tests are the proof against
 * the real engine, compose, Traefik and Consul.
 */
export type Engine = Pick<
  DockerEngine,
  | 'ping'
  | 'containers'
  | 'runningLabels'
  | 'inspect'
  | 'stopAndRemove'
  | 'pause'
  | 'unpause'
  | 'unpauseLater'
  | 'triggerProviderRefresh'
  | 'logTail'
  | 'imageId'
  | 'localImage'
  | 'imageHasHealthcheck'
  | 'imageCommand'
  | 'traefikProcesses'
  | 'networkExists'
  | 'ensureNetwork'
  | 'ensureVolume'
  | 'removeVolume'
  | 'removeNetwork'
  | 'ensureRouteImage'
  | 'runContainer'
  | 'ensureMaintenanceImage'
  | 'removeImage'
  // Swarm mode's reads (swarm/): the role chooses the runtime (core/select-runtime.ts).
  | 'swarmRole'
  | 'services'
  | 'tasks'
  | 'repoDigests'
  | 'networkDriver'
>;

export type Compose = Pick<ComposeCli, 'build' | 'pull' | 'up' | 'stop' | 'down' | 'serviceHashes'>;

type TraefikReads = Pick<TraefikApi, 'version' | 'router' | 'routers' | 'service' | 'services' | 'metrics'>;

/** Traefik's API; `replicas` when several instances route the app (runtime/traefik-replicas.ts), each verified. */
export type Traefik = TraefikReads & { readonly replicas?: readonly TraefikReads[] };

export type TraefikEntrypoint = Pick<Entrypoint, 'url' | 'secure' | 'request' | 'reachable'>;

/** The engine as commands name it and hand it to child processes (hooks). */
export type EngineAccess = Pick<EngineConnection, 'name' | 'childEnv'>;
