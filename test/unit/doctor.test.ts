// bluegreen doctor's rules (plan/doctor.ts), one by one, over resolved
// compose files as `docker compose config` gives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, exposedByDefaultFrom, throttleOf, type DoctorFacts } from '../../src/plan/doctor.js';
import { formatDiagnosis } from '../../src/commands/doctor.js';
import type { ComposeConfig, ComposeService } from '../../src/plan/compose-model.js';

/** A target that breaks nothing: a healthcheck that starts fast, a restart policy, traefik.enable. */
const good: ComposeService = {
  image: 'shop:1',
  expose: ['8000'],
  restart: 'unless-stopped',
  labels: { 'traefik.enable': 'true' },
  healthcheck: { test: ['CMD', '/app', 'health'], interval: '10s', start_period: '30s', start_interval: '1s' },
};
const facts: DoctorFacts = { target: 'app', imageHasHealthcheck: false, traefik: { reachable: true, metrics: true } };
const rulesOf = (service: Partial<ComposeService>, more: Partial<ComposeConfig> = {}, f: Partial<DoctorFacts> = {}) =>
  diagnose({ name: 'shop', services: { app: { ...good, ...service } }, ...more }, { ...facts, ...f }).map((finding) => `${finding.severity}:${finding.rule}`);

test('a target that breaks nothing: no finding', () => {
  assert.deepEqual(rulesOf({}), []);
  assert.match(formatDiagnosis({ target: 'app', findings: [] }), /nothing found/);
});

test('no healthcheck (none in the file, none in the image, or disabled) is a warning; the image’s own counts; an unknown image is not judged', () => {
  assert.deepEqual(rulesOf({ healthcheck: undefined }), ['warning:no-healthcheck']);
  assert.deepEqual(rulesOf({ healthcheck: { test: ['NONE'] } }, {}, { imageHasHealthcheck: true }), ['warning:no-healthcheck']);
  assert.deepEqual(rulesOf({ healthcheck: { disable: true } }, {}, { imageHasHealthcheck: true }), ['warning:no-healthcheck']);
  assert.deepEqual(rulesOf({ healthcheck: undefined }, {}, { imageHasHealthcheck: true }), []);
  assert.deepEqual(rulesOf({ healthcheck: undefined }, {}, { imageHasHealthcheck: undefined }), []);
});

test('a first healthcheck later than 5 s keeps Traefik waiting: an interval without start_interval, or start_interval without start_period', () => {
  assert.deepEqual(rulesOf({ healthcheck: { test: ['CMD', 'x'], interval: '10s' } }), ['warning:slow-first-healthcheck']);
  assert.deepEqual(rulesOf({ healthcheck: { test: ['CMD', 'x'] } }), ['warning:slow-first-healthcheck'], 'Docker’s default interval is 30 s');
  assert.deepEqual(rulesOf({ healthcheck: { test: ['CMD', 'x'], interval: '10s', start_interval: '1s' } }), ['warning:slow-first-healthcheck']);
  assert.deepEqual(rulesOf({ healthcheck: { test: ['CMD', 'x'], interval: '5s' } }), []);
  assert.deepEqual(rulesOf({ healthcheck: { test: ['CMD', 'x'], interval: '1m', start_period: '2m', start_interval: '500ms' } }), []);
});

test('container_name and published ports are errors: the two colours cannot both have them', () => {
  assert.deepEqual(rulesOf({ container_name: 'shop' }), ['error:container-name']);
  assert.deepEqual(rulesOf({ ports: [{ target: 8000, published: '8080', protocol: 'tcp' }] }), ['error:published-ports']);
  assert.deepEqual(rulesOf({ ports: ['8080:8000'] }), ['error:published-ports']);
  assert.deepEqual(rulesOf({ ports: [{ target: 8000, protocol: 'tcp' }] }), [], 'a container port alone publishes nothing fixed');
});

test('a shell as PID 1 (deaf to SIGTERM) is a warning: `sh -c` in the file, or the image’s shell-form CMD; the exec form and init: true are not', () => {
  assert.deepEqual(rulesOf({ command: ['/bin/sh', '-c', 'node server.js'] }), ['warning:shell-form']);
  assert.deepEqual(rulesOf({ entrypoint: ['bash', '-c', './start.sh'] }), ['warning:shell-form']);
  assert.deepEqual(rulesOf({}, {}, { imageCommand: ['/bin/sh', '-c', 'node server.js'] }), ['warning:shell-form']);
  assert.deepEqual(rulesOf({ command: ['node', 'server.js'] }, {}, { imageCommand: ['/bin/sh', '-c', 'x'] }), [], 'the file’s command wins');
  assert.deepEqual(rulesOf({ init: true }, {}, { imageCommand: ['/bin/sh', '-c', 'x'] }), []);
  assert.deepEqual(rulesOf({}, {}, { imageCommand: ['/sample'] }), []);
});

