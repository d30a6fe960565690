import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComposeConfig, ComposeService } from '../../src/plan/compose-model.js';
import { freezeRelease, type FreezeInput } from '../../src/plan/release.js';
import { assertUsageError } from './usage-error.js';

const HEALTHY = { test: ['CMD', 'wget', '-qO-', 'http://localhost:8080/health'], interval: '5s' };

/** A compose config as `docker compose config` resolves it, with `app` as the target. */
function composeConfig(app: ComposeService = {}, more: Partial<ComposeConfig> = {}): ComposeConfig {
  return {
    name: 'shop',
    services: {
      app: { image: 'shop:1.2', expose: ['8080'], healthcheck: HEALTHY, ...app },
      db: { image: 'postgres:16' },
      cache: { image: 'redis:7' },
    },
    networks: { default: { name: 'shop_default' } },
    ...more,
  };
}

function input(overrides: Partial<FreezeInput> = {}): FreezeInput {
  return {
    config: composeConfig(),
    app: 'shop',
    number: 4,
    target: 'app',
    sideTargets: [],
    imageId: 'sha256:abc123',
    imageHasHealthcheck: false,
    noHealthcheck: false,
    entrypoint: 'web',
    servicePaths: [],
    createdAt: '2025-01-02T03:04:05.000Z',
    createdBy: 'ci@build-7',
    ...overrides,
  };
}

test('a plain target freezes into a release with its image pinned and the default routing', () => {
  const { release, warnings } = freezeRelease(input());
  assert.deepEqual(warnings, []);
  assert.deepEqual(release, {
    app: 'shop',
    number: 4,
    target: 'app',
    image: 'shop:1.2',
    imageId: 'sha256:abc123',
    createdAt: '2025-01-02T03:04:05.000Z',
    createdBy: 'ci@build-7',
    routing: {
      rule: 'Host(`shop.localhost`)',
      servicePaths: [],
      port: 8080,
      entrypoints: ['web'],
      middlewares: [],
      routerExtras: {},
      serviceExtras: {},
      middlewareDefinitions: {},
    },
    service: { image: 'sha256:abc123', expose: ['8080'], healthcheck: HEALTHY, labels: {} },
    networks: { default: { name: 'shop_default', external: true } },
    volumes: {},
  });
});

test('a full target: Traefik labels adopted, build and depends_on dropped, networks and volumes external', () => {
  const config = composeConfig(
    {
      build: { context: '.' },
      depends_on: { db: { condition: 'service_healthy', required: true } },
      networks: { default: null, backend: { aliases: ['api'] } },
      volumes: [
        { type: 'volume', source: 'uploads', target: '/data' },
        { type: 'bind', source: '/etc/shop', target: '/etc/shop' },
        { type: 'tmpfs', target: '/tmp' },
        { type: 'volume', target: '/cache' },
      ],
      labels: {
        'traefik.enable': 'true',
        'traefik.http.routers.shop.rule': 'Host(`shop.example.com`)',
        'traefik.http.routers.shop.entrypoints': 'websecure',
        'traefik.http.routers.shop.tls.certresolver': 'le',
        'traefik.http.routers.shop.middlewares': 'auth',
        'traefik.http.services.shop.loadbalancer.server.port': '3000',
        'traefik.http.middlewares.auth.basicauth.users': 'u:p',
        'com.example.team': 'web',
      },
    },
    {
      networks: { default: { name: 'shop_default' }, backend: { name: 'corp-backend', external: true } },
      volumes: { uploads: { name: 'shop_uploads' } },
    },
  );
  const { release } = freezeRelease(input({ config, sideTargets: ['db'] }));
  assert.deepEqual(release.routing, {
    rule: 'Host(`shop.example.com`)',
    servicePaths: [],
    port: 3000,
    entrypoints: ['websecure'],
    middlewares: ['auth'],
    routerExtras: { 'tls.certresolver': 'le' },
    serviceExtras: {},
    middlewareDefinitions: { auth: { 'basicauth.users': 'u:p' } },
  });
  assert.deepEqual(release.service, {
    image: 'sha256:abc123',
    expose: ['8080'],
    healthcheck: HEALTHY,
    labels: { 'com.example.team': 'web' },
    networks: { default: null, backend: { aliases: ['api'] } },
    volumes: [
      { type: 'volume', source: 'uploads', target: '/data' },
      { type: 'bind', source: '/etc/shop', target: '/etc/shop' },
      { type: 'tmpfs', target: '/tmp' },
      { type: 'volume', target: '/cache' },
    ],
  });
  assert.deepEqual(release.networks, {
    default: { name: 'shop_default', external: true },
    backend: { name: 'corp-backend', external: true },
  });
  assert.deepEqual(release.volumes, { uploads: { name: 'shop_uploads', external: true } });
});

