import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadOptions } from '../../src/config/load.js';
import type { Options } from '../../src/config/options.js';
import type { RawOptions } from '../../src/config/sources.js';
import { assertUsageError } from './usage-error.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh working directory, with a bluegreen.yml holding `yml` when given (an object is written as YAML). */
function workdir(yml?: Record<string, unknown> | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bg-load-'));
  dirs.push(dir);
  if (yml !== undefined) writeFileSync(join(dir, 'bluegreen.yml'), typeof yml === 'string' ? yml : stringify(yml));
  return dir;
}

/**
 * One option through every layer: the raw value each layer gives, and what
 * the resolved option is when that layer is the highest one that sets it.
 */
interface PrecedenceRow {
  option: keyof Options;
  cli: RawOptions;
  env: Record<string, string>;
  yml: Record<string, unknown>;
  fromCli: unknown;
  fromEnv: unknown;
  /** A function when the value depends on where bluegreen.yml is. */
  fromYml: unknown;
  byDefault: unknown;
}

const rows: PrecedenceRow[] = [
  {
    option: 'files',
    cli: { files: ['cli/compose.yml', 'cli/override.yml'] },
    env: { BG_FILES: 'env/a.yml, env/b.yml' },
    yml: { files: ['yml/compose.yml'] },
    fromCli: ['cli/compose.yml', 'cli/override.yml'],
    fromEnv: ['env/a.yml', 'env/b.yml'],
    fromYml: (dir: string) => [join(dir, 'yml/compose.yml')],
    byDefault: [],
  },
  {
    option: 'project',
    cli: { project: 'cli-shop' },
    env: { BG_PROJECT: 'env-shop' },
    yml: { project: 'yml-shop' },
    fromCli: 'cli-shop',
    fromEnv: 'env-shop',
    fromYml: 'yml-shop',
    byDefault: undefined,
  },
  {
    option: 'target',
    cli: { target: ['cli-web'] },
    env: { BG_TARGET: 'env-web' },
    yml: { target: 'yml-web' },
    fromCli: 'cli-web',
    fromEnv: 'env-web',
    fromYml: 'yml-web',
    byDefault: undefined,
  },
  {
    option: 'companions',
    cli: { target: ['cli-web', 'cli-worker'] },
    env: { BG_TARGET: 'env-web,env-worker,env-mailer' },
    yml: { target: ['yml-web', 'yml-worker'] },
    fromCli: ['cli-worker'],
    fromEnv: ['env-worker', 'env-mailer'],
    fromYml: ['yml-worker'],
    byDefault: [],
  },
  {
    option: 'sideTargets',
    cli: { sideTargets: ['db'] },
    env: { BG_SIDE_TARGETS: 'cache,queue' },
    yml: { side_targets: ['search', 'mail'] },
    fromCli: ['db'],
    fromEnv: ['cache', 'queue'],
    fromYml: ['search', 'mail'],
    byDefault: [],
  },
  {
    option: 'rule',
    cli: { rule: 'Host(`cli.example.com`)' },
    env: { BG_RULE: 'Host(`env.example.com`)' },
    yml: { rule: 'Host(`yml.example.com`)' },
    fromCli: 'Host(`cli.example.com`)',
    fromEnv: 'Host(`env.example.com`)',
    fromYml: 'Host(`yml.example.com`)',
    byDefault: undefined,
  },
  {
    option: 'servicePaths',
    cli: { servicePaths: ['/cli'] },
    env: { BG_SERVICE_PATH: '/env1,/env2' },
    yml: { service_path: '/yml' },
    fromCli: ['/cli'],
    fromEnv: ['/env1', '/env2'],
    fromYml: ['/yml'],
    byDefault: [],
  },
  {
    option: 'port',
    cli: { port: '1111' },
    env: { BG_PORT: '2222' },
    yml: { port: 3333 },
    fromCli: 1111,
    fromEnv: 2222,
    fromYml: 3333,
    byDefault: undefined,
  },
  {
    option: 'entrypoint',
    cli: { entrypoint: 'cli-ep' },
    env: { BG_ENTRYPOINT: 'env-ep' },
    yml: { entrypoint: 'yml-ep' },
    fromCli: 'cli-ep',
    fromEnv: 'env-ep',
    fromYml: 'yml-ep',
    byDefault: 'web',
  },
  {
    option: 'network',
    cli: { network: 'cli_net' },
    env: { BG_NETWORK: 'env_net' },
    yml: { network: 'yml_net' },
    fromCli: 'cli_net',
    fromEnv: 'env_net',
    fromYml: 'yml_net',
    byDefault: 'traefik_webgateway',
  },
  {
    option: 'traefikApi',
    cli: { traefikApi: 'http://cli.test:1' },
    env: { BG_TRAEFIK_API: 'http://env.test:2' },
    yml: { traefik_api: 'https://yml.test:3' },
    fromCli: 'http://cli.test:1',
    fromEnv: 'http://env.test:2',
    fromYml: 'https://yml.test:3',
    byDefault: 'http://127.0.0.1:8080',
  },
  {
    option: 'traefikUrl',
    cli: { traefikUrl: 'http://cli.test:81' },
    env: { BG_TRAEFIK_URL: 'http://env.test:82' },
    yml: { traefik_url: 'https://yml.test:83' },
    fromCli: 'http://cli.test:81',
    fromEnv: 'http://env.test:82',
    fromYml: 'https://yml.test:83',
    byDefault: 'http://127.0.0.1:80',
  },
  {
    // Two values only: the env value differs from both others, so CLI > env and env > yml show.
    option: 'state',
    cli: { state: 'consul' },
    env: { BG_STATE: 'file' },
    yml: { state: 'consul' },
    fromCli: 'consul',
    fromEnv: 'file',
    fromYml: 'consul',
    // Unset: the engine chooses (core/context.ts): files here for this machine's own, its volume for another.
    byDefault: undefined,
  },
  {
    option: 'consulAddress',
    cli: { consulAddress: 'http://cli.test:8500' },
    env: { CONSUL_HTTP_ADDR: 'http://env.test:8500' },
    yml: { consul_address: 'http://yml.test:8500' },
    fromCli: 'http://cli.test:8500',
    fromEnv: 'http://env.test:8500',
    fromYml: 'http://yml.test:8500',
    byDefault: 'http://127.0.0.1:8500',
  },
  {
    option: 'timeoutMs',
    cli: { timeout: '5s' },
    env: { BG_TIMEOUT: '1m' },
    yml: { timeout: 30 },
    fromCli: 5_000,
    fromEnv: 60_000,
    fromYml: 30_000,
    byDefault: 120_000,
  },
  {
    option: 'drainMs',
    cli: { drain: '1s' },
    env: { BG_DRAIN: '2s' },
    yml: { drain: '3s' },
    fromCli: 1_000,
    fromEnv: 2_000,
    fromYml: 3_000,
    byDefault: 10_000,
  },
  {
    option: 'scale',
    cli: { scale: '3' },
    env: { BG_SCALE: '+2' },
    yml: { scale: '-1' },
    fromCli: { kind: 'absolute', count: 3 },
    fromEnv: { kind: 'relative', delta: 2 },
    fromYml: { kind: 'relative', delta: -1 },
    byDefault: undefined,
  },
  {
    option: 'waitLockMs',
    cli: { waitLock: '5s' },
    env: { BG_WAIT_LOCK: '1m' },
    yml: { wait_lock: '90s' },
    fromCli: 5_000,
    fromEnv: 60_000,
    fromYml: 90_000,
    byDefault: 0,
  },
];

