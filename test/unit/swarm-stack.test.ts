import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asStackFile, forSwarmProvider, pinnedImage, renderColourStack, renderSideStack } from '../../src/plan/swarm-stack.js';
import { tasksPerNode } from '../../src/swarm/reality.js';
import { settledTasks } from '../../src/plan/swarm-tasks.js';
import type { TaskView } from '../../src/runtime/docker.js';
import { sampleRelease } from './release-fixture.js';
import { assertUsageError } from './usage-error.js';

const preview = () => renderColourStack(sampleRelease(), 'blue', { kind: 'preview', previewKey: 'k' }, 'traefik_webgateway', 3, 'shop:1.2');
const live = () => renderColourStack(sampleRelease(), 'blue', { kind: 'live', generation: 4, previewKey: 'k' }, 'traefik_webgateway', 3, 'shop:1.2');

test('routing labels go on the service (deploy.labels), so that a switch changes no task; the task template is the same preview or live', () => {
  const [p, l] = [preview().services.app!, live().services.app!];
  const deployLabels = (p.deploy as { labels: Record<string, string> }).labels;
  assert.equal(deployLabels['traefik.http.routers.shop-blue-preview.priority'], '1000000000');
  assert.equal(deployLabels['io.bluegreen.routing'], 'preview');
  assert.equal((l.deploy as { labels: Record<string, string> }).labels['traefik.http.routers.shop-blue-live.priority'], '100160');
  assert.ok(!Object.keys(p.labels ?? {}).some((key) => key.startsWith('traefik.')), 'no Traefik label on the tasks');
  // Everything but the service's labels is identical: swarm replaces no task.
  const template = (s: typeof p) => JSON.stringify({ ...s, deploy: { ...(s.deploy as object), labels: undefined } });
  assert.equal(template(p), template(l));
  assert.deepEqual(p.labels, { 'com.example.team': 'web', 'io.bluegreen.managed': 'true', 'io.bluegreen.app': 'shop', 'io.bluegreen.colour': 'blue', 'io.bluegreen.release': '3' });
});

test("the swarm provider's names: traefik.swarm.network, @swarm references; tasks by their IPs (dnsrr); the image by name; replicas", () => {
  const service = preview().services.app!;
  const deploy = service.deploy as { labels: Record<string, string>; replicas: number; endpoint_mode: string };
  assert.equal(deploy.labels['traefik.swarm.network'], 'traefik_webgateway');
  assert.ok(!Object.keys(deploy.labels).some((key) => key.startsWith('traefik.docker.')), 'no docker-provider label: Traefik would skip the service');
  assert.equal(deploy.labels['traefik.http.routers.shop-blue-preview.middlewares'], 'shop-blue-retry@swarm,shop-blue-header@swarm');
  assert.deepEqual([deploy.replicas, deploy.endpoint_mode, service.image], [3, 'dnsrr', 'shop:1.2']);
  assert.deepEqual(forSwarmProvider({ 'traefik.http.routers.x.middlewares': 'auth@file,a@docker' }), { 'traefik.http.routers.x.middlewares': 'auth@file,a@swarm' });
});

test('what stack deploy refuses is left out: a top-level name (the stack is named apart), null keys, container_name, depends_on', () => {
  const release = sampleRelease({ service: { ...sampleRelease().service, entrypoint: null, container_name: 'shop', depends_on: { db: {} } } });
  const { stack, file } = asStackFile(renderColourStack(release, 'green', { kind: 'preview' }, 'traefik_webgateway', 1, 'shop:1.2'));
  assert.equal(stack, 'shop-green');
  assert.equal('name' in file, false);
  const service = (file.services as Record<string, Record<string, unknown>>).app!;
  assert.deepEqual(['entrypoint' in service, 'container_name' in service, 'depends_on' in service], [false, false, false]);
});

test('side targets: one task each (or their own replicas), reached by their IPs, never routed by Traefik', () => {
  const side = renderSideStack(
    { name: 'shop', services: { app: { image: 'shop:1.2' }, db: { image: 'postgres:16', deploy: { replicas: 1 } } }, networks: { default: { name: 'shop_default' } } },
    'shop',
    ['db'],
  );
  const deploy = side.services.db!.deploy as { labels: Record<string, string>; replicas: number; endpoint_mode: string };
  assert.deepEqual([side.name, deploy.replicas, deploy.endpoint_mode, deploy.labels['traefik.enable']], ['shop-side', 1, 'dnsrr', 'false']);
});

test("the live service, not the preview one, gets Traefik's health check on the probe (a lost node's tasks are dropped within a second)", () => {
  const check = { path: '/healthz', host: 'shop.localhost' };
  const labelsOf = (kind: 'preview' | 'live') =>
    (
      renderColourStack(sampleRelease(), 'blue', kind === 'live' ? { kind, generation: 1 } : { kind }, 'traefik_webgateway', 2, 'shop:1.2', check).services.app!.deploy as {
        labels: Record<string, string>;
      }
    ).labels;
  assert.deepEqual(Object.fromEntries(Object.entries(labelsOf('live')).filter(([key]) => key.includes('healthcheck'))), {
    'traefik.http.services.shop-blue.loadbalancer.healthcheck.path': '/healthz',
    'traefik.http.services.shop-blue.loadbalancer.healthcheck.interval': '1s',
    'traefik.http.services.shop-blue.loadbalancer.healthcheck.timeout': '1s',
    'traefik.http.services.shop-blue.loadbalancer.healthcheck.hostname': 'shop.localhost',
  });
  assert.ok(!Object.keys(labelsOf('preview')).some((key) => key.includes('healthcheck')));
});