test('a named volume the target writes is a warning (both colours write it); read-only and bind mounts are not', () => {
  const volumes = { data: { name: 'shop_data' } };
  assert.deepEqual(rulesOf({ volumes: [{ type: 'volume', source: 'data', target: '/data' }] }, { volumes }), ['warning:shared-volume']);
  assert.deepEqual(rulesOf({ volumes: ['data:/data'] }, { volumes }), ['warning:shared-volume']);
  assert.deepEqual(rulesOf({ volumes: [{ type: 'volume', source: 'data', target: '/data', read_only: true }] }, { volumes }), []);
  assert.deepEqual(rulesOf({ volumes: ['data:/data:ro'] }, { volumes }), []);
  assert.deepEqual(rulesOf({ volumes: [{ type: 'bind', source: '/srv/static', target: '/static' }] }, { volumes }), []);
});

test('no restart policy, or restart: no, is a warning (an engine restart leaves the app down); traefik.enable missing is a warning', () => {
  assert.deepEqual(rulesOf({ restart: undefined }), ['warning:restart']);
  assert.deepEqual(rulesOf({ restart: 'no' }), ['warning:restart']);
  assert.deepEqual(rulesOf({ restart: 'always' }), []);
  assert.deepEqual(rulesOf({ labels: {} }), ['warning:traefik-enable']);
});

test("Traefik's API unreachable is an error; its metrics off a warning (drain and bake blind)", () => {
  assert.deepEqual(rulesOf({}, {}, { traefik: { reachable: false, error: 'ECONNREFUSED' } }), ['error:traefik-api']);
  assert.deepEqual(rulesOf({}, {}, { traefik: { reachable: true, metrics: false } }), ['warning:metrics-off']);
});

test('a target the file does not have is one error naming the services; the report puts errors first and counts them', () => {
  const findings = diagnose({ name: 'shop', services: { web: good } }, facts);
  assert.deepEqual(
    findings.map((f) => f.rule),
    ['target'],
  );
  assert.match(findings[0]!.fix, /web/);
  const text = formatDiagnosis({ target: 'app', findings: diagnose({ name: 'shop', services: { app: { ...good, restart: undefined, container_name: 'x' } } }, facts) });
  assert.match(text, /^error: app sets container_name: x[\s\S]*\nwarning: app has no restart policy[\s\S]*\napp: 1 error, 1 warning$/);
});

test("exposedByDefault, as Traefik's routers show it: a container that asks nothing yet has its default router; then every other service without traefik.enable is a warning", () => {
  assert.deepEqual(
    exposedByDefaultFrom(
      [
        { service: 'db', project: 'other' },
        { service: 'web', project: 'blog' },
      ],
      ['web-blog@docker', 'shop-live@docker'],
    ),
    { seen: 'web-blog' },
  );
  assert.equal(exposedByDefaultFrom([{ service: 'db', project: 'other' }], ['shop-live@docker']), false, 'one ran and none was routed');
  assert.equal(exposedByDefaultFrom([{}], ['x@docker']), undefined, 'nothing tells (no compose container without traefik.enable)');
  const withDb = { services: { app: good, db: { image: 'postgres:16' }, cache: { image: 'redis', labels: { 'traefik.enable': 'false' } } } };
  assert.deepEqual(rulesOf({}, withDb, { exposedByDefault: { seen: 'web-blog' } }), ['warning:exposed-by-default']);
  assert.deepEqual(rulesOf({}, withDb, { exposedByDefault: false }), []);
  assert.deepEqual(rulesOf({}, withDb), [], 'unknown: not judged');
});

test("Traefik's provider throttle, from the command line of the Traefik publishing the API's port: 2 s (its default, or set) is a warning, 200ms is not, a configuration file is not read", () => {
  const flags = (args: string[], ports = [8080], env: string[] = []) => ({ name: 'edge-traefik-1', args: ['/entrypoint.sh', 'traefik', ...args], env, publishedPorts: ports });
  const other = { name: 'other-traefik', args: ['traefik', '--providers.docker=true', '--providers.providersThrottleDuration=200ms'], env: [], publishedPorts: [9080] };
  assert.deepEqual(throttleOf([flags(['--providers.docker=true']), other], 8080), { traefik: 'edge-traefik-1', ms: 2000, set: false });
  assert.deepEqual(throttleOf([flags(['--providers.docker=true', '--providers.providersThrottleDuration=2s'])], 8080), { traefik: 'edge-traefik-1', ms: 2000, set: true });
  assert.deepEqual(throttleOf([flags(['--providers.docker', '--providers.providersthrottleduration', '200ms'])], 8080), { traefik: 'edge-traefik-1', ms: 200, set: true });
  assert.deepEqual(throttleOf([flags(['--providers.docker'], [8080], ['TRAEFIK_PROVIDERS_PROVIDERSTHROTTLEDURATION=3s'])], 8080), { traefik: 'edge-traefik-1', ms: 3000, set: true });
  assert.equal(throttleOf([flags(['--configFile=/etc/traefik/traefik.yml', '--providers.docker'])], 8080), undefined, 'a file may set it');
  assert.equal(throttleOf([flags([])], 8080), undefined, 'no provider flag: configured by a file');
  assert.equal(throttleOf([flags(['--providers.docker']), other], 18081), undefined, 'two Traefiks, neither publishing the API port');
  assert.deepEqual(rulesOf({}, {}, { throttle: { traefik: 't', ms: 2000, set: false } }), ['warning:provider-throttle']);
  assert.deepEqual(rulesOf({}, {}, { throttle: { traefik: 't', ms: 200, set: true } }), []);
});
