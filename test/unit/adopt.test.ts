import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adoptTraefikLabels, type AdoptedRouting } from '../../src/plan/adopt.js';

const nothing: AdoptedRouting = { middlewares: [], routerExtras: {}, serviceExtras: {}, middlewareDefinitions: {}, keptLabels: {} };

test('no labels adopt nothing', () => {
  assert.deepEqual(adoptTraefikLabels(), nothing);
  assert.deepEqual(adoptTraefikLabels({}), nothing);
});

test('labels that are not Traefik router or service labels are kept as they are', () => {
  const labels = { 'com.example.team': 'web', 'org.opencontainers.image.title': 'shop' };
  assert.deepEqual(adoptTraefikLabels(labels), { ...nothing, keptLabels: labels });
});

test('a router with TLS, a redirecting http router, a service and middlewares: adopted as a whole', () => {
  const adopted = adoptTraefikLabels({
    'traefik.enable': 'true',
    'traefik.docker.network': 'proxy',
    'traefik.http.routers.shop-http.rule': 'Host(`shop.example.com`)',
    'traefik.http.routers.shop-http.entrypoints': 'web',
    'traefik.http.routers.shop-http.middlewares': 'to-https',
    'traefik.http.routers.shop.rule': 'Host(`shop.example.com`)',
    'traefik.http.routers.shop.entrypoints': 'websecure, web2',
    'traefik.http.routers.shop.tls': 'true',
    'traefik.http.routers.shop.tls.certresolver': 'letsencrypt',
    'traefik.http.routers.shop.tls.domains[0].main': 'example.com',
    'traefik.http.routers.shop.middlewares': 'auth@docker, compress',
    'traefik.http.routers.shop.service': 'shop',
    'traefik.http.routers.shop.priority': '10',
    'traefik.http.services.shop.loadbalancer.server.port': '8080',
    'traefik.http.services.shop.loadbalancer.sticky.cookie.name': 'shop_session',
    'traefik.http.services.shop.loadbalancer.server.scheme': 'http',
    'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$x',
    'traefik.http.middlewares.to-https.redirectscheme.scheme': 'https',
    'com.example.team': 'web',
  });
  assert.deepEqual(adopted, {
    rule: 'Host(`shop.example.com`)',
    priority: 10,
    port: 8080,
    entrypoints: ['websecure', 'web2'],
    middlewares: ['auth@docker', 'compress'],
    routerExtras: { tls: 'true', 'tls.certresolver': 'letsencrypt', 'tls.domains[0].main': 'example.com' },
    serviceExtras: { 'sticky.cookie.name': 'shop_session', 'server.scheme': 'http' },
    // Defined again per colour under the colour's own names (see labels.ts).
    middlewareDefinitions: {
      auth: { 'basicauth.users': 'admin:$apr1$x' },
      'to-https': { 'redirectscheme.scheme': 'https' },
    },
    keptLabels: { 'com.example.team': 'web' },
  });
});

test('a single router without TLS is the one routed by', () => {
  assert.deepEqual(
    adoptTraefikLabels({
      'traefik.enable': 'true',
      'traefik.http.routers.api.rule': 'Host(`api.test`) && PathPrefix(`/v1`)',
      'traefik.http.routers.api.entrypoints': 'web',
    }),
    { ...nothing, rule: 'Host(`api.test`) && PathPrefix(`/v1`)', entrypoints: ['web'] },
  );
});

test('among routers without TLS, the first with a rule', () => {
  const adopted = adoptTraefikLabels({
    'traefik.http.routers.norule.entrypoints': 'ignored',
    'traefik.http.routers.first.rule': 'Host(`first.test`)',
    'traefik.http.routers.second.rule': 'Host(`second.test`)',
  });
  assert.equal(adopted.rule, 'Host(`first.test`)');
  assert.equal(adopted.entrypoints, undefined);
});

test('a router with TLS but no rule is not the main router', () => {
  const adopted = adoptTraefikLabels({
    'traefik.http.routers.tlsonly.tls': 'true',
    'traefik.http.routers.web.rule': 'Host(`web.test`)',
  });
  assert.deepEqual(adopted, { ...nothing, rule: 'Host(`web.test`)' });
});

test('router settings are dropped even when no router has a rule', () => {
  assert.deepEqual(adoptTraefikLabels({ 'traefik.http.routers.x.entrypoints': 'web', 'traefik.http.routers.x.tls': 'true' }), nothing);
});

test('a service port alone is adopted without a router', () => {
  assert.deepEqual(adoptTraefikLabels({ 'traefik.http.services.any.loadbalancer.server.port': '3000' }), { ...nothing, port: 3000 });
});

test('the router own settings (rule, entrypoints, middlewares, service, priority) never become extras', () => {
  const adopted = adoptTraefikLabels({
    'traefik.http.routers.r.rule': 'Host(`r.test`)',
    'traefik.http.routers.r.entrypoints': 'web',
    'traefik.http.routers.r.middlewares': 'a,b',
    'traefik.http.routers.r.service': 'elsewhere',
    'traefik.http.routers.r.priority': '5',
    'traefik.http.routers.r.observability.accesslogs': 'false',
  });
  assert.deepEqual(adopted.routerExtras, { 'observability.accesslogs': 'false' });
  assert.deepEqual(adopted.middlewares, ['a', 'b']);
});

test('traefik.enable and traefik.docker.network are dropped; other traefik labels are kept', () => {
  const adopted = adoptTraefikLabels({
    'traefik.enable': 'true',
    'traefik.docker.network': 'proxy',
    'traefik.docker.lbswarm': 'true',
    'traefik.tcp.routers.db.rule': 'HostSNI(`*`)',
  });
  assert.deepEqual(adopted.keptLabels, { 'traefik.docker.lbswarm': 'true', 'traefik.tcp.routers.db.rule': 'HostSNI(`*`)' });
});