test('status counts tasks per node', () => {
  const task = (node: string) => ({ id: node, serviceId: 's', node, slot: 1, state: 'running', ips: {} });
  assert.equal(tasksPerNode([task('n2'), task('n1'), task('n2')]), 'n1: 1, n2: 2');
  assert.equal(tasksPerNode([]), '');
});

test('a release runs its image by registry digest where it has one of the same repository, else by name (and says so)', () => {
  const digest = 'sha256:' + 'a'.repeat(64);
  assert.deepEqual(pinnedImage('127.0.0.1:18500/shop:1.2', [`127.0.0.1:18500/shop@${digest}`]), { reference: `127.0.0.1:18500/shop@${digest}`, pinned: true });
  assert.deepEqual(pinnedImage('traefik:v3.7', [`traefik@${digest}`]), { reference: `traefik@${digest}`, pinned: true });
  assert.deepEqual(pinnedImage('shop:1.2', [`mirror.example/other@${digest}`]), { reference: 'shop:1.2', pinned: false });
  assert.deepEqual(pinnedImage('bluegreen-sample:latest', []), { reference: 'bluegreen-sample:latest', pinned: false });
});

test("a worker runs as a service of its colour's stack: its count, its pinned image, no route, labelled with its colour, the same spec whatever the routing", () => {
  const worker = { image: 'registry.example/worker@sha256:' + 'b'.repeat(64), deploy: { replicas: 2 }, labels: { 'traefik.enable': 'false' } };
  const release = sampleRelease({ companions: { worker } });
  const stack = (mode: Parameters<typeof renderColourStack>[2]) => renderColourStack(release, 'blue', mode, 'gw', 3, 'shop:1.2');
  const preview = stack({ kind: 'preview', previewKey: 'k' });
  const service = preview.services.worker!;
  const deploy = service.deploy as { replicas: number; labels: Record<string, string> };
  assert.equal(service.image, worker.image);
  assert.equal(deploy.replicas, 2);
  assert.equal(deploy.labels['traefik.enable'], 'false');
  assert.equal(deploy.labels['io.bluegreen.companion-of'], 'blue');
  assert.equal(deploy.labels['io.bluegreen.colour'], undefined, "not taken for the colour's routed service");
  assert.deepEqual(stack({ kind: 'live', generation: 7, previewKey: 'k' }).services.worker, service, 'a switch redeploys the worker unchanged: swarm replaces none of its tasks');
});

test('a release with a routed companion is refused in swarm mode (exit 2) rather than run without its routes', () => {
  const release = sampleRelease({ companions: { api: { image: 'sha256:def456' } }, companionRouting: { api: sampleRelease().routing } });
  assertUsageError(() => renderColourStack(release, 'blue', { kind: 'preview' }, 'gw', 1, 'shop:1.2'), /release 3 routes api beside app: several routed targets are not in swarm mode yet/);
});

test('in swarm mode Traefik labels name the swarm provider, but the excluded routers keep the names Traefik gave them', () => {
  const excludes = JSON.stringify([{ name: 'team@docker', rule: 'Host(`a`) && PathPrefix(`/api`)' }]);
  const labels = forSwarmProvider({ 'traefik.http.routers.r.middlewares': 'shop-blue-retry@docker', 'traefik.docker.network': 'gw', 'io.bluegreen.excludes': excludes });
  assert.deepEqual(labels, { 'traefik.http.routers.r.middlewares': 'shop-blue-retry@swarm', 'traefik.swarm.network': 'gw', 'io.bluegreen.excludes': excludes });
});

test('settledTasks: exactly the count, each running (with an address when routed) and of the release waited for; tasks of the spec replaced do not pass for it', () => {
  const task = (id: string, state: string, release: string | undefined, ip = '10.0.0.9'): TaskView => ({ id, serviceId: 's', node: 'n1', slot: 1, state, ips: ip ? { gw: ip } : {}, release });
  // An `up` over a candidate: swarm has not replaced release 2's task yet.
  assert.equal(settledTasks([task('a', 'running', '2')], 1, { network: 'gw', release: 3 }), undefined);
  // Replaced: the old one no longer meant to run, the new one running.
  assert.deepEqual(
    settledTasks([task('b', 'running', '3')], 1, { network: 'gw', release: 3 })?.map((t) => t.id),
    ['b'],
  );
  // Both still meant to run (a start-first update): not yet.
  assert.equal(settledTasks([task('a', 'running', '2'), task('b', 'running', '3')], 1, { release: 3 }), undefined);
  assert.equal(settledTasks([task('b', 'starting', '3')], 1, { release: 3 }), undefined, 'healthcheck not passed');
  assert.equal(settledTasks([task('b', 'running', '3', '')], 1, { network: 'gw', release: 3 }), undefined, 'routed, with no address on the network yet');
  assert.deepEqual(
    settledTasks([task('b', 'running', '3', '')], 1, {})?.map((t) => t.id),
    ['b'],
    'a worker: no address needed, any release (a scale)',
  );
  assert.deepEqual(settledTasks([], 0, { release: 3 }), [], 'scaled to 0');
});
