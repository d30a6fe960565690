/** The parts of a resolved compose file (`docker compose config`) bluegreen reads. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  container_name?: string;
  ports?: unknown[];
  network_mode?: string;
  networks?: Record<string, unknown> | null;
  healthcheck?: { test?: string[] | string; disable?: boolean; start_period?: string; start_interval?: string; interval?: string; retries?: number };
  labels?: Record<string, string>;
  depends_on?: Record<string, unknown>;
  expose?: (string | number)[];
  deploy?: { replicas?: number; [key: string]: unknown };
  stop_grace_period?: string;
  [key: string]: unknown;
}

export interface ComposeConfig {
  name: string;
  services: Record<string, ComposeService>;
  networks?: Record<string, ComposeResource | null>;
  volumes?: Record<string, ComposeResource | null>;
  [key: string]: unknown;
}

export interface ComposeResource {
  name?: string;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface ExternalResource extends ComposeResource {
  name: string;
  external: true;
}

/** How many containers compose runs of a service that bluegreen does not scale (deploy.replicas, else scale, else one). */
export function companionCount(service: ComposeService): number {
  const replicas = service.deploy?.replicas ?? service.scale;
  return typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? replicas : 1;
}

/** The service with `count` replicas (compose honours deploy.replicas; a `scale` beside it would conflict). */
export function withReplicas(service: ComposeService, count: number): ComposeService {
  const { scale: _scale, ...rest } = service;
  return { ...rest, deploy: { ...(service.deploy ?? {}), replicas: count } };
}