test('freezing does not change the compose config it was given', () => {
  const config = composeConfig({ build: { context: '.' }, depends_on: { db: {} }, labels: { 'traefik.enable': 'true' } });
  const before = structuredClone(config);
  freezeRelease(input({ config, sideTargets: ['db'] }));
  assert.deepEqual(config, before);
});

test('networks and volumes the config gives no name take compose’s <project>_<key> names', () => {
  const config = composeConfig({ networks: { backend: null }, volumes: [{ type: 'volume', source: 'data', target: '/data' }] }, { networks: undefined });
  const { release } = freezeRelease(input({ config }));
  assert.deepEqual(release.networks, { backend: { name: 'shop_backend', external: true } });
  assert.deepEqual(release.volumes, { data: { name: 'shop_data', external: true } });
});

test('a target without networks is on the default network', () => {
  const { release } = freezeRelease(input({ config: composeConfig({}, { networks: undefined }) }));
  assert.deepEqual(release.networks, { default: { name: 'shop_default', external: true } });
});

test('a built image without an image name is shown as <project>-<service>', () => {
  const config = composeConfig({ image: undefined, build: { context: '.' } });
  const { release } = freezeRelease(input({ config }));
  assert.equal(release.image, 'shop-app');
  assert.equal(release.service.image, 'sha256:abc123');
  assert.equal('build' in release.service, false);
});

test('--rule, --port and --service-path win over the target’s labels', () => {
  const config = composeConfig({
    labels: {
      'traefik.http.routers.r.rule': 'Host(`label.test`)',
      'traefik.http.services.s.loadbalancer.server.port': '3000',
    },
  });
  const { release } = freezeRelease(input({ config, rule: 'Host(`cli.test`)', port: 9000, servicePaths: ['/api'] }));
  assert.equal(release.routing.rule, 'Host(`cli.test`)');
  assert.equal(release.routing.port, 9000);
  assert.deepEqual(release.routing.servicePaths, ['/api']);
});

test('the entrypoint option applies only when the labels name none', () => {
  assert.deepEqual(freezeRelease(input({ entrypoint: 'websecure' })).release.routing.entrypoints, ['websecure']);
  const config = composeConfig({ labels: { 'traefik.http.routers.r.rule': 'Host(`a`)', 'traefik.http.routers.r.entrypoints': 'edge' } });
  assert.deepEqual(freezeRelease(input({ config, entrypoint: 'websecure' })).release.routing.entrypoints, ['edge']);
});

test('the port: --port, else the label, else the single exposed port', () => {
  const cases: [ComposeService, number | undefined, number][] = [
    [{ expose: ['8080'] }, undefined, 8080],
    [{ expose: [8080, '8080/tcp'] }, undefined, 8080],
    [{ expose: ['5000/tcp'] }, undefined, 5000],
    [{ expose: ['80', '443'] }, 443, 443],
    [{ expose: [], labels: { 'traefik.http.services.x.loadbalancer.server.port': '3000' } }, undefined, 3000],
    [{ expose: ['80'], labels: { 'traefik.http.services.x.loadbalancer.server.port': '3000' } }, 4000, 4000],
  ];
  for (const [service, port, expected] of cases) {
    assert.equal(freezeRelease(input({ config: composeConfig(service), port })).release.routing.port, expected, JSON.stringify([service, port]));
  }
});

test('no port to tell is exit 2 naming the service', () => {
  assertUsageError(() => freezeRelease(input({ config: composeConfig({ expose: undefined }) })), 'services.app: cannot tell which port Traefik should use (exposes none)');
  assertUsageError(() => freezeRelease(input({ config: composeConfig({ expose: ['80', '443/tcp'] }) })), 'services.app: cannot tell which port Traefik should use (exposes 80, 443)');
});

test('a port label that is not a port is exit 2, not a NaN port', () => {
  const config = composeConfig({ labels: { 'traefik.http.services.x.loadbalancer.server.port': 'http' } });
  assertUsageError(() => freezeRelease(input({ config })), /^services\.app\b.*port/);
});

