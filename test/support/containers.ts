import Docker from 'dockerode';
import { NETWORK, SAMPLE_IMAGE } from './ports.js';

export const docker = new Docker();

export interface SampleContainer {
  name: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** undefined: the sample's healthcheck (fast start_interval); null: none. */
  healthcheck?: Docker.HealthConfig | null;
  /** The network it joins (default traefik_webgateway). */
  network?: string;
}

/** Healthcheck of the sample app, with intervals short enough for tests. */
export const sampleHealthcheck = (overrides: Partial<Docker.HealthConfig> = {}): Docker.HealthConfig =>
  ({
    Test: ['CMD', '/sample', 'healthcheck'],
    Interval: 1e9,
    Timeout: 2e9,
    Retries: 2,
    StartPeriod: 30e9,
    StartInterval: 0.25e9,
    ...overrides,
  }) as Docker.HealthConfig;

/** Routes Host(`host`) to a container on port 8000 through the web entrypoint. */
export const routerLabels = (router: string, host: string, priority?: number): Record<string, string> => ({
  'traefik.enable': 'true',
  'traefik.docker.network': NETWORK,
  [`traefik.http.routers.${router}.rule`]: `Host(\`${host}\`)`,
  [`traefik.http.routers.${router}.entrypoints`]: 'web',
  [`traefik.http.routers.${router}.service`]: router,
  ...(priority === undefined ? {} : { [`traefik.http.routers.${router}.priority`]: String(priority) }),
  [`traefik.http.services.${router}.loadbalancer.server.port`]: '8000',
});

/**
 * Runs the sample image on traefik_webgateway, labelled so that cleanup (and
 * scripts/teardown.sh) can find it. `suite` groups a test file's containers.
 */
export async function runSample(suite: string, spec: SampleContainer): Promise<Docker.Container> {
  const env = { RELEASE: spec.name, ...spec.env };
  const container = await docker.createContainer({
    name: spec.name,
    Image: SAMPLE_IMAGE,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { 'io.bluegreen.managed': 'true', 'io.bluegreen.test': suite, ...spec.labels },
    Healthcheck: spec.healthcheck === null ? { Test: ['NONE'] } : (spec.healthcheck ?? sampleHealthcheck()),
    HostConfig: { NetworkMode: spec.network ?? NETWORK },
  });
  await container.start();
  return container;
}

export async function healthOf(container: Docker.Container): Promise<string> {
  const info = await container.inspect();
  return info.State.Health?.Status ?? 'none';
}

/** Removes every container a test file created (by its suite label). */
export async function removeSuite(suite: string): Promise<void> {
  const found = await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.test=${suite}`] } });
  await Promise.all(found.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

/**
 * The containers that answer an app's live traffic: those of the colour
 * whose route container (the live router's holder) runs at the highest
 * generation.
 */
export async function liveContainers(app: string, engine: Docker = docker): Promise<Docker.ContainerInfo[]> {
  const routes = await engine.listContainers({ filters: { label: [`io.bluegreen.app=${app}`, 'io.bluegreen.route-of'] } });
  const route = routes.sort((a, b) => Number(b.Labels['io.bluegreen.generation']) - Number(a.Labels['io.bluegreen.generation']))[0];
  if (!route) return [];
  return engine.listContainers({ filters: { label: [`io.bluegreen.app=${app}`, `io.bluegreen.colour=${route.Labels['io.bluegreen.route-of']}`] } });
}

/** Whether a colour of the app has its route container (its live router) running. */
export const routedLive = async (app: string, colour: string): Promise<boolean> =>
  (await docker.listContainers({ filters: { label: [`io.bluegreen.app=${app}`, `io.bluegreen.route-of=${colour}`] } })).length > 0;
