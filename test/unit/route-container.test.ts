// The route container (one host): its program, its labels, the project that
// runs it, and how reality reads a colour whose live router it carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourLabels, routeLabels } from '../../src/plan/labels.js';
import { renderColourProject, ROUTE_SERVICE } from '../../src/plan/colour-project.js';
import { ROUTE_IMAGE, ROUTE_PROGRAM, routeProgram } from '../../src/plan/route-holder.js';
import { liveCarriers, liveColour, summarise } from '../../src/plan/reality.js';
import { sampleRelease } from './release-fixture.js';

test('the program is a static ELF64 executable for x86_64 and aarch64 (amd64, arm64 too), one loadable segment, entry right after the headers; none for another machine', () => {
  for (const [arch, machine] of [
    ['x86_64', 0x3e],
    ['amd64', 0x3e],
    ['aarch64', 0xb7],
    ['arm64', 0xb7],
  ] as const) {
    const elf = routeProgram(arch)!;
    assert.deepEqual([...elf.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], arch);
    assert.equal(elf[4], 2, '64-bit');
    assert.equal(elf.readUInt16LE(16), 2, 'an executable');
    assert.equal(elf.readUInt16LE(18), machine);
    assert.equal(elf.readBigUInt64LE(24), 0x400000n + 120n, 'entry');
    assert.equal(elf.readUInt16LE(56), 1, 'one program header');
    assert.equal(elf.readBigUInt64LE(64 + 32), BigInt(elf.length), 'the segment is the whole file');
    assert.ok(elf.length < 200, `${elf.length} bytes`);
  }
  assert.equal(routeProgram('riscv64'), undefined);
});

const release = sampleRelease();
const live = { kind: 'live', generation: 4, exclude: [{ name: 'admin@docker', rule: 'PathPrefix(`/admin`)' }], previewKey: 'k3y' } as const;

test("held: the target's labels do not depend on the mode; they serve the live service and carry the preview router only", () => {
  const preview = colourLabels(release, 'green', { kind: 'preview', exclude: live.exclude, previewKey: 'k3y' }, 'traefik_webgateway', true);
  const asLive = colourLabels(release, 'green', live, 'traefik_webgateway', true);
  assert.deepEqual(asLive, preview);
  assert.equal(preview['traefik.http.services.shop-green.loadbalancer.server.port'], '8080');
  assert.equal(preview['traefik.http.routers.shop-green-live.rule'], undefined);
  assert.equal(preview['io.bluegreen.routing'], 'held');
  assert.equal(preview['io.bluegreen.generation'], '');
});

test("the route container's labels: the live router at the generation's priority naming the colour's service and middlewares, its own unrouted service, no colour label", () => {
  const labels = routeLabels(release, 'green', live, 'traefik_webgateway');
  assert.equal(labels['traefik.http.routers.shop-green-live.service'], 'shop-green');
  assert.equal(labels['traefik.http.routers.shop-green-live.priority'], '100160');
  assert.equal(labels['traefik.http.routers.shop-green-live.rule'], '(Host(`shop.localhost`)) && !(PathPrefix(`/admin`))');
  assert.equal(labels['traefik.http.routers.shop-green-live.middlewares'], 'shop-green-retry@docker,shop-green-header@docker');
  assert.equal(labels['traefik.http.services.shop-green-route.loadbalancer.server.port'], '9');
  assert.equal(labels['io.bluegreen.colour'], undefined, 'not one of the colour’s containers');
  assert.deepEqual([labels['io.bluegreen.route-of'], labels['io.bluegreen.routing'], labels['io.bluegreen.generation']], ['green', 'live', '4']);
  // The same live router as a colour launched before the route container carried itself.
  const before = colourLabels(release, 'green', live, 'traefik_webgateway');
  for (const key of Object.keys(before).filter((k) => k.startsWith('traefik.http.routers.shop-green-live.'))) assert.equal(labels[key], before[key], key);
});

test("the colour's project: the route service in live mode only, from the image made on the engine, never pulled, killed at once, restarting as the target does", () => {
  const withRestart = sampleRelease({ service: { ...release.service, restart: 'unless-stopped' } });
  const preview = renderColourProject(withRestart, 'blue', { kind: 'preview' }, 'traefik_webgateway', true);
  assert.equal(preview.services[ROUTE_SERVICE], undefined);
  const project = renderColourProject(withRestart, 'blue', live, 'traefik_webgateway', true);
  const route = project.services[ROUTE_SERVICE]!;
  assert.deepEqual(
    [route.image, route.entrypoint, route.pull_policy, route.stop_signal, route.stop_grace_period, route.restart],
    [ROUTE_IMAGE, [ROUTE_PROGRAM], 'never', 'SIGKILL', '0s', 'unless-stopped'],
  );
  assert.deepEqual(Object.keys(route.networks as object), ['bluegreen_gateway']);
  assert.equal(project.services.app!.labels!['io.bluegreen.routing'], 'held');
});

const container = (state: string, labels: Record<string, string>) => ({ name: 'c', state, health: 'healthy', labels });
const held = { 'io.bluegreen.routing': 'held', 'io.bluegreen.release': '3' };
const route = (state: string, generation: number) => container(state, { 'io.bluegreen.route-of': 'green', 'io.bluegreen.routing': 'live', 'io.bluegreen.generation': String(generation) });

test('reality: a held colour is live while its route container runs, at its generation; preview without one; a colour stopped with it keeps its generation; one running without it is preview', () => {
  assert.deepEqual(pick(summarise('green', [container('running', held)], route('running', 5))), ['live', 5, 1]);
  assert.deepEqual(pick(summarise('green', [container('running', held)])), ['preview', undefined, 1]);
  assert.deepEqual(pick(summarise('green', [container('exited', held)], route('exited', 5))), ['live', 5, 0]);
  assert.deepEqual(pick(summarise('green', [container('running', held)], route('exited', 5))), ['preview', undefined, 1]);
  const green = summarise('green', [container('running', held)], route('running', 5));
  const blue = summarise('blue', [container('running', { 'io.bluegreen.routing': 'live', 'io.bluegreen.generation': '4', 'io.bluegreen.release': '2' })]);
  assert.equal(liveColour({ blue, green }), 'green', 'above a colour launched before, of a lower generation');
  assert.deepEqual(liveCarriers(green), [green.route]);
  assert.deepEqual(liveCarriers(blue), blue.containers);
});

const pick = (view: ReturnType<typeof summarise>) => [view.routing, view.generation, view.routable];