test('guard rails: what cannot run twice is exit 2 naming the service and the field', () => {
  const cases: [ComposeService, string][] = [
    [{ container_name: 'shop-app' }, 'services.app.container_name: "shop-app" cannot run twice'],
    [{ ports: [{ target: 8080, published: '80' }] }, 'services.app.ports: a published host port cannot be bound by two colours'],
    [{ network_mode: 'host' }, 'services.app.network_mode: host cannot run twice'],
  ];
  for (const [service, message] of cases) {
    assertUsageError(() => freezeRelease(input({ config: composeConfig(service), noHealthcheck: true })), message);
  }
});

test('guard rails let through what can run twice', () => {
  // A port without a published host port gets an ephemeral one per container: two colours can run.
  for (const service of [{ ports: [] }, { ports: [{ target: 8080, protocol: 'tcp', mode: 'ingress' }] }, { network_mode: 'bridge' }, { container_name: '' }] as ComposeService[]) {
    assert.equal(freezeRelease(input({ config: composeConfig(service) })).release.target, 'app', JSON.stringify(service));
  }
});

test('a side target’s container_name or ports are not the coloured target’s business', () => {
  const config = composeConfig();
  config.services.db = { image: 'postgres:16', container_name: 'db', ports: ['5432:5432'] };
  assert.deepEqual(freezeRelease(input({ config, sideTargets: ['db'] })).warnings, []);
});

test('healthcheck: from the service or the image counts', () => {
  assert.deepEqual(freezeRelease(input()).warnings, []);
  assert.deepEqual(freezeRelease(input({ config: composeConfig({ healthcheck: { test: 'curl -f localhost' } }) })).warnings, []);
  assert.deepEqual(freezeRelease(input({ config: composeConfig({ healthcheck: undefined }), imageHasHealthcheck: true })).warnings, []);
  assert.deepEqual(freezeRelease(input({ config: composeConfig({ healthcheck: { interval: '2s' } }), imageHasHealthcheck: true })).warnings, [], 'settings tuning the image healthcheck');
});

test('healthcheck: missing or disabled is exit 2 without --no-healthcheck', () => {
  const message = 'services.app has no healthcheck: Traefik would route to it before it is ready';
  const cases: [ComposeService, boolean][] = [
    [{ healthcheck: undefined }, false],
    [{ healthcheck: { interval: '2s' } }, false],
    [{ healthcheck: { disable: true } }, true],
    [{ healthcheck: { test: ['NONE'] } }, true],
    [{ healthcheck: { test: 'NONE' } }, true],
    [{ healthcheck: { test: ['CMD', 'true'], disable: true } }, false],
  ];
  for (const [service, imageHasHealthcheck] of cases) {
    const error = assertUsageError(() => freezeRelease(input({ config: composeConfig(service), imageHasHealthcheck })), message);
    assert.equal(error.hint, 'add a healthcheck to the service (or its image), or pass --no-healthcheck to accept it');
  }
});

test('healthcheck: missing with --no-healthcheck is a warning', () => {
  const { warnings, release } = freezeRelease(input({ config: composeConfig({ healthcheck: undefined }), noHealthcheck: true }));
  assert.deepEqual(warnings, ['services.app has no healthcheck (--no-healthcheck): routing may start before the app listens']);
  assert.equal(release.number, 4);
});

test('depends_on is allowed only on side targets', () => {
  const config = composeConfig({ depends_on: { db: { condition: 'service_started' }, cache: { condition: 'service_started' } } });
  assert.equal('depends_on' in freezeRelease(input({ config, sideTargets: ['db', 'cache'] })).release.service, false);
  const error = assertUsageError(() => freezeRelease(input({ config, sideTargets: ['db'] })), 'services.app.depends_on: cache is neither the target nor a side target');
  assert.equal(error.hint, 'run it once for both colours with --side-target cache');
});

test('an unknown target or side target is exit 2 listing the services', () => {
  const unknownTarget = assertUsageError(() => freezeRelease(input({ target: 'web' })), 'target "web" is not a service of the compose file');
  assert.equal(unknownTarget.hint, 'its services: app, db, cache');
  assertUsageError(() => freezeRelease(input({ sideTargets: ['db', 'redis'] })), 'side target "redis" is not a service of the compose file');
});

test('the target cannot be its own side target', () => {
  assertUsageError(() => freezeRelease(input({ sideTargets: ['app'] })), '--side-target: app is the target');
});

