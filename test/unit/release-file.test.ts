import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { releaseFromYaml, releaseToYaml } from '../../src/plan/release-file.js';
import { sampleRelease } from './release-fixture.js';

test('a release survives the round trip through its YAML file', () => {
  const release = sampleRelease();
  assert.deepEqual(releaseFromYaml(releaseToYaml(release)), release);
});

test('a full release survives the round trip: routing extras, networks, volumes, values YAML would retype', () => {
  const release = sampleRelease({
    number: 12,
    image: 'registry.example.com:5000/shop:1.2',
    routing: {
      rule: 'Host(`shop.example.com`) && PathPrefix(`/`)',
      servicePaths: ['/api', '/admin'],
      port: 3000,
      entrypoints: ['websecure'],
      middlewares: ['auth@docker'],
      routerExtras: { tls: 'true', 'tls.certresolver': 'le' },
      serviceExtras: { 'sticky.cookie.name': 'shop_session' },
    },
    service: {
      image: 'sha256:abc123',
      command: ['node', 'server.js', '--port', '3000'],
      environment: { NODE_ENV: 'production', EMPTY: '', FLAG: 'true', NUMBER: '0123', NULLISH: 'null', OCTAL: '0o17', YES: 'yes', TILDE: '~' },
      healthcheck: { test: ['CMD-SHELL', 'curl -f http://localhost:3000/ || exit 1'], interval: '5s', retries: 3 },
      labels: { 'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$x$y', 'multi.line': 'a\nb: c\n# d' },
      networks: { default: null, backend: { aliases: ['api'] } },
      volumes: [{ type: 'volume', source: 'uploads', target: '/data' }],
      deploy: { replicas: 2 },
    },
    networks: { default: { name: 'shop_default', external: true }, backend: { name: 'corp-backend', external: true } },
    volumes: { uploads: { name: 'shop_uploads', external: true } },
  });
  assert.deepEqual(releaseFromYaml(releaseToYaml(release)), release);
});

test('the file is a compose file of its own: name, services, networks, and x-bluegreen', () => {
  const release = sampleRelease();
  const document = parse(releaseToYaml(release));
  assert.deepEqual(document, {
    name: 'shop',
    'x-bluegreen': {
      app: 'shop',
      number: 3,
      image: 'shop:1.2',
      imageId: 'sha256:abc123',
      createdAt: '2025-01-02T03:04:05.000Z',
      createdBy: 'ci@build-7',
      routing: release.routing,
      target: 'app',
    },
    services: { app: release.service },
    networks: release.networks,
  });
});

test('the file says what it is in a header', () => {
  const lines = releaseToYaml(sampleRelease()).split('\n');
  assert.deepEqual(lines.slice(0, 2), [
    '# bluegreen release 3 of shop, frozen at 2025-01-02T03:04:05.000Z by ci@build-7.',
    "# Every later operation on this release runs this file, never the user's files again.",
  ]);
});

test('volumes appear only when the release has some', () => {
  assert.equal('volumes' in parse(releaseToYaml(sampleRelease())), false);
  const volumes = { uploads: { name: 'shop_uploads', external: true as const } };
  assert.deepEqual(parse(releaseToYaml(sampleRelease({ volumes }))).volumes, volumes);
});

test('a release with companions survives the round trip; its file runs them as services beside the target', () => {
  const worker = { image: 'sha256:def456', command: ['shop', 'work'], labels: { 'traefik.enable': 'false' } };
  const release = sampleRelease({ companions: { worker } });
  const text = releaseToYaml(release);
  assert.deepEqual(releaseFromYaml(text), release);
  const document = parse(text) as { services: Record<string, unknown>; 'x-bluegreen': { companions?: string[] } };
  assert.deepEqual(Object.keys(document.services), ['app', 'worker']);
  assert.deepEqual(document['x-bluegreen'].companions, ['worker']);
});