describe('precedence: CLI > BG_* env > bluegreen.yml > defaults', () => {
  for (const row of rows) {
    test(`${row.option}: the CLI wins over env and bluegreen.yml`, () => {
      const options = loadOptions({ cli: row.cli, env: row.env, cwd: workdir(row.yml) });
      assert.deepEqual(options[row.option], row.fromCli);
    });

    test(`${row.option}: env wins over bluegreen.yml`, () => {
      const options = loadOptions({ cli: {}, env: row.env, cwd: workdir(row.yml) });
      assert.deepEqual(options[row.option], row.fromEnv);
    });

    test(`${row.option}: bluegreen.yml wins over the default`, () => {
      const cwd = workdir(row.yml);
      const options = loadOptions({ cli: {}, env: {}, cwd });
      const expected = typeof row.fromYml === 'function' ? (row.fromYml as (dir: string) => unknown)(cwd) : row.fromYml;
      assert.deepEqual(options[row.option], expected);
    });

    test(`${row.option}: the default when no layer sets it`, () => {
      const options = loadOptions({ cli: {}, env: {}, cwd: workdir() });
      assert.deepEqual(options[row.option], row.byDefault);
    });
  }
});

describe('precedence details', () => {
  test('state: the other way round, each layer still wins over the ones below', () => {
    const yml = { state: 'file' };
    assert.equal(loadOptions({ cli: { state: 'file' }, env: { BG_STATE: 'consul' }, cwd: workdir(yml) }).state, 'file');
    assert.equal(loadOptions({ cli: {}, env: { BG_STATE: 'consul' }, cwd: workdir(yml) }).state, 'consul');
    assert.equal(loadOptions({ cli: { state: 'consul' }, env: {}, cwd: workdir(yml) }).state, 'consul');
  });

  test('consulToken: from the CLI layer over CONSUL_HTTP_TOKEN, else undefined', () => {
    const env = { CONSUL_HTTP_TOKEN: 'env-token' };
    assert.equal(loadOptions({ cli: { consulToken: 'cli-token' }, env, cwd: workdir() }).consulToken, 'cli-token');
    assert.equal(loadOptions({ cli: {}, env, cwd: workdir() }).consulToken, 'env-token');
    assert.equal(loadOptions({ cli: {}, env: {}, cwd: workdir() }).consulToken, undefined);
  });

  test('BG_API_PORT and BG_HTTP_PORT change the traefik_api and traefik_url defaults', () => {
    const options = loadOptions({ cli: {}, env: { BG_API_PORT: '9090', BG_HTTP_PORT: '8000' }, cwd: workdir() });
    assert.equal(options.traefikApi, 'http://127.0.0.1:9090');
    assert.equal(options.traefikUrl, 'http://127.0.0.1:8000');
  });

  test('BG_API_PORT and BG_HTTP_PORT only change defaults: every layer that sets the URL wins over them', () => {
    const ports = { BG_API_PORT: '9090', BG_HTTP_PORT: '8000' };
    const yml = { traefik_api: 'http://yml.test:3', traefik_url: 'http://yml.test:83' };
    const fromYml = loadOptions({ cli: {}, env: ports, cwd: workdir(yml) });
    assert.deepEqual([fromYml.traefikApi, fromYml.traefikUrl], ['http://yml.test:3', 'http://yml.test:83']);
    const fromEnv = loadOptions({ cli: {}, env: { ...ports, BG_TRAEFIK_API: 'http://env.test:2', BG_TRAEFIK_URL: 'http://env.test:82' }, cwd: workdir() });
    assert.deepEqual([fromEnv.traefikApi, fromEnv.traefikUrl], ['http://env.test:2', 'http://env.test:82']);
    const fromCli = loadOptions({ cli: { traefikApi: 'http://cli.test:1', traefikUrl: 'http://cli.test:81' }, env: ports, cwd: workdir() });
    assert.deepEqual([fromCli.traefikApi, fromCli.traefikUrl], ['http://cli.test:1', 'http://cli.test:81']);
  });

  test('an empty BG_* variable counts as unset', () => {
    const options = loadOptions({ cli: {}, env: { BG_PORT: '', BG_ENTRYPOINT: '', BG_FILES: '' }, cwd: workdir({ port: 3333 }) });
    assert.equal(options.port, 3333);
    assert.equal(options.entrypoint, 'web');
    assert.deepEqual(options.files, []);
  });

  test('an empty CLI list does not hide the env list', () => {
    const options = loadOptions({ cli: { files: [], sideTargets: [] }, env: { BG_FILES: 'a.yml', BG_SIDE_TARGETS: 'db' }, cwd: workdir() });
    assert.deepEqual(options.files, ['a.yml']);
    assert.deepEqual(options.sideTargets, ['db']);
  });

  test('env lists are comma separated, trimmed, empty items dropped', () => {
    const env = { BG_FILES: ' a.yml , ,b.yml,', BG_SIDE_TARGETS: 'db, cache', BG_SERVICE_PATH: '/api,/admin ' };
    const options = loadOptions({ cli: {}, env, cwd: workdir() });
    assert.deepEqual(options.files, ['a.yml', 'b.yml']);
    assert.deepEqual(options.sideTargets, ['db', 'cache']);
    assert.deepEqual(options.servicePaths, ['/api', '/admin']);
  });

  test('an env list of only commas counts as unset', () => {
    const options = loadOptions({ cli: {}, env: { BG_SIDE_TARGETS: ', ,' }, cwd: workdir({ side_targets: 'db' }) });
    assert.deepEqual(options.sideTargets, ['db']);
  });

  test('layers combine option by option', () => {
    const options = loadOptions({
      cli: { target: ['web'] },
      env: { BG_PORT: '8080' },
      cwd: workdir({ target: 'api', port: 9000, network: 'edge' }),
    });
    assert.deepEqual([options.target, options.port, options.network, options.entrypoint], ['web', 8080, 'edge', 'web']);
  });

  test('CONSUL_HTTP_ADDR is taken as Consul tools take it, with or without a scheme', () => {
    assert.equal(loadOptions({ cli: {}, env: { CONSUL_HTTP_ADDR: '127.0.0.1:8500' }, cwd: workdir() }).consulAddress, '127.0.0.1:8500');
    assert.equal(loadOptions({ cli: {}, env: { CONSUL_HTTP_ADDR: 'https://consul.test' }, cwd: workdir() }).consulAddress, 'https://consul.test');
  });

  test('trailing slashes are dropped from the Traefik URLs', () => {
    const options = loadOptions({ cli: { traefikApi: 'http://traefik.test:8080/', traefikUrl: 'https://shop.test//' }, env: {}, cwd: workdir() });
    assert.equal(options.traefikApi, 'http://traefik.test:8080');
    assert.equal(options.traefikUrl, 'https://shop.test');
  });

  test('--traefik-api names every Traefik instance, comma separated: the first is the API, each gets its own /metrics', () => {
    const options = loadOptions({ cli: { traefikApi: 'http://a.test:8080/, http://b.test:8080,http://c.test:8080' }, env: {}, cwd: workdir() });
    assert.equal(options.traefikApi, 'http://a.test:8080');
    assert.equal(options.traefikMetrics, 'http://a.test:8080/metrics');
    assert.deepEqual(options.traefikReplicas, [
      { api: 'http://a.test:8080', metrics: 'http://a.test:8080/metrics' },
      { api: 'http://b.test:8080', metrics: 'http://b.test:8080/metrics' },
      { api: 'http://c.test:8080', metrics: 'http://c.test:8080/metrics' },
    ]);
  });

  test('--traefik-metrics, when given with several APIs, is one address per API in the same order', () => {
    const options = loadOptions({ cli: { traefikApi: 'http://a.test:8080,http://b.test:8080', traefikMetrics: 'http://a.test:8082/metrics,http://b.test:8082/metrics' }, env: {}, cwd: workdir() });
    assert.deepEqual(
      options.traefikReplicas.map((replica) => replica.metrics),
      ['http://a.test:8082/metrics', 'http://b.test:8082/metrics'],
    );
  });

  test('a single --traefik-api stays one instance', () => {
    const options = loadOptions({ cli: { traefikApi: 'http://a.test:8080' }, env: {}, cwd: workdir() });
    assert.deepEqual(options.traefikReplicas, [{ api: 'http://a.test:8080', metrics: 'http://a.test:8080/metrics' }]);
  });

  test('cwd, json and noHealthcheck come from the input, json and noHealthcheck default to false', () => {
    const cwd = workdir();
    const plain = loadOptions({ cli: {}, env: {}, cwd });
    assert.deepEqual([plain.cwd, plain.json, plain.noHealthcheck], [cwd, false, false]);
    const flagged = loadOptions({ cli: {}, env: {}, cwd, json: true, noHealthcheck: true });
    assert.deepEqual([flagged.json, flagged.noHealthcheck], [true, true]);
  });

  test('every default at once', () => {
    const cwd = workdir();
    const options = loadOptions({ cli: {}, env: {}, cwd });
    const expected: Partial<Options> = {
      files: [],
      cwd,
      project: undefined,
      target: undefined,
      companions: [],
      sideTargets: [],
      rule: undefined,
      servicePaths: [],
      port: undefined,
      entrypoint: 'web',
      network: 'traefik_webgateway',
      traefikApi: 'http://127.0.0.1:8080',
      traefikUrl: 'http://127.0.0.1:80',
      state: undefined,
      consulAddress: 'http://127.0.0.1:8500',
      consulToken: undefined,
      timeoutMs: 120_000,
      drainMs: 10_000,
      scale: undefined,
      json: false,
      noHealthcheck: false,
      waitLockMs: 0,
    };
    // Only the options of the contract's table: options added later are not this test's business.
    const picked = Object.fromEntries(Object.keys(expected).map((key) => [key, options[key as keyof Options]]));
    assert.deepEqual(picked, expected);
  });
});