test('the frozen file carries the secrets and configs the target uses, and drops its profiles', () => {
  const config = composeConfig({ secrets: [{ source: 'db_password', target: 'db_password' }], configs: [{ source: 'nginx' }], profiles: ['web'] } as ComposeService);
  config.secrets = { db_password: { file: '/srv/shop/db_password.txt' }, unused: { file: '/x' } };
  config.configs = { nginx: { file: '/srv/shop/nginx.conf' } };
  const { release } = freezeRelease(input({ config }));
  assert.deepEqual(release.secrets, { db_password: { file: '/srv/shop/db_password.txt' } });
  assert.deepEqual(release.configs, { nginx: { file: '/srv/shop/nginx.conf' } });
  assert.equal(release.service.profiles, undefined);
});

/** `app` routed, `worker` beside it: the same image, its own command, a healthcheck, a database it waits for. */
function withWorker(worker: ComposeService = {}): ComposeConfig {
  const config = composeConfig();
  config.services.worker = { image: 'shop:1.2', command: ['shop', 'work'], healthcheck: HEALTHY, depends_on: { db: {}, app: {} }, networks: { jobs: null }, build: { context: '.' }, ...worker };
  config.networks = { ...config.networks, jobs: { name: 'shop_jobs' } };
  return config;
}
const WORKER = { name: 'worker', imageId: 'sha256:def456', imageHasHealthcheck: false };

test('a companion is frozen beside the target: image pinned, nothing built or ordered, never routed, its networks kept', () => {
  const { release, warnings } = freezeRelease(input({ config: withWorker(), sideTargets: ['db'], companions: [WORKER] }));
  assert.deepEqual(warnings, []);
  assert.deepEqual(release.companions, {
    worker: { image: 'sha256:def456', command: ['shop', 'work'], healthcheck: HEALTHY, networks: { jobs: null }, labels: { 'traefik.enable': 'false' } },
  });
  assert.deepEqual(release.networks, { default: { name: 'shop_default', external: true }, jobs: { name: 'shop_jobs', external: true } });
  assert.equal(release.service.image, 'sha256:abc123', 'the target keeps its own image');
});

test('without companions a release has no companions field (files written before them read the same)', () => {
  assert.equal('companions' in freezeRelease(input()).release, false);
});

/** `api` routed beside `app`: its own router on a path of the app's host. */
const API_LABELS = {
  'traefik.http.routers.api.rule': 'Host(`shop.localhost`) && PathPrefix(`/api`)',
  'traefik.http.routers.api.middlewares': 'api-strip',
  'traefik.http.middlewares.api-strip.stripprefix.prefixes': '/api',
  'traefik.http.services.api.loadbalancer.server.port': '9000',
  'com.example.team': 'api',
};
const API = { name: 'api', imageId: 'sha256:ap1', imageHasHealthcheck: false };
const withApi = (labels: Record<string, string> = API_LABELS) => {
  const config = composeConfig({ labels: { 'traefik.http.routers.app.rule': 'Host(`shop.localhost`)' } });
  config.services.api = { image: 'shop-api:2', healthcheck: HEALTHY, labels };
  return config;
};

test('a companion with a router of its own is routed: its routing frozen from its labels, its Traefik labels left to bluegreen', () => {
  const { release } = freezeRelease(input({ config: withApi(), companions: [API] }));
  assert.deepEqual(release.companionRouting?.api, {
    rule: 'Host(`shop.localhost`) && PathPrefix(`/api`)',
    servicePaths: [],
    port: 9000,
    entrypoints: ['web'],
    middlewares: ['api-strip'],
    routerExtras: {},
    serviceExtras: {},
    middlewareDefinitions: { 'api-strip': { 'stripprefix.prefixes': '/api' } },
  });
  assert.deepEqual(release.companions?.api?.labels, { 'com.example.team': 'api' }, 'routers, services and middlewares are rendered per colour; traefik.enable is not false');
  assert.equal(release.companions?.api?.image, 'sha256:ap1');
});

