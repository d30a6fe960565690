// The commands' decisions over a fake world (test/unit/fakes/): which colour,
// what is undone, which exit code. The end-to-end tests prove the same
// paths against the real engine, compose, Traefik and Consul.
import { afterEach, test } from 'node:test';
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
import { down } from '../../src/commands/down.js';
import { parseFlow, runFlow } from '../../src/commands/flow.js';
import { parseScale } from '../../src/plan/scale.js';
import type { BgError } from '../../src/errors.js';
import type { Context } from '../../src/core/context.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function setup(image = { current: 'shop:1' }) {
  const world = new FakeWorld();
  const made = fakeContext(world, () => sampleConfig(image.current));
  cleanups.push(made.cleanup);
  return { world, ctx: made.ctx, output: made.output, image };
}

const run = <T>(ctx: Context, name: 'up' | 'deploy', body: () => Promise<T>) => runLocked(ctx, name, body);
const deployed = (ctx: Context) => run(ctx, 'deploy', () => deploy(ctx, { keepOld: false }));
/** The exit code a command failed with (undefined: it did not fail). */
const exitOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: BgError) => error.exitCode,
  );
const liveAnswer = (world: FakeWorld) => world.answer({}).headers['x-bluegreen-color'];

test('up whose candidate is unhealthy: the candidate removed, exit 1, live untouched', async () => {
  const { world, ctx } = setup();
  await deployed(ctx);
  world.faults.unhealthy.add('shop-green');
  assert.equal(await exitOf(run(ctx, 'up', () => bringUp(ctx))), 1);
  assert.deepEqual(world.summary('shop'), ['blue:live:1']);
  assert.equal(world.calls.at(-1), 'down shop-green');
  assert.equal(liveAnswer(world), 'blue');
});

test('switch without a candidate is exit 2 and changes nothing', async () => {
  const { world, ctx } = setup();
  await deployed(ctx);
  const calls = world.calls.length;
  assert.equal(await exitOf(run(ctx, 'deploy', () => switchLive(ctx))), 2);
  assert.equal(world.calls.length, calls);
});

test('a switch whose live launch fails goes back to preview (exit 1); deploy then removes the candidate', async () => {
  const { world, ctx } = setup();
  await deployed(ctx);
  await run(ctx, 'up', () => bringUp(ctx));
  world.faults.upFails.add('shop-green');
  assert.equal(await exitOf(run(ctx, 'deploy', () => switchLive(ctx))), 1);
  assert.deepEqual(world.summary('shop'), ['blue:live:1', 'green:preview:1'], 'the candidate is back on its preview route');

  // The deploy's up launches green; its switch's route container fails to start; the revert removes
  // the route container (no launch): then the deploy removes the candidate it made.
  const runContainer = world.engine.runContainer;
  let routes = 0;
  world.engine.runContainer = async (spec) => {
    routes++;
    throw new Error(`injected: ${spec.name} does not start`);
  };
  world.calls.length = 0;
  assert.equal(await exitOf(deployed(ctx)), 1);
  world.engine.runContainer = runContainer;
  assert.equal(routes, 1, 'the switch branch of deploy was reached');
  assert.ok(world.calls.includes('down shop-green'), `deploy removed the candidate: ${world.calls.join(', ')}`);
  assert.deepEqual(world.summary('shop'), ['blue:live:1'], 'deploy leaves nothing behind');
});

test('deploy whose switch and revert both fail: exit 5, and the candidate is not removed (it may hold traffic)', async () => {
  const { world, ctx } = setup();
  await deployed(ctx);
  // The switch's route container starts, Traefik never shows its router, and removing it fails too.
  world.faults.hiddenRouters.add('shop-green-live@docker');
  const stopAndRemove = world.engine.stopAndRemove;
  world.engine.stopAndRemove = async (id, timeout) => {
    if (world.containers.get(id)?.labels['io.bluegreen.route-of']) throw new Error('injected: the route container cannot be removed');
    return stopAndRemove(id, timeout);
  };
  assert.equal(await exitOf(deployed(ctx)), 5);
  assert.equal(world.calls.includes('down shop-green'), false, 'no down of the candidate');
  assert.equal(world.of({ 'io.bluegreen.colour': 'green', 'io.bluegreen.routing': 'held' }).length, 1);
});

