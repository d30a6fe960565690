import { BENCH_LABELS, NETWORK } from './bench-env.js';

/** The little of a compose file these functions touch. */
export interface ComposeDoc {
  name?: string;
  services: Record<string, ComposeServiceDoc>;
  networks?: Record<string, Record<string, unknown> | null>;
  volumes?: Record<string, Record<string, unknown> | null>;
}

export interface ComposeServiceDoc {
  labels?: Record<string, string>;
  networks?: string[] | Record<string, unknown>;
  environment?: Record<string, string>;
  [key: string]: unknown;
}

/** The sample as it is, named for the app and labelled as the benchmark's: what bluegreen deploys. */
export function labelledSample(sample: ComposeDoc, project: string): ComposeDoc {
  const doc = structuredClone(sample);
  doc.name = project;
  for (const service of Object.values(doc.services)) service.labels = { ...service.labels, ...BENCH_LABELS };
  doc.networks = { ...doc.networks, default: { ...doc.networks?.default, labels: { ...BENCH_LABELS } } };
  for (const key of Object.keys(doc.volumes ?? {})) doc.volumes![key] = { ...doc.volumes![key], labels: { ...BENCH_LABELS } };
  return doc;
}

/** Traefik v3 labels routing `rule` to port 8000 of the containers that carry them. */
export function routeLabels(name: string, rule: string): Record<string, string> {
  return {
    'traefik.enable': 'true',
    'traefik.docker.network': NETWORK,
    [`traefik.http.routers.${name}.rule`]: rule,
    [`traefik.http.routers.${name}.entrypoints`]: 'web',
    [`traefik.http.routers.${name}.service`]: name,
    [`traefik.http.services.${name}.loadbalancer.server.port`]: '8000',
  };
}

const gatewayNetwork = { name: NETWORK, external: true };

/**
 * What a plain compose user runs: the sample unchanged (healthchecks,
 * depends_on, store), with static Traefik labels on `app` and `app` on
 * Traefik's network. A new RELEASE recreates `app` in place.
 */
export function plainComposeFile(sample: ComposeDoc, project: string, rule: string): ComposeDoc {
  const doc = labelledSample(sample, project);
  const app = doc.services.app!;
  app.labels = { ...app.labels, ...routeLabels(project, rule) };
  app.networks = ['default', 'webgateway'];
  doc.networks = { ...doc.networks, webgateway: gatewayNetwork };
  return doc;
}

/**
 * The article's docker-compose.yml with the sample as its app: one service on
 * Traefik's network only, no Docker healthcheck (the article's image had
 * none), and its Traefik v1 labels in v3 form, identical in the blue and
 * green projects so that Traefik merges both into one load balancer:
 *   traefik.backend=flask_app                  -> service <name>
 *   traefik.backend.healthcheck.path=/health   -> loadbalancer.healthcheck.path
 *   traefik.backend.healthcheck.interval=1s    -> loadbalancer.healthcheck.interval
 *   traefik.frontend.rule=Host:localhost       -> routers.<name>.rule
 *   traefik.port=8000                          -> loadbalancer.server.port
 *   traefik.toml [retry] attempts = 3          -> a retry middleware on the router
 * The sample's store is left out (the article's app had no side service):
 * without SIDE_URL the app's /health answers 200 on its own.
 */
export function sleepDeployComposeFile(sample: ComposeDoc, name: string, rule: string): ComposeDoc {
  const source = sample.services.app!;
  const environment = { ...source.environment };
  delete environment.SIDE_URL;
  return {
    services: {
      app: {
        image: source.image,
        environment,
        expose: source.expose,
        labels: {
          ...BENCH_LABELS,
          ...routeLabels(name, rule),
          [`traefik.http.services.${name}.loadbalancer.healthcheck.path`]: '/health',
          [`traefik.http.services.${name}.loadbalancer.healthcheck.interval`]: '1s',
          [`traefik.http.middlewares.${name}-retry.retry.attempts`]: '3',
          [`traefik.http.routers.${name}.middlewares`]: `${name}-retry`,
        },
        networks: ['webgateway'],
      },
    },
    networks: { webgateway: gatewayNetwork },
  };
}
