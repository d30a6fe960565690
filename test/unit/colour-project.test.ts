import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderColourProject } from '../../src/plan/colour-project.js';
import { colourLabels } from '../../src/plan/labels.js';
import { sampleRelease } from './release-fixture.js';

const GATEWAY = 'traefik_webgateway';

test('a colour project: <app>-<colour>, the target with its colour labels, on its networks plus the gateway', () => {
  const release = sampleRelease();
  const project = renderColourProject(release, 'blue', { kind: 'preview' }, GATEWAY);
  assert.deepEqual(project, {
    name: 'shop-blue',
    services: {
      app: {
        image: 'sha256:abc123',
        expose: ['8080'],
        healthcheck: { test: ['CMD', 'true'], interval: '5s' },
        labels: { 'com.example.team': 'web', ...colourLabels(release, 'blue', { kind: 'preview' }, GATEWAY) },
        networks: { default: null, bluegreen_gateway: null },
      },
    },
    networks: {
      default: { name: 'shop_default', external: true },
      bluegreen_gateway: { name: GATEWAY, external: true },
    },
  });
});

test('the live mode reaches the labels', () => {
  const project = renderColourProject(sampleRelease(), 'green', { kind: 'live', generation: 2 }, GATEWAY);
  const labels = project.services.app!.labels!;
  assert.equal(project.name, 'shop-green');
  assert.equal(labels['traefik.http.routers.shop-green-live.priority'], '100080');
  assert.equal(labels['io.bluegreen.routing'], 'live');
  assert.equal(labels['traefik.docker.network'], GATEWAY);
});

test('the service’s own networks and their settings are kept', () => {
  const release = sampleRelease({
    service: { image: 'sha256:abc123', networks: { backend: { aliases: ['api'] } } },
    networks: { backend: { name: 'corp-backend', external: true } },
  });
  const project = renderColourProject(release, 'blue', { kind: 'preview' }, GATEWAY);
  assert.deepEqual(project.services.app!.networks, { backend: { aliases: ['api'] }, bluegreen_gateway: null });
  assert.deepEqual(project.networks, {
    backend: { name: 'corp-backend', external: true },
    bluegreen_gateway: { name: GATEWAY, external: true },
  });
});

test('a service already on the gateway network is not put on it twice', () => {
  const release = sampleRelease({
    service: { image: 'sha256:abc123', networks: { default: null, proxy: null } },
    networks: { default: { name: 'shop_default', external: true }, proxy: { name: GATEWAY, external: true } },
  });
  const project = renderColourProject(release, 'blue', { kind: 'preview' }, GATEWAY);
  assert.deepEqual(project.services.app!.networks, { default: null, proxy: null });
  assert.deepEqual(project.networks, {
    default: { name: 'shop_default', external: true },
    proxy: { name: GATEWAY, external: true },
  });
});

test('the gateway is taken by its name: another gateway name is added', () => {
  const release = sampleRelease({
    service: { image: 'sha256:abc123', networks: { proxy: null } },
    networks: { proxy: { name: GATEWAY, external: true } },
  });
  const project = renderColourProject(release, 'blue', { kind: 'preview' }, 'other_gateway');
  assert.deepEqual(project.networks, {
    proxy: { name: GATEWAY, external: true },
    bluegreen_gateway: { name: 'other_gateway', external: true },
  });
  assert.equal(project.services.app!.labels!['traefik.docker.network'], 'other_gateway');
});

test('named volumes are there only when the release has some', () => {
  assert.equal('volumes' in renderColourProject(sampleRelease(), 'blue', { kind: 'preview' }, GATEWAY), false);
  const volumes = { uploads: { name: 'shop_uploads', external: true as const } };
  const project = renderColourProject(sampleRelease({ volumes }), 'blue', { kind: 'preview' }, GATEWAY);
  assert.deepEqual(project.volumes, volumes);
});

test('a colour label overrides a user label of the same name; the release is not changed', () => {
  const release = sampleRelease({ service: { image: 'sha256:abc123', labels: { 'traefik.docker.network': 'mine', keep: 'me' } } });
  const before = structuredClone(release);
  const labels = renderColourProject(release, 'blue', { kind: 'preview' }, GATEWAY).services.app!.labels!;
  assert.equal(labels['traefik.docker.network'], GATEWAY);
  assert.equal(labels.keep, 'me');
  assert.deepEqual(release, before);
});

test('companions run in the colour project with labels that name the colour but never the routing', () => {
  const worker = { image: 'sha256:def456', command: ['shop', 'work'], labels: { 'traefik.enable': 'false' } };
  const release = sampleRelease({ companions: { worker } });
  const preview = renderColourProject(release, 'green', { kind: 'preview' }, GATEWAY);
  const live = renderColourProject(release, 'green', { kind: 'live', generation: 7 }, GATEWAY);
  assert.deepEqual(preview.services.worker, {
    image: 'sha256:def456',
    command: ['shop', 'work'],
    labels: { 'traefik.enable': 'false', 'io.bluegreen.managed': 'true', 'io.bluegreen.app': 'shop', 'io.bluegreen.release': '3', 'io.bluegreen.companion-of': 'green' },
  });
  // Identical in both modes: compose leaves a running worker alone at the switch.
  assert.deepEqual(live.services.worker, preview.services.worker);
  assert.equal('io.bluegreen.colour' in preview.services.worker!.labels!, false, 'not counted among the colour’s routed containers');
});