test('rollback: nothing earlier is exit 2; the live release is exit 2; a failed rollback removes its colour (exit 1)', async () => {
  const image = { current: 'shop:1' };
  const { world, ctx } = setup(image);
  await deployed(ctx);
  assert.equal(await exitOf(run(ctx, 'deploy', () => rollBack(ctx, {}))), 2);
  image.current = 'shop:2';
  await deployed(ctx);
  assert.equal(await exitOf(run(ctx, 'deploy', () => rollBack(ctx, { to: 2 }))), 2);
  world.faults.unhealthy.add('shop-blue');
  assert.equal(await exitOf(run(ctx, 'deploy', () => rollBack(ctx, {}))), 1);
  assert.deepEqual(world.summary('shop'), ['green:live:1']);
  world.faults.unhealthy.clear();
  const back = await run(ctx, 'deploy', () => rollBack(ctx, {}));
  assert.deepEqual([back.colour, back.release.number], ['blue', 1]);
  assert.equal(liveAnswer(world), 'blue');
});

test('scale: +1 adds to the live colour; a failed scale-up removes what it added (exit 1); -1 moves live to the other colour; a candidate blocks -1 (exit 2)', async () => {
  const { world, ctx } = setup();
  await deployed(ctx);
  const scaled = await run(ctx, 'deploy', () => scaleLive(ctx, parseScale('+1')));
  assert.deepEqual([scaled.colour, scaled.from, scaled.to], ['blue', 1, 2]);
  const before = world.of({ 'io.bluegreen.colour': 'blue' }).map((c) => c.id);
  world.faults.unhealthy.add('shop-blue');
  assert.equal(await exitOf(run(ctx, 'deploy', () => scaleLive(ctx, parseScale('+1')))), 1);
  assert.deepEqual(
    world.of({ 'io.bluegreen.colour': 'blue' }).map((c) => c.id),
    before,
  );
  world.faults.unhealthy.clear();
  const down1 = await run(ctx, 'deploy', () => scaleLive(ctx, parseScale('-1')));
  assert.deepEqual([down1.colour, down1.to, down1.movedFrom], ['green', 1, 'blue']);
  assert.deepEqual(world.summary('shop'), ['blue:stopped:0', 'green:live:1']);
  await run(ctx, 'up', () => bringUp(ctx));
  assert.equal(await exitOf(run(ctx, 'deploy', () => scaleLive(ctx, parseScale('-1')))), 2);
});

test('down that fails half-way is exit 5 (the live colour may be gone)', async () => {
  const { world, ctx } = setup();
  await deployed(ctx);
  world.faults.downFails.add('shop-green');
  assert.equal(await exitOf(run(ctx, 'deploy', () => down(ctx, { volumes: false }))), 5);
});

test('history records what each operation was about, from its result or its failure', async () => {
  const image = { current: 'shop:1' };
  const { world, ctx } = setup(image);
  await deployed(ctx);
  image.current = 'shop:2';
  world.faults.unhealthy.add('shop-green');
  await exitOf(deployed(ctx));
  world.faults.unhealthy.clear();
  await run(ctx, 'deploy', () => scaleLive(ctx, parseScale('+1')));
  const entries = (await ctx.store.history()).map((e) => [e.operation, e.outcome, e.release, e.colour, e.image, e.detail?.split(':')[0]]);
  assert.deepEqual(entries, [
    ['deploy', 'ok', 1, 'blue', 'shop:1', undefined],
    ['deploy', 'failed', 2, 'green', 'shop:2', 'green (release 2)'],
    ['deploy', 'ok', 1, 'blue', 'shop:1', '1 -> 2'],
  ]);
});

test("Docker Flow's steps: deploy, proxy, stop-old is a deploy; proxy with no candidate checks the live route; an unknown step is exit 2", async () => {
  const { world, ctx } = setup();
  const first = await run(ctx, 'deploy', () => runFlow(ctx, parseFlow(['deploy', 'proxy', 'stop-old'])));
  assert.deepEqual(first.done, ['deploy: blue runs release 1 on its preview route', 'proxy: live is blue release 1', 'stop-old: nothing to stop']);
  const check = await run(ctx, 'deploy', () => runFlow(ctx, parseFlow(['proxy'])));
  assert.deepEqual(check.done, ['proxy: Traefik routes blue to 1 server']);
  assert.deepEqual(world.summary('shop'), ['blue:live:1']);
  assert.throws(
    () => parseFlow(['teleport']),
    (error: BgError) => error.exitCode === 2,
  );
});

