import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Traefik } from '../../src/core/ports.js';
import type { RouterView, ServiceView } from '../../src/runtime/traefik-api.js';
import { BgError, ExitCode } from '../../src/errors.js';
import { waitRouted } from '../../src/waiting/traefik.js';
import { Deadline } from '../../src/waiting/retry.js';

// An adapter seam only: what one Traefik instance's API shows, reload by
// reload. Whether real Traefik instances converge is proven in e2e/swarm.test.ts.
function instance(showsRouteFromRead: number): Traefik & { reads: number } {
  const router = (): RouterView => ({
    name: 'shop-live@swarm',
    status: 'enabled',
    rule: 'Host(`shop.test`)',
    priority: 20,
    service: 'shop-green@swarm',
    entryPoints: ['web'],
    middlewares: [],
    error: [],
  });
  const service: ServiceView = { name: 'shop-green@swarm', servers: ['http://10.0.0.5:80'], serverStatus: {} };
  const view = {
    reads: 0,
    version: async () => '3.3.0',
    router: async () => (++view.reads >= showsRouteFromRead ? router() : undefined),
    routers: async () => [],
    service: async () => service,
    services: async () => [service],
    metrics: async () => undefined,
  };
  return view;
}

const wait = (replicas: Traefik[], ms: number) =>
  waitRouted({ ...replicas[0]!, replicas }, { router: 'shop-live', priority: 20, service: 'shop-green', servers: ['http://10.0.0.5:80'], deadline: Deadline.after(ms), provider: 'swarm' });

describe('waitRouted over several Traefik instances', () => {
  test('waits for the last instance to show the route, and stops asking one that has', async () => {
    const first = instance(1);
    const last = instance(4);
    await wait([first, last], 5000);
    assert.equal(first.reads, 1);
    assert.equal(last.reads, 4);
  });

  test('an instance that never shows the route fails the wait, named by its place', async () => {
    const error = await wait([instance(1), instance(1), instance(Infinity)], 300).then(
      () => assert.fail('the wait ended without instance 3'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof BgError);
    assert.equal(error.exitCode, ExitCode.failedReverted);
    assert.match(error.message, /router absent on Traefik instance 3 of 3/);
  });
});