describe('where bluegreen.yml is found', () => {
  test('beside the first compose file from the CLI when the working directory has none; its files are relative to it', () => {
    const cwd = workdir();
    mkdirSync(join(cwd, 'deploy'));
    writeFileSync(join(cwd, 'deploy', 'bluegreen.yml'), stringify({ target: 'beside', files: ['compose.prod.yml'] }));
    const options = loadOptions({ cli: { files: ['deploy/compose.yml'] }, env: {}, cwd });
    assert.equal(options.target, 'beside');
    assert.deepEqual(options.files, ['deploy/compose.yml'], 'the CLI files still win over the yml files');
  });

  test('beside the first compose file from BG_FILES', () => {
    const cwd = workdir();
    mkdirSync(join(cwd, 'deploy'));
    writeFileSync(join(cwd, 'deploy', 'bluegreen.yml'), stringify({ target: 'beside' }));
    const options = loadOptions({ cli: {}, env: { BG_FILES: 'deploy/compose.yml,other/compose.yml' }, cwd });
    assert.equal(options.target, 'beside');
  });

  test('the working directory wins over the compose file directory', () => {
    const cwd = workdir({ target: 'cwd' });
    mkdirSync(join(cwd, 'deploy'));
    writeFileSync(join(cwd, 'deploy', 'bluegreen.yml'), stringify({ target: 'beside' }));
    assert.equal(loadOptions({ cli: { files: ['deploy/compose.yml'] }, env: {}, cwd }).target, 'cwd');
  });

  test('an empty bluegreen.yml sets nothing', () => {
    const options = loadOptions({ cli: {}, env: {}, cwd: workdir('') });
    assert.equal(options.entrypoint, 'web');
    assert.deepEqual(options.files, []);
  });
});

