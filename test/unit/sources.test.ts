import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_FILE, findConfigFile, fromEnv, fromYmlFile, mergeLayers } from '../../src/config/sources.js';
import { assertUsageError } from './usage-error.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bg-sources-'));
  dirs.push(dir);
  return dir;
}

function ymlFile(text: string): string {
  const path = join(tempDir(), CONFIG_FILE);
  writeFileSync(path, text);
  return path;
}

test('the config file is called bluegreen.yml', () => {
  assert.equal(CONFIG_FILE, 'bluegreen.yml');
});

test('fromEnv maps every BG_* variable and Consul’s own variables', () => {
  assert.deepEqual(
    fromEnv({
      BG_FILES: 'a.yml,b.yml',
      BG_PROJECT: 'shop',
      BG_TARGET: 'web',
      BG_SIDE_TARGETS: 'db,cache',
      BG_RULE: 'Host(`shop.test`)',
      BG_SERVICE_PATH: '/api',
      BG_PORT: '8080',
      BG_ENTRYPOINT: 'websecure',
      BG_NETWORK: 'edge',
      BG_TRAEFIK_API: 'http://traefik:8080',
      BG_TRAEFIK_URL: 'http://traefik:80',
      BG_STATE: 'consul',
      BG_STATE_DIR: '/srv/bluegreen',
      CONSUL_HTTP_ADDR: 'http://consul:8500',
      CONSUL_HTTP_TOKEN: 'secret',
      BG_TIMEOUT: '60s',
      BG_DRAIN: '5s',
      BG_SCALE: '+1',
      BG_PULL: 'always',
      BG_WAIT_LOCK: '30s',
      BG_TRAEFIK_INSECURE: 'true',
      BG_TRAEFIK_CA: '/etc/ca.pem',
      BG_TRAEFIK_METRICS: 'http://traefik:8082/metrics',
      BG_PROBE_PATH: '/health',
      BG_PROBE_HOST: 'a.shop.test',
      BG_PROBE_STATUS: '200-399',
      BG_COLOUR_HEADER: 'preview',
      BG_BAKE: '5m',
      BG_MAX_ERROR_RATE: '2%',
      BG_BAKE_MIN_REQUESTS: '50',
      BG_MAX_LATENCY_RATIO: '2',
      BG_MAINTENANCE_PAGE: 'down.html',
      BG_MAINTENANCE_ALLOW: 'X-Team: ops,10.0.0.0/8',
      BG_RETRY_AFTER: '2m',
      BG_CANARY: '10%,50%',
    }),
    {
      files: ['a.yml', 'b.yml'],
      project: 'shop',
      target: ['web'],
      sideTargets: ['db', 'cache'],
      rule: 'Host(`shop.test`)',
      servicePaths: ['/api'],
      port: '8080',
      entrypoint: 'websecure',
      network: 'edge',
      traefikApi: 'http://traefik:8080',
      traefikUrl: 'http://traefik:80',
      state: 'consul',
      stateDir: '/srv/bluegreen',
      consulAddress: 'http://consul:8500',
      consulToken: 'secret',
      timeout: '60s',
      drain: '5s',
      scale: '+1',
      pull: 'always',
      waitLock: '30s',
      traefikInsecure: 'true',
      traefikCa: '/etc/ca.pem',
      traefikMetrics: 'http://traefik:8082/metrics',
      probePath: '/health',
      probeHost: 'a.shop.test',
      probeStatus: '200-399',
      colourHeader: 'preview',
      bake: '5m',
      maxErrorRate: '2%',
      bakeMinRequests: '50',
      maxLatencyRatio: '2',
      maintenancePage: 'down.html',
      maintenanceAllow: ['X-Team: ops', '10.0.0.0/8'],
      retryAfter: '2m',
      canary: '10%,50%',
    },
  );
});

test('fromEnv leaves unset variables undefined and ignores other variables', () => {
  const raw = fromEnv({ PATH: '/usr/bin', BG_UNKNOWN: 'x', FILES: 'a.yml' });
  assert.deepEqual(
    Object.entries(raw).filter(([, value]) => value !== undefined),
    [],
  );
});

test('fromEnv splits lists on commas, trimming and dropping empty items', () => {
  const cases: [string, string[] | undefined][] = [
    ['a.yml', ['a.yml']],
    ['a.yml,b.yml', ['a.yml', 'b.yml']],
    [' a.yml ,  b.yml ', ['a.yml', 'b.yml']],
    ['a.yml,,b.yml,', ['a.yml', 'b.yml']],
    [',', []],
    ['', undefined],
  ];
  for (const [value, expected] of cases) {
    const raw = fromEnv({ BG_FILES: value, BG_SIDE_TARGETS: value, BG_SERVICE_PATH: value });
    assert.deepEqual([raw.files, raw.sideTargets, raw.servicePaths], [expected, expected, expected], `"${value}"`);
  }
});

