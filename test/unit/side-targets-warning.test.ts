import assert from 'node:assert/strict';
import { test } from 'node:test';
import { warnWorkersStillSideTargets } from '../../src/core/side-targets.js';
import type { ContainerView } from '../../src/runtime/docker.js';
import { fakeContext } from './fakes/context.js';
import { FakeWorld } from './fakes/world.js';

/** A container compose runs in `project` as `service`, outside bluegreen's colours. */
const running = (project: string, service: string): ContainerView =>
  ({
    id: `${project}-${service}`,
    name: `${project}-${service}-1`,
    state: 'running',
    health: 'healthy',
    labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service },
    ips: {},
    imageId: 'sha256:feedface',
    exitCode: 0,
    startedAt: '',
  }) as ContainerView;

async function warningFor(containers: ContainerView[]): Promise<string> {
  const world = new FakeWorld();
  for (const c of containers) world.containers.set(c.id, c);
  const { ctx, output, cleanup } = fakeContext(world);
  try {
    await warnWorkersStillSideTargets({ ...ctx, options: { ...ctx.options, companions: ['worker'] } });
    return output();
  } finally {
    cleanup();
  }
}

test('a worker still running once in the app’s own project (a side target or plain compose before) is named, with what stop-old will do', async () => {
  const said = await warningFor([running('shop', 'worker'), running('shop', 'store')]);
  assert.match(said, /warning: worker still runs once in shop \(a side target or plain compose before\).*stop-old drains and stops it.*docker compose -p shop rm -sf worker/);
  assert.doesNotMatch(said, /store/, 'a side target that stays one is not named');
});

test('a worker still running once in an older bluegreen’s <app>-side is named with how to stop it (nothing else would)', async () => {
  const said = await warningFor([running('shop-side', 'worker')]);
  assert.match(said, /warning: worker still runs once in shop-side .*; stop it with docker compose -p shop-side rm -sf worker/);
  assert.doesNotMatch(said, /stop-old/);
});

test('no worker running where side targets run: nothing said', async () => {
  assert.equal(await warningFor([running('shop', 'store')]), '');
});
