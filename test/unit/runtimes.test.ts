// Every command's decisions in both modes: one host (compose projects) and a
// swarm manager (stacks), over the fakes of each adapter (test/unit/fakes/).
// The commands are written once (src/commands/); what differs is said per
// mode below. test/e2e/swarm.test.ts and the rest of test/e2e are the proof.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWorld } from './fakes/world.js';
import { fakeContext, sampleConfig } from './fakes/context.js';
import { runLocked } from '../../src/core/operation.js';
import { bringUp } from '../../src/commands/up.js';
import { switchLive } from '../../src/commands/switch.js';
import { deploy } from '../../src/commands/deploy.js';
import { stopOld } from '../../src/commands/stop-old.js';
import { rollBack } from '../../src/commands/rollback.js';
import { scaleLive } from '../../src/commands/scale.js';
import { parseScale } from '../../src/plan/scale.js';
import type { BgError } from '../../src/errors.js';
import type { Context } from '../../src/core/context.js';
import type { ComposeConfig } from '../../src/plan/compose-model.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

type Mode = 'compose' | 'swarm';

/** The sample app, with a worker beside it when asked (`-t app -t worker`). */
const withWorker = (image: string): ComposeConfig => {
  const config = sampleConfig(image);
  return { ...config, services: { ...config.services, worker: { image: 'shop-worker:1', healthcheck: { test: ['CMD', '/bin/true'] } } } };
};

function setup(mode: Mode, options: { worker?: boolean } = {}) {
  const world = new FakeWorld({ swarm: mode === 'swarm' });
  const image = { current: 'shop:1' };
  const made = fakeContext(world, () => (options.worker ? withWorker(image.current) : sampleConfig(image.current)), options.worker ? { target: ['app', 'worker'] } : {});
  cleanups.push(made.cleanup);
  const provider = mode === 'compose' ? 'docker' : 'swarm';
  return {
    world,
    ctx: made.ctx,
    image,
    provider,
    output: made.output,
    /** Each colour as `blue:live:1`: containers on one host, the target service's tasks on a swarm. */
    summary: () => (mode === 'compose' ? world.summary('shop') : world.swarm!.summary('shop')),
    /** The colour's next launch never passes its healthcheck. */
    unhealthy: (colour: string) => (mode === 'compose' ? world.faults.unhealthy : world.swarm!.unhealthy).add(`shop-${colour}`),
    healthy: () => (mode === 'compose' ? world.faults.unhealthy : world.swarm!.unhealthy).clear(),
  };
}

const run = <T>(ctx: Context, body: () => Promise<T>) => runLocked(ctx, 'deploy', body);
const deployed = (ctx: Context) => run(ctx, () => deploy(ctx, { keepOld: false }));
const exitOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: BgError) => error.exitCode,
  );
const liveAnswer = (world: FakeWorld) => world.answer({}).headers['x-bluegreen-color'];