test('side targets: compose up only when one would change (its configuration hash, its image) or is not running healthy', async () => {
  const world = new FakeWorld();
  const db = { env: 'a' };
  const config = () => ({ ...sampleConfig(), services: { ...sampleConfig().services, db: { image: 'postgres:16', environment: { MODE: db.env } } } });
  const made = fakeContext(world, config, { sideTargets: ['db'] });
  cleanups.push(made.cleanup);
  // In the app's own compose project, where `docker compose up` runs them.
  const sideUps = () => world.calls.filter((c) => c === 'up shop').length;
  await deployed(made.ctx);
  assert.equal(sideUps(), 1);
  await deployed(made.ctx);
  assert.equal(sideUps(), 1, 'unchanged: no compose up of the side project');
  assert.match(made.output(), /side targets db: running, healthy, unchanged/);
  db.env = 'b';
  await deployed(made.ctx);
  assert.equal(sideUps(), 2, 'its configuration changed');
  world.of({ 'com.docker.compose.project': 'shop' }).forEach((c) => (c.health = 'unhealthy'));
  await deployed(made.ctx);
  assert.equal(sideUps(), 3, 'not healthy');
  world.of({ 'com.docker.compose.project': 'shop' }).forEach((c) => (c.health = 'healthy'));
  await deployed(made.ctx);
  assert.equal(sideUps(), 3, 'healthy again and unchanged');
  const imageId = world.engine.imageId;
  world.engine.imageId = async (reference) => (reference === 'postgres:16' ? undefined : imageId(reference));
  await deployed(made.ctx);
  assert.equal(sideUps(), 4, 'its image is not here: compose up pulls it');
});

test("side targets an older bluegreen started in <app>-side stay there (never a second database on one volume); otherwise they run in the app's own project", async () => {
  const world = new FakeWorld();
  const config = () => ({ ...sampleConfig(), services: { ...sampleConfig().services, db: { image: 'postgres:16' } } });
  const made = fakeContext(world, config, { sideTargets: ['db'] });
  cleanups.push(made.cleanup);
  await made.ctx.compose.up({ name: 'shop-side', services: { db: { image: 'postgres:16', labels: { 'io.bluegreen.role': 'side' } } } });
  world.calls.length = 0;
  await deployed(made.ctx);
  assert.ok(world.calls.includes('up shop-side'), world.calls.join(', '));
  assert.ok(!world.calls.includes('up shop'), "no second db in the app's project");
  world.of({ 'com.docker.compose.project': 'shop-side' }).forEach((c) => world.containers.delete(c.id));
  await deployed(made.ctx);
  assert.ok(world.calls.includes('up shop'), world.calls.join(', '));
});