test('a routed companion is refused when it would never be reached, ranks below the first target, has no rule, or is named like a colour object', () => {
  const refuse = (labels: Record<string, string>, message: RegExp, name = 'api') => {
    const config = withApi(labels);
    if (name !== 'api') {
      config.services[name] = config.services.api!;
      delete config.services.api;
    }
    assertUsageError(() => freezeRelease(input({ config, companions: [{ ...API, name }] })), message);
  };
  refuse(
    { 'traefik.http.routers.api.rule': 'Host(`shop.localhost`)', 'traefik.http.services.api.loadbalancer.server.port': '9000' },
    /services\.api: its rule is app's \(Host\(`shop\.localhost`\)\): one of them would never be reached/,
  );
  refuse(
    { 'traefik.http.routers.api.rule': 'Host(`s`)', 'traefik.http.services.api.loadbalancer.server.port': '9000' },
    /services\.api: its router's priority \(9\) is not above app's \(22\): the first --target must be the broadest route/,
  );
  refuse({ 'traefik.http.routers.api.entrypoints': 'web', 'traefik.http.services.api.loadbalancer.server.port': '9000' }, /services\.api\.labels: its router has no rule/);
  refuse(API_LABELS, /--target api-preview: a routed target's name cannot be, or end with, preview/, 'api-preview');
  refuse({ ...API_LABELS, 'traefik.tcp.routers.x.rule': 'HostSNI(`*`)' }, /services\.api\.labels: traefik\.tcp\.routers\.x\.rule: bluegreen moves HTTP routes only/);
});

test('a companion whose router labels are switched off (traefik.enable=false) stays a worker; two middlewares that would share a colour name are refused', () => {
  const { release } = freezeRelease(input({ config: withApi({ ...API_LABELS, 'traefik.enable': 'false' }), companions: [API] }));
  assert.equal(release.companionRouting, undefined);
  const config = withApi();
  config.services.app!.labels = { ...config.services.app!.labels, 'traefik.http.middlewares.api-strip.stripprefix.prefixes': '/x' };
  const renamed = { ...API_LABELS, 'traefik.http.routers.api.middlewares': 'strip', 'traefik.http.middlewares.strip.stripprefix.prefixes': '/api' };
  delete (renamed as Record<string, string>)['traefik.http.middlewares.api-strip.stripprefix.prefixes'];
  config.services.api!.labels = renamed;
  assertUsageError(() => freezeRelease(input({ config, companions: [API] })), /services\.api: its middleware strip and app's middleware api-strip would both be named <app>-<colour>-api-strip/);
});

test('an explicit priority label ranks a routed companion above the first target', () => {
  const { release } = freezeRelease(
    input({
      config: withApi({ 'traefik.http.routers.api.rule': 'Host(`s`)', 'traefik.http.routers.api.priority': '50', 'traefik.http.services.api.loadbalancer.server.port': '9000' }),
      companions: [API],
    }),
  );
  assert.equal(release.companionRouting?.api?.priority, 50);
});

test('a companion that cannot run twice, has no healthcheck, waits for a service outside the release, or is named twice is refused', () => {
  const refuse = (worker: ComposeService, message: RegExp, more: Partial<FreezeInput> = {}) =>
    assertUsageError(() => freezeRelease(input({ config: withWorker(worker), sideTargets: ['db'], companions: [WORKER], ...more })), message);
  refuse({ container_name: 'the-worker' }, /services\.worker\.container_name: "the-worker" cannot run twice/);
  refuse({ healthcheck: { disable: true } }, /services\.worker has no healthcheck/);
  refuse({}, /services\.worker\.depends_on: db is neither the target nor a side target/, { sideTargets: [] });
  refuse({}, /--target worker is given twice/, { companions: [WORKER, WORKER] });
  refuse({}, /--target app is given twice/, { companions: [{ ...WORKER, name: 'app' }] });
  refuse({}, /db is both a target and a side target/, { companions: [WORKER, { ...WORKER, name: 'db' }] });
});

test('a companion without a healthcheck runs with --no-healthcheck, with a warning naming it', () => {
  const { warnings } = freezeRelease(input({ config: withWorker({ healthcheck: undefined }), sideTargets: ['db'], companions: [WORKER], noHealthcheck: true }));
  assert.deepEqual(warnings, ['services.worker has no healthcheck (--no-healthcheck): it counts as ready once it runs']);
});

test('a worker with restart: always is frozen with unless-stopped: a stopped colour’s worker stays stopped when the engine restarts', () => {
  const { release } = freezeRelease(input({ config: withWorker({ restart: 'always' }), sideTargets: ['db'], companions: [WORKER] }));
  assert.equal(release.companions?.worker?.restart, 'unless-stopped');
});