for (const mode of ['compose', 'swarm'] as const) {
  describe(`${mode} runtime`, () => {
    test('up runs the candidate on its preview route; switch makes it live; the next deploy goes to green and stops blue, kept', async () => {
      const { world, ctx, summary } = setup(mode);
      const up = await run(ctx, () => bringUp(ctx));
      assert.equal(up.colour, 'blue');
      assert.deepEqual(summary(), ['blue:preview:1']);
      assert.equal(liveAnswer(world), undefined, 'nothing answers live traffic yet');
      const switched = await run(ctx, () => switchLive(ctx));
      assert.equal(liveAnswer(world), 'blue');
      // A swarm switch changes the service's labels only: no task replaced.
      assert.equal(switched.replaced, mode === 'swarm' ? 0 : undefined);
      await deployed(ctx);
      assert.deepEqual(summary(), ['blue:stopped:0', 'green:live:1']);
      assert.equal(liveAnswer(world), 'green');
      assert.equal((await ctx.store.read()).live?.colour, 'green');
      assert.equal((await ctx.runtime()).provider, mode === 'compose' ? 'docker' : 'swarm');
    });

    test('up keeps the newest 5 frozen releases (and the live and previous ones)', async () => {
      const { ctx, image } = setup(mode);
      for (let n = 1; n <= 7; n++) {
        image.current = `shop:${n}`;
        await deployed(ctx);
      }
      assert.deepEqual(await ctx.store.releaseNumbers(), [3, 4, 5, 6, 7]);
    });

    test('up refuses (exit 1, nothing launched) when Traefik shows the candidate colour as the winning live router', async () => {
      const { world, ctx, provider } = setup(mode);
      await deployed(ctx);
      const impostor = {
        'traefik.http.routers.shop-green-live.rule': 'Host(`shop.localhost`)',
        'traefik.http.routers.shop-green-live.priority': '100500',
        'traefik.http.routers.shop-green-live.service': 'imp',
        'traefik.http.services.imp.loadbalancer.server.port': '80',
      };
      if (provider === 'docker') {
        world.runForeign('impostor', impostor);
      } else {
        await world.swarm!.stacks.deploy({ name: 'impostor', services: { imp: { image: 'imp', deploy: { labels: impostor } } } });
      }
      const calls = world.calls.length;
      const error = await run(ctx, () => bringUp(ctx)).catch((e: BgError) => e);
      assert.equal((error as BgError).exitCode, 1);
      assert.match((error as BgError).message, /refused, nothing changed/);
      assert.deepEqual(world.calls.slice(calls), [], 'nothing was started');
    });

    test("switch refuses (exit 1, nothing switched) when the candidate's worker stopped being healthy since up", async () => {
      const { world, ctx, summary } = setup(mode, { worker: true });
      await deployed(ctx);
      await run(ctx, () => bringUp(ctx));
      if (mode === 'compose') {
        const worker = world.of({ 'com.docker.compose.project': 'shop-green', 'com.docker.compose.service': 'worker' })[0]!;
        world.containers.get(worker.id)!.health = 'unhealthy';
      } else {
        world.swarm!.services.get('shop-green_worker')!.tasks[0]!.state = 'starting';
      }
      const error = await run(ctx, () => switchLive(ctx)).catch((e: BgError) => e);
      assert.equal((error as BgError).exitCode, 1);
      assert.match((error as BgError).message, /worker/);
      assert.deepEqual(summary(), ['blue:live:1', 'green:preview:1']);
      assert.equal(liveAnswer(world), 'blue');
    });

    test('a deploy whose switch fails puts the candidate back to preview, then removes it (exit 1); live untouched', async () => {
      const { world, ctx, summary } = setup(mode);
      await deployed(ctx);
      // The switch's own launch fails: `compose up` on one host, `stack deploy` on a swarm; up's went through.
      const fails = mode === 'compose' ? world.faults.upFails : world.swarm!.deployFails;
      const original = ctx.runtime;
      ctx.runtime = async () => {
        const runtime = await original();
        return { ...runtime, goLive: (c, candidate) => (fails.add('shop-green'), runtime.goLive(c, candidate)) };
      };
      assert.equal(await exitOf(deployed(ctx)), 1);
      assert.deepEqual(summary(), ['blue:live:1']);
      assert.equal(liveAnswer(world), 'blue');
      assert.equal(world.calls.at(-1), mode === 'compose' ? 'down shop-green' : 'stack rm shop-green');
    });

    test('rollback brings the previous release back in the stopped colour; a failed rollback leaves live where it was (exit 1)', async () => {
      const { world, ctx, image, summary, unhealthy, healthy } = setup(mode);
      await deployed(ctx);
      image.current = 'shop:2';
      await deployed(ctx);
      unhealthy('blue');
      assert.equal(await exitOf(run(ctx, () => rollBack(ctx, {}))), 1);
      assert.equal(liveAnswer(world), 'green');
      assert.deepEqual(summary().at(-1), 'green:live:1');
      healthy();
      const back = await run(ctx, () => rollBack(ctx, {}));
      assert.deepEqual([back.colour, back.release.number, back.from], ['blue', 1, 'green']);
      assert.equal(liveAnswer(world), 'blue');
      assert.equal((await ctx.store.read()).previousLive, 2);
    });

    test('scale +1 adds in place; scale -1 moves the release to the other colour on one host, stops a task in place on a swarm', async () => {
      const { ctx, summary } = setup(mode);
      await deployed(ctx);
      const up = await run(ctx, () => scaleLive(ctx, parseScale('+1')));
      assert.deepEqual([up.colour, up.from, up.to, up.movedFrom], ['blue', 1, 2, undefined]);
      const down = await run(ctx, () => scaleLive(ctx, parseScale('-1')));
      if (mode === 'compose') {
        assert.deepEqual([down.colour, down.to, down.movedFrom], ['green', 1, 'blue']);
        assert.deepEqual(summary(), ['blue:stopped:0', 'green:live:1']);
      } else {
        assert.deepEqual([down.colour, down.to, down.movedFrom], ['blue', 1, undefined]);
        assert.deepEqual(summary(), ['blue:live:1']);
      }
    });

    test('stop-old refuses (exit 1, nothing stopped) when Traefik does not show the live router winning', async () => {
      const { world, ctx, provider, summary } = setup(mode);
      await deployed(ctx);
      await run(ctx, () => deploy(ctx, { keepOld: true }));
      world.faults.hiddenRouters.add(`shop-green-live@${provider}`);
      const error = await run(ctx, () => stopOld(ctx, { remove: false })).catch((e: BgError) => e);
      assert.equal((error as BgError).exitCode, 1);
      assert.match((error as BgError).message, /stopping the other colour could cut live traffic/);
      world.faults.hiddenRouters.clear();
      assert.deepEqual(summary(), ['blue:live:1', 'green:live:1'], 'both still run; green shadows blue');
    });

    test('up warns of a worker that still runs once where side targets run (the app’s own project on one host, the stack <app>-side on a swarm)', async () => {
      const { world, ctx, output } = setup(mode, { worker: true });
      if (mode === 'compose') world.runForeign('shop-worker-1', { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'worker' });
      else await world.swarm!.stacks.deploy({ name: 'shop-side', services: { worker: { image: 'shop-worker:1' } } });
      await run(ctx, () => bringUp(ctx));
      assert.match(output(), mode === 'compose' ? /worker still runs once in shop/ : /worker still runs in the stack shop-side .*docker service rm shop-side_worker/);
    });

    test('status says which colour is live, in the words of its mode', async () => {
      const { ctx } = setup(mode);
      await deployed(ctx);
      const { line } = await (await ctx.runtime()).status(ctx);
      assert.match(line, mode === 'swarm' ? /swarm mode\): live blue/ : /blue/);
    });
  });
}