test('fromYmlFile maps every key, numbers become strings, files resolve beside the file', () => {
  const path = ymlFile(
    [
      'files: [compose.yml, ../shared/compose.override.yml]',
      'project: shop',
      'target: web',
      'side_targets: [db, cache]',
      'rule: Host(`shop.test`)',
      'service_path: [/api, /admin]',
      'port: 8080',
      'entrypoint: websecure',
      'network: edge',
      'traefik_api: http://traefik:8080',
      'traefik_url: http://traefik:80',
      'state: consul',
      'state_dir: state',
      'consul_address: http://consul:8500',
      'timeout: 60',
      'drain: 5s',
      'scale: 3',
      'pull: never',
      'wait_lock: 30s',
      'traefik_insecure: true',
      'traefik_ca: certs/ca.pem',
      'traefik_metrics: http://traefik:8082/metrics',
      'probe_path: /health',
      'probe_host: a.shop.test',
      'probe_status: 200',
      'colour_header: preview',
      'bake: 90s',
      'max_error_rate: 0.5',
      'bake_min_requests: 100',
      'max_latency_ratio: 3',
      'maintenance_page: pages/down.html',
      'maintenance_allow: [10.0.0.0/8]',
      'retry_after: 120',
      'canary: 5%',
      '',
    ].join('\n'),
  );
  const dir = join(path, '..');
  assert.deepEqual(fromYmlFile(path), {
    files: [join(dir, 'compose.yml'), join(dir, '..', 'shared', 'compose.override.yml')],
    project: 'shop',
    target: ['web'],
    sideTargets: ['db', 'cache'],
    rule: 'Host(`shop.test`)',
    servicePaths: ['/api', '/admin'],
    port: '8080',
    entrypoint: 'websecure',
    network: 'edge',
    traefikApi: 'http://traefik:8080',
    traefikUrl: 'http://traefik:80',
    state: 'consul',
    stateDir: join(dir, 'state'),
    consulAddress: 'http://consul:8500',
    timeout: '60',
    drain: '5s',
    scale: '3',
    pull: 'never',
    waitLock: '30s',
    traefikInsecure: 'true',
    traefikCa: join(dir, 'certs', 'ca.pem'),
    traefikMetrics: 'http://traefik:8082/metrics',
    probePath: '/health',
    probeHost: 'a.shop.test',
    probeStatus: '200',
    colourHeader: 'preview',
    bake: '90s',
    maxErrorRate: '0.5',
    bakeMinRequests: '100',
    maxLatencyRatio: '3',
    maintenancePage: join(dir, 'pages', 'down.html'),
    maintenanceAllow: ['10.0.0.0/8'],
    retryAfter: '120',
    canary: '5%',
  });
});

test('fromYmlFile takes a single string where a list is expected', () => {
  const path = ymlFile('files: compose.yml\nside_targets: db\nservice_path: /api\n');
  const raw = fromYmlFile(path);
  assert.deepEqual([raw.files, raw.sideTargets, raw.servicePaths], [[join(path, '..', 'compose.yml')], ['db'], ['/api']]);
});

test('fromYmlFile of an empty file or only comments sets nothing', () => {
  for (const text of ['', '# nothing here\n']) {
    const raw = fromYmlFile(ymlFile(text));
    assert.deepEqual(
      Object.entries(raw).filter(([, value]) => value !== undefined),
      [],
      JSON.stringify(text),
    );
  }
});

test('fromYmlFile refuses unknown keys, wrong types and bad YAML with exit 2, naming the file and key', () => {
  const cases: [string, (path: string) => string | RegExp][] = [
    ['colour: blue\n', (path) => `${path}: (top level): unknown key colour`],
    ['consul_token: secret\n', (path) => `${path}: (top level): unknown key consul_token`],
    ['side_targets: [1, 2]\n', (path) => new RegExp(`^${escapeRegExp(path)}: side_targets(\\.0)?: `)],
    ['state: [file]\n', (path) => new RegExp(`^${escapeRegExp(path)}: state: `)],
    ['port: {a: 1}\n', (path) => new RegExp(`^${escapeRegExp(path)}: port: `)],
    ['rule: "Host(`a`)\n', (path) => new RegExp(`^${escapeRegExp(path)}: not valid YAML \\(`)],
    ['a: b: c\n', (path) => new RegExp(`^${escapeRegExp(path)}: not valid YAML \\(`)],
  ];
  for (const [text, message] of cases) {
    const path = ymlFile(text);
    assertUsageError(() => fromYmlFile(path), message(path));
  }
});

test('mergeLayers: the first layer that sets a value wins', () => {
  assert.deepEqual(mergeLayers({ target: 'cli' }, { target: 'env', port: '2' }, { target: 'yml', port: '3', network: 'yml' }, { network: 'default', entrypoint: 'web' }), {
    target: 'cli',
    port: '2',
    network: 'yml',
    entrypoint: 'web',
  });
});

test('mergeLayers: undefined, empty strings and empty lists do not hide lower layers', () => {
  assert.deepEqual(mergeLayers({ target: undefined, project: '', files: [] }, { target: 'env', project: 'env', files: ['env.yml'] }), { target: 'env', project: 'env', files: ['env.yml'] });
  assert.deepEqual(mergeLayers({}, {}), {});
  assert.deepEqual(mergeLayers(), {});
});

test('findConfigFile: the working directory first, then beside the first compose file, else undefined', () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'deploy'));
  assert.equal(findConfigFile(cwd, undefined), undefined);
  assert.equal(findConfigFile(cwd, ['deploy/compose.yml']), undefined);

  writeFileSync(join(cwd, 'deploy', CONFIG_FILE), '');
  assert.equal(findConfigFile(cwd, ['deploy/compose.yml']), join(cwd, 'deploy', CONFIG_FILE));
  assert.equal(findConfigFile(cwd, ['other/compose.yml', 'deploy/compose.yml']), undefined, 'only the first compose file counts');
  assert.equal(findConfigFile(cwd, []), undefined);

  writeFileSync(join(cwd, CONFIG_FILE), '');
  assert.equal(findConfigFile(cwd, ['deploy/compose.yml']), join(cwd, CONFIG_FILE));
  assert.equal(findConfigFile(cwd, undefined), join(cwd, CONFIG_FILE));
});

test('findConfigFile: an absolute compose file path is used as is', () => {
  const cwd = tempDir();
  const elsewhere = tempDir();
  writeFileSync(join(elsewhere, CONFIG_FILE), '');
  assert.equal(findConfigFile(cwd, [join(elsewhere, 'compose.yml')]), join(elsewhere, CONFIG_FILE));
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