describe('validation: a usage error (exit 2) naming the option', () => {
  const invalid: { name: string; cli?: RawOptions; env?: Record<string, string>; yml?: Record<string, unknown>; message: string }[] = [
    { name: 'port 0', cli: { port: '0' }, message: '--port: "0" is not a port' },
    { name: 'port above 65535', cli: { port: '65536' }, message: '--port: "65536" is not a port' },
    { name: 'port not a number', cli: { port: 'http' }, message: '--port: "http" is not a port' },
    { name: 'port not an integer', cli: { port: '80.5' }, message: '--port: "80.5" is not a port' },
    { name: 'negative port', cli: { port: '-1' }, message: '--port: "-1" is not a port' },
    { name: 'port written in hex', cli: { port: '0x1F90' }, message: '--port: "0x1F90" is not a port' },
    { name: 'port written with an exponent', env: { BG_PORT: '8e3' }, message: '--port: "8e3" is not a port' },
    { name: 'bad port from env', env: { BG_PORT: 'eighty' }, message: '--port: "eighty" is not a port' },
    { name: 'bad port from yml', yml: { port: 70000 }, message: '--port: "70000" is not a port' },
    { name: 'zero timeout', cli: { timeout: '0s' }, message: '--timeout: must be more than 0' },
    { name: 'state not a store', cli: { state: 'redis' }, message: '--state: "redis" is not a state store' },
    { name: 'state from env', env: { BG_STATE: 'Consul' }, message: '--state: "Consul" is not a state store' },
    { name: 'traefik api not a URL', cli: { traefikApi: 'not a url' }, message: '--traefik-api: "not a url" is not an http(s) URL' },
    { name: 'traefik api not http(s)', cli: { traefikApi: 'ftp://traefik:21' }, message: '--traefik-api: "ftp://traefik:21" is not an http(s) URL' },
    { name: 'traefik api without scheme', env: { BG_TRAEFIK_API: '127.0.0.1:8080' }, message: '--traefik-api: "127.0.0.1:8080" is not an http(s) URL' },
    { name: 'one bad URL in a list of Traefik APIs', cli: { traefikApi: 'http://a.test:8080,b.test:8080' }, message: '--traefik-api: "b.test:8080" is not an http(s) URL' },
    { name: 'traefik api list of only commas', cli: { traefikApi: ' , ' }, message: '--traefik-api: no URL given' },
    {
      name: 'fewer metrics addresses than Traefik APIs',
      cli: { traefikApi: 'http://a.test:8080,http://b.test:8080', traefikMetrics: 'http://a.test:8082/metrics' },
      message: '--traefik-metrics names 1 address for 2 Traefik APIs',
    },
    { name: 'traefik url not http(s)', yml: { traefik_url: 'tcp://x:80' }, message: '--traefik-url: "tcp://x:80" is not an http(s) URL' },
    { name: 'project with capitals and space', cli: { project: 'My Shop' }, message: '--project: "My Shop" is not a valid project name' },
    { name: 'project starting with a dash', env: { BG_PROJECT: '-shop' }, message: '--project: "-shop" is not a valid project name' },
    { name: 'service path without a slash', cli: { servicePaths: ['/ok', 'api'] }, message: '--service-path: "api" must start with /' },
    { name: 'scale not a count', cli: { scale: 'lots' }, message: '--scale: "lots" is not a count' },
  ];
  for (const row of invalid) {
    test(row.name, () => {
      assertUsageError(() => loadOptions({ cli: row.cli ?? {}, env: row.env ?? {}, cwd: workdir(row.yml) }), row.message);
    });
  }

  const badDurations: [string, RawOptions | Record<string, string>, 'cli' | 'env', RegExp][] = [
    ['timeout', { timeout: 'soon' }, 'cli', /^--timeout: /],
    ['timeout from env', { BG_TIMEOUT: '10x' }, 'env', /^--timeout: /],
    ['drain', { drain: 'ten seconds' }, 'cli', /^--drain: /],
    ['drain from env', { BG_DRAIN: '-5s' }, 'env', /^--drain: /],
    ['wait-lock', { waitLock: 'forever' }, 'cli', /^--wait-lock: /],
  ];
  for (const [name, layer, where, message] of badDurations) {
    test(`bad duration: ${name}`, () => {
      const cli = where === 'cli' ? (layer as RawOptions) : {};
      const env = where === 'env' ? (layer as Record<string, string>) : {};
      assertUsageError(() => loadOptions({ cli, env, cwd: workdir() }), message);
    });
  }

  test('an unknown key in bluegreen.yml is named, with the file', () => {
    const cwd = workdir({ target: 'web', colour: 'blue' });
    const error = assertUsageError(() => loadOptions({ cli: {}, env: {}, cwd }), `${join(cwd, 'bluegreen.yml')}: (top level): unknown key colour`);
    assert.match(error.hint ?? '', /^known keys: files, project, target, side_targets, rule, service_path, port,/);
  });

  test('several unknown keys are all named', () => {
    const cwd = workdir({ colour: 'blue', size: 2 });
    assertUsageError(() => loadOptions({ cli: {}, env: {}, cwd }), `${join(cwd, 'bluegreen.yml')}: (top level): unknown keys colour, size`);
  });

  test('a yml value of the wrong type names its key', () => {
    const cwd = workdir({ project: 12 });
    assertUsageError(() => loadOptions({ cli: {}, env: {}, cwd }), `${join(cwd, 'bluegreen.yml')}: project: Invalid input: expected string, received number`);
  });

  test('bluegreen.yml that is not a mapping is refused', () => {
    const cwd = workdir('- target\n- web\n');
    assertUsageError(() => loadOptions({ cli: {}, env: {}, cwd }), `${join(cwd, 'bluegreen.yml')}: (top level): Invalid input: expected object, received array`);
  });

  test('bad YAML names the file', () => {
    const cwd = workdir('target: [web\n');
    const error = assertUsageError(() => loadOptions({ cli: {}, env: {}, cwd }), new RegExp(`^${escapeRegExp(join(cwd, 'bluegreen.yml'))}: not valid YAML \\(.+\\)$`));
    assert.equal(error.hint, 'fix the file or remove it');
  });

  test('the CLI does not rescue a broken bluegreen.yml: the file is still read', () => {
    const cwd = workdir('target: [web\n');
    assertUsageError(() => loadOptions({ cli: { target: ['web'] }, env: {}, cwd }), /not valid YAML/);
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