describe('one host only: maintenance and canary', () => {
  test('in swarm mode deploy --maintenance, deploy --canary and canary are refused before anything starts (exit 2); nothing runs', async () => {
    const { ctx, world, summary } = setup('swarm');
    await deployed(ctx);
    const before = summary();
    const calls = world.calls.length;
    const stackCalls = world.swarm!.calls.length;
    assert.equal(await exitOf(run(ctx, () => deploy(ctx, { keepOld: false, maintenance: true }))), 2);
    ctx.options.canary = [0.1];
    assert.equal(await exitOf(run(ctx, () => deploy(ctx, { keepOld: false }))), 2);
    const { canaryOnCandidate } = await import('../../src/core/canary.js');
    assert.equal(await exitOf(run(ctx, () => canaryOnCandidate(ctx, 0.1))), 2);
    const { maintenanceOn } = await import('../../src/core/maintenance.js');
    assert.equal(await exitOf(run(ctx, () => maintenanceOn(ctx, ctx.options.maintenance))), 2);
    assert.deepEqual(summary(), before);
    assert.deepEqual(
      world.calls.slice(calls).filter((call) => /^(run|up) /.test(call)),
      [],
      'nothing started',
    );
    assert.deepEqual(
      world.swarm!.calls.slice(stackCalls).filter((call) => /^stack deploy /.test(call)),
      [],
      'no stack deployed',
    );
  });

  test('on one host, maintenance with no live colour is refused (exit 2)', async () => {
    const { ctx } = setup('compose');
    const { maintenanceOn } = await import('../../src/core/maintenance.js');
    assert.equal(await exitOf(run(ctx, () => maintenanceOn(ctx, ctx.options.maintenance))), 2);
  });
});