test('the app as plain compose runs it today: said at up, left running with --keep-old, then drained and stopped (kept) by the next stop-old, recorded in history; side targets in its project untouched', async () => {
  const world = new FakeWorld();
  const config = () => ({ ...sampleConfig(), services: { ...sampleConfig().services, db: { image: 'postgres:16' } } });
  const made = fakeContext(world, config, { sideTargets: ['db'] });
  cleanups.push(made.cleanup);
  const { ctx } = made;
  // `docker compose up -d` of the team's file: the app with its own router, and its database.
  await ctx.compose.up({
    name: 'shop',
    services: { app: { image: 'shop:0', labels: { 'traefik.enable': 'true', 'traefik.http.routers.shop.rule': 'Host(`shop.localhost`)' } }, db: { image: 'postgres:16' } },
  });
  const plainApp = world.of({ 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'app' })[0]!;
  const db = world.of({ 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db' })[0]!;

  const kept = await run(ctx, 'deploy', () => deploy(ctx, { keepOld: true }));
  assert.match(made.output(), /shop runs today under plain compose \(shop-app-1\)/);
  assert.equal(kept.stopped, undefined);
  assert.equal(world.containers.get(plainApp.id)?.state, 'running', '--keep-old leaves it running (shadowed)');

  const stopped = await run(ctx, 'stop-old', () => stopOld(ctx, { remove: false }));
  assert.deepEqual(stopped.takenOver, ['shop-app-1']);
  assert.ok(world.calls.includes('stop shop app'), world.calls.join(', '));
  assert.equal(world.containers.get(plainApp.id)?.state, 'exited', 'stopped, not removed: kept until down');
  assert.equal(world.containers.get(db.id)?.state, 'running', 'the side target in the same project keeps running');
  const history = await ctx.store.history();
  assert.match(history.at(-1)!.detail ?? '', /took over shop-app-1 from plain compose \(project shop\): drained and stopped/);

  world.calls.length = 0;
  await deployed(ctx);
  assert.ok(!world.calls.some((c) => c.startsWith('stop shop ')), 'nothing left to take over');
  await run(ctx, 'down', () => down(ctx, { volumes: false }));
  assert.equal(world.containers.has(plainApp.id), false, 'down removes the taken-over containers');
});

test('a switch starts no container of the app: the ones that answered the preview go live (same IDs), their live router on a route container; the next command removes a route container left without its colour', async () => {
  const { world, ctx, output } = setup();
  await run(ctx, 'up', () => bringUp(ctx));
  const previews = world.of({ 'io.bluegreen.colour': 'blue', 'io.bluegreen.routing': 'held' }).map((c) => c.id);
  assert.equal(previews.length, 1);
  assert.equal(world.answer({}).status, 404, 'no live route before the switch');
  world.calls.length = 0;
  await run(ctx, 'deploy', () => switchLive(ctx));
  assert.deepEqual(world.calls, ['run shop-blue-bluegreen-route-1'], 'one container started: the route container');
  assert.deepEqual(
    world.of({ 'io.bluegreen.colour': 'blue', 'io.bluegreen.routing': 'held' }).map((c) => c.id),
    previews,
    'the same containers',
  );
  const [route] = world.of({ 'io.bluegreen.route-of': 'blue' });
  assert.equal(route?.labels['traefik.http.routers.shop-blue-live.service'], 'shop-blue');
  assert.equal(world.answer({}).headers['x-bluegreen-color'], 'blue');
  assert.deepEqual(world.summary('shop'), ['blue:live:1']);
  // As if a stop had been killed after it stopped the colour's containers, before its route container.
  world.containers.get(previews[0]!)!.state = 'exited';
  await run(ctx, 'deploy', () => bringUp(ctx));
  assert.equal(world.containers.has(route!.id), false);
  assert.match(output(), /removed shop-blue-bluegreen-route-1, a route container left running without its colour's containers/);
});

test('a colour launched before the route container (its live router on its own containers) is recognised: the next deploy shadows it from a route container and stops it; a rollback brings its release back, held', async () => {
  const { world, ctx, image } = setup();
  const first = await run(ctx, 'up', () => bringUp(ctx));
  // Blue as the previous bluegreen ran release 1: the live router on the app's containers.
  const { renderColourProject } = await import('../../src/plan/colour-project.js');
  await world.compose.up(renderColourProject(first.release, 'blue', { kind: 'live', generation: 1 }, 'traefik_webgateway'), { scale: { service: 'app', count: 1 } });
  assert.equal(world.of({ 'io.bluegreen.colour': 'blue' })[0]?.labels['io.bluegreen.routing'], 'live');
  assert.equal(liveAnswer(world), 'blue');
  image.current = 'shop:2';
  const second = await deployed(ctx);
  assert.deepEqual([second.up.colour, second.switched.generation], ['green', 2]);
  assert.deepEqual(world.summary('shop'), ['blue:stopped:0', 'green:live:1']);
  assert.equal(liveAnswer(world), 'green');
  const back = await run(ctx, 'deploy', () => rollBack(ctx, {}));
  assert.deepEqual([back.colour, back.release.number], ['blue', 1]);
  assert.equal(world.of({ 'io.bluegreen.colour': 'blue' })[0]?.labels['io.bluegreen.routing'], 'held', 'relaunched the way this version launches');
  assert.equal(liveAnswer(world), 'blue');
});
