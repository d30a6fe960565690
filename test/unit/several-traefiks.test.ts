import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context } from '../../src/core/context.js';
import type { Traefik } from '../../src/core/ports.js';
import type { RouterView } from '../../src/runtime/traefik-api.js';
import { assertLiveRouterWins } from '../../src/core/guard.js';
import { assertNotServingLive } from '../../src/core/guard.js';
import { BgError, ExitCode } from '../../src/errors.js';

// An adapter seam: what each Traefik instance's API shows. That real
// instances reload on their own is proven in e2e/swarm.test.ts.
function instance(routers: Record<string, number>): Traefik {
  const router = async (name: string): Promise<RouterView | undefined> =>
    name in routers ? { name, status: 'enabled', rule: 'Host(`shop.test`)', priority: routers[name]!, service: 's', entryPoints: ['web'], middlewares: [], error: [] } : undefined;
  return { version: async () => '3.3.0', router, routers: async () => [], service: async () => undefined, services: async () => [], metrics: async () => undefined };
}
const context = (...replicas: Traefik[]) => ({ app: 'shop', traefik: { ...replicas[0]!, replicas } }) as unknown as Context;

test('stop-old needs the live router winning on every Traefik instance, and names the one that lags', async () => {
  const switched = instance({ 'shop-green-live@docker': 100080, 'shop-blue-live@docker': 100040 });
  const lagging = instance({ 'shop-blue-live@docker': 100040 });
  await assertLiveRouterWins(context(switched, switched), 'green', 2);
  const error = await assertLiveRouterWins(context(switched, lagging), 'green', 2).catch((e: BgError) => e);
  assert.ok(error instanceof BgError);
  assert.equal(error.exitCode, ExitCode.failedReverted);
  assert.match(error.message, /enabled at priority 100080 on Traefik instance 2 of 2 \(absent\): stopping the other colour could cut live traffic/);
});

test('the guard refuses to replace a colour that any Traefik instance still prefers', async () => {
  const switched = instance({ 'shop-green-live@docker': 100080, 'shop-blue-live@docker': 100040 });
  const lagging = instance({ 'shop-blue-live@docker': 100040 });
  await assertNotServingLive(context(switched, switched), 'blue');
  const error = await assertNotServingLive(context(switched, lagging), 'blue').catch((e: BgError) => e);
  assert.ok(error instanceof BgError);
  assert.match(error.message, /Traefik routes live traffic to blue \(shop-blue-live, priority 100040 on Traefik instance 2 of 2\)/);
});
