import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComposeConfig } from '../../src/plan/compose-model.js';
import { externalResources, labelledSideProject, renderSideProject } from '../../src/plan/side-project.js';

function composeConfig(): ComposeConfig {
  return {
    name: 'shop',
    services: {
      app: { image: 'shop:1.2', depends_on: { db: {}, cache: {} } },
      db: {
        image: 'postgres:16',
        container_name: 'shop-db',
        depends_on: { cache: { condition: 'service_started' }, migrate: { condition: 'service_completed_successfully' } },
        networks: { backend: null },
        volumes: [
          { type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data' },
          { type: 'bind', source: '/srv/init', target: '/docker-entrypoint-initdb.d' },
          { type: 'volume', target: '/anonymous' },
        ],
        labels: { 'com.example.backup': 'daily' },
      },
      cache: { image: 'redis:7', depends_on: { migrate: {} } },
      migrate: { image: 'shop:1.2' },
    },
    networks: { default: { name: 'shop_default' }, backend: { name: 'corp_backend' } },
    volumes: { pgdata: { name: 'shop_pgdata' } },
  };
}

test("the side project: the app's own compose project, the side targets as written (labels untouched), depends_on kept only among side targets", () => {
  assert.deepEqual(renderSideProject(composeConfig(), 'shop', ['db', 'cache']), {
    name: 'shop',
    services: {
      db: {
        image: 'postgres:16',
        container_name: 'shop-db',
        depends_on: { cache: { condition: 'service_started' } },
        networks: { backend: null },
        volumes: [
          { type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data' },
          { type: 'bind', source: '/srv/init', target: '/docker-entrypoint-initdb.d' },
          { type: 'volume', target: '/anonymous' },
        ],
        labels: { 'com.example.backup': 'daily' },
      },
      cache: { image: 'redis:7' },
    },
    networks: {
      backend: { name: 'corp_backend', external: true },
      default: { name: 'shop_default', external: true },
    },
    volumes: { pgdata: { name: 'shop_pgdata', external: true } },
  });
});

test('where an older bluegreen ran them (<app>-side, and swarm mode): labelled, traefik.enable=false unless the target routes itself', () => {
  const config = composeConfig();
  config.services.api = { image: 'shop-api:1', labels: { 'traefik.http.routers.api.rule': 'Host(`shop.test`) && PathPrefix(`/api`)' } };
  const legacy = renderSideProject(config, 'shop', ['db', 'cache', 'api'], labelledSideProject('shop'));
  assert.equal(legacy.name, 'shop-side');
  assert.deepEqual(legacy.services.api!.labels, {
    'traefik.http.routers.api.rule': 'Host(`shop.test`) && PathPrefix(`/api`)',
    'io.bluegreen.managed': 'true',
    'io.bluegreen.app': 'shop',
    'io.bluegreen.role': 'side',
  });
  delete legacy.services.api;
  assert.deepEqual(legacy, {
    name: 'shop-side',
    services: {
      db: {
        image: 'postgres:16',
        container_name: 'shop-db',
        depends_on: { cache: { condition: 'service_started' } },
        networks: { backend: null },
        volumes: [
          { type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data' },
          { type: 'bind', source: '/srv/init', target: '/docker-entrypoint-initdb.d' },
          { type: 'volume', target: '/anonymous' },
        ],
        labels: { 'traefik.enable': 'false', 'com.example.backup': 'daily', 'io.bluegreen.managed': 'true', 'io.bluegreen.app': 'shop', 'io.bluegreen.role': 'side' },
      },
      cache: {
        image: 'redis:7',
        labels: { 'traefik.enable': 'false', 'io.bluegreen.managed': 'true', 'io.bluegreen.app': 'shop', 'io.bluegreen.role': 'side' },
      },
    },
    networks: {
      backend: { name: 'corp_backend', external: true },
      default: { name: 'shop_default', external: true },
    },
    volumes: { pgdata: { name: 'shop_pgdata', external: true } },
  });
});

test('a side target with no dependency left has no depends_on key at all', () => {
  const project = renderSideProject(composeConfig(), 'shop', ['cache']);
  assert.equal('depends_on' in project.services.cache!, false);
});

test('no named volume, no volumes key', () => {
  const project = renderSideProject(composeConfig(), 'shop', ['cache']);
  assert.equal('volumes' in project, false);
  assert.deepEqual(project.networks, { default: { name: 'shop_default', external: true } });
});

test('networks and volumes the config gives no name take <project>_<key>', () => {
  const config: ComposeConfig = {
    name: 'shop',
    services: { db: { image: 'postgres:16', networks: { data: null }, volumes: [{ type: 'volume', source: 'pg', target: '/d' }] } },
  };
  const project = renderSideProject(config, 'shop', ['db']);
  assert.deepEqual(project.networks, { data: { name: 'shop_data', external: true } });
  assert.deepEqual(project.volumes, { pg: { name: 'shop_pg', external: true } });
});

test('no side targets: an empty project', () => {
  assert.deepEqual(renderSideProject(composeConfig(), 'shop', []), { name: 'shop', services: {}, networks: {} });
});

test('the compose config is not changed', () => {
  const config = composeConfig();
  const before = structuredClone(config);
  renderSideProject(config, 'shop', ['db', 'cache']);
  assert.deepEqual(config, before);
});

test('externalResources lists the docker names every project needs, once each', () => {
  const side = renderSideProject(composeConfig(), 'shop', ['db', 'cache']);
  const colour: ComposeConfig = {
    name: 'shop-blue',
    services: {},
    networks: { default: { name: 'shop_default', external: true }, bluegreen_gateway: { name: 'traefik_webgateway', external: true } },
    volumes: { uploads: { name: 'shop_uploads', external: true }, pgdata: { name: 'shop_pgdata', external: true } },
  };
  assert.deepEqual(externalResources(side, colour), {
    networks: ['corp_backend', 'shop_default', 'traefik_webgateway'],
    volumes: ['shop_pgdata', 'shop_uploads'],
  });
  assert.deepEqual(externalResources(), { networks: [], volumes: [] });
  assert.deepEqual(externalResources({ name: 'x', services: {}, networks: { a: null } }), { networks: [], volumes: [] });
});
