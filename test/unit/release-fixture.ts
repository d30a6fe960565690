import type { Release } from '../../src/plan/release.js';

/** A frozen release of app `shop`, target `app`, as freezeRelease makes it; `overrides` replace top-level fields. */
export function sampleRelease(overrides: Partial<Release> = {}): Release {
  return {
    app: 'shop',
    number: 3,
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
    },
    service: {
      image: 'sha256:abc123',
      expose: ['8080'],
      healthcheck: { test: ['CMD', 'true'], interval: '5s' },
      labels: { 'com.example.team': 'web' },
    },
    networks: { default: { name: 'shop_default', external: true } },
    volumes: {},
    ...overrides,
  };
}
