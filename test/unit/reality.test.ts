import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Colour } from '../../src/plan/colour.js';
import { drift, liveColour, nextGeneration, summarise, type Colours, type ColourView } from '../../src/plan/reality.js';
import { emptyState, type AppState } from '../../src/plan/state.js';
import { neverRouted } from '../../src/plan/routable.js';

type Container = ColourView['containers'][number];

const container = (name: string, state: string, labels: Record<string, string>): Container => ({ name, state, health: state === 'running' ? 'healthy' : '', labels });
const labels = (release: number, routing: 'preview' | 'live', generation = '') => ({
  'io.bluegreen.release': String(release),
  'io.bluegreen.routing': routing,
  'io.bluegreen.generation': generation,
});

/** A colour as summarise would show it: `running` containers up, at a release, routing and generation. */
function view(colour: Colour, running: number, release?: number, routing?: 'preview' | 'live', generation?: number): ColourView {
  return { colour, containers: [], running, routable: running, release, routing, generation };
}
const colours = (blue: ColourView, green: ColourView): Colours => ({ blue, green });
const none = (colour: Colour) => view(colour, 0);

test('summarise reads release, routing and generation from a running container', () => {
  const containers = [
    container('shop-blue-app-1', 'exited', labels(2, 'preview')),
    container('shop-blue-app-2', 'running', labels(3, 'live', '5')),
    container('shop-blue-app-3', 'running', labels(3, 'live', '5')),
  ];
  assert.deepEqual(summarise('blue', containers), { colour: 'blue', containers, running: 2, routable: 2, release: 3, routing: 'live', generation: 5 });
});

test('summarise of a preview colour has no generation', () => {
  const containers = [container('shop-green-app-1', 'running', labels(4, 'preview'))];
  assert.deepEqual(summarise('green', containers), { colour: 'green', containers, running: 1, routable: 1, release: 4, routing: 'preview', generation: undefined });
});

test('summarise of stopped containers reads their labels, with nothing running', () => {
  const containers = [container('shop-blue-app-1', 'exited', labels(2, 'live', '1'))];
  assert.deepEqual(summarise('blue', containers), { colour: 'blue', containers, running: 0, routable: 0, release: 2, routing: 'live', generation: 1 });
});

test('summarise of no containers knows nothing', () => {
  assert.deepEqual(summarise('blue', []), { colour: 'blue', containers: [], running: 0, routable: 0, release: undefined, routing: undefined, generation: undefined });
});

test('after an interrupted switch, the generation Traefik routes wins over a newer one still starting', () => {
  const starting = { ...container('shop-green-app-1', 'running', labels(2, 'live', '6')), health: 'starting' };
  const routed = container('shop-green-app-2', 'running', labels(2, 'live', '5'));
  const view = summarise('green', [starting, routed]);
  assert.deepEqual([view.running, view.routable, view.generation], [2, 1, 5]);
});

test('a colour whose live containers are starting or unhealthy is not live: Traefik does not route them', () => {
  const blue = summarise('blue', [container('shop-blue-app-1', 'running', labels(1, 'live', '1'))]);
  for (const health of ['starting', 'unhealthy']) {
    const green = summarise('green', [{ ...container('shop-green-app-1', 'running', labels(2, 'live', '2')), health }]);
    assert.equal(liveColour(colours(blue, green)), 'blue', health);
  }
  const green = summarise('green', [{ ...container('shop-green-app-1', 'running', labels(2, 'live', '2')), health: 'none' }]);
  assert.equal(liveColour(colours(blue, green)), 'green', 'no healthcheck: routed as soon as it runs');
});

test('summarise reads generation 0', () => {
  assert.equal(summarise('blue', [container('a', 'running', labels(1, 'live', '0'))]).generation, 0);
});

test('liveColour: among running colours with a live router, the highest generation', () => {
  const cases: [string, Colours, Colour | undefined][] = [
    ['nothing runs', colours(none('blue'), none('green')), undefined],
    ['only previews', colours(view('blue', 1, 1, 'preview'), view('green', 1, 2, 'preview')), undefined],
    ['blue live', colours(view('blue', 2, 1, 'live', 1), view('green', 1, 2, 'preview')), 'blue'],
    ['green live', colours(view('blue', 1, 3, 'preview'), view('green', 1, 2, 'live', 4)), 'green'],
    ['both live, green newer', colours(view('blue', 1, 1, 'live', 3), view('green', 1, 2, 'live', 4)), 'green'],
    ['both live, blue newer', colours(view('blue', 1, 3, 'live', 9), view('green', 1, 2, 'live', 8)), 'blue'],
    ['the newer one stopped', colours(view('blue', 1, 1, 'live', 3), view('green', 0, 2, 'live', 4)), 'blue'],
    ['both stopped', colours(view('blue', 0, 1, 'live', 3), view('green', 0, 2, 'live', 4)), undefined],
  ];
  for (const [name, input, expected] of cases) assert.equal(liveColour(input), expected, name);
});

test('nextGeneration is above the stored one and every one seen', () => {
  const state = (generation: number): AppState => ({ ...emptyState('shop'), generation });
  const cases: [string, AppState, Colours, number][] = [
    ['first switch', emptyState('shop'), colours(none('blue'), none('green')), 1],
    ['the store is ahead', state(5), colours(view('blue', 1, 1, 'live', 3), none('green')), 6],
    ['reality is ahead', state(2), colours(view('blue', 1, 1, 'live', 3), view('green', 1, 2, 'live', 7)), 8],
    ['a stopped colour counts too', state(2), colours(view('blue', 0, 1, 'live', 9), none('green')), 10],
  ];
  for (const [name, appState, input, expected] of cases) assert.equal(nextGeneration(appState, input), expected, name);
});

test('drift: none when the store and reality agree', () => {
  const state: AppState = { ...emptyState('shop'), live: { colour: 'blue', release: 3, since: 't' }, candidate: { colour: 'green', release: 4 }, generation: 2, lastRelease: 4 };
  assert.deepEqual(drift(state, colours(view('blue', 2, 3, 'live', 2), view('green', 1, 4, 'preview'))), []);
  assert.deepEqual(drift(emptyState('shop'), colours(none('blue'), none('green'))), []);
  assert.deepEqual(drift(emptyState('shop'), colours(view('blue', 1, 1, 'preview'), none('green'))), []);
});

test('drift: every disagreement in words', () => {
  const live = (colour: Colour, release: number): AppState => ({ ...emptyState('shop'), live: { colour, release, since: 't' }, generation: 3, lastRelease: release });
  const cases: [string, AppState, Colours, string[]][] = [
    ['the live colour stopped', live('blue', 3), colours(view('blue', 0, 3, 'live', 3), none('green')), ['the store says blue (release 3) is live, but no colour runs with a live router']],
    [
      'the other colour holds the live router',
      live('blue', 3),
      colours(view('blue', 1, 3, 'live', 3), view('green', 1, 4, 'live', 4)),
      ['the store says blue is live, but green holds the live router of highest generation'],
    ],
    ['another release in the live colour', live('blue', 3), colours(view('blue', 1, 5, 'live', 3), none('green')), ['the store says release 3 is live, but blue runs release 5']],
    [
      'nothing live in the store, something live in reality',
      emptyState('shop'),
      colours(none('blue'), view('green', 1, 1, 'live', 1)),
      ['the store has no live colour, but green runs with a live router'],
    ],
    [
      'the candidate does not run',
      { ...live('blue', 3), candidate: { colour: 'green', release: 4 } },
      colours(view('blue', 1, 3, 'live', 3), view('green', 0, 4, 'preview')),
      ['the store has a candidate in green, but it does not run'],
    ],
    [
      'several at once',
      { ...emptyState('shop'), candidate: { colour: 'blue', release: 2 } },
      colours(none('blue'), view('green', 1, 1, 'live', 1)),
      ['the store has no live colour, but green runs with a live router', 'the store has a candidate in blue, but it does not run'],
    ],
  ];
  for (const [name, state, input, expected] of cases) assert.deepEqual(drift(state, input), expected, name);
});

test('neverRouted: running containers whose healthcheck has not passed yet; not unhealthy ones (routed until their last check), nor stopped or unchecked ones', () => {
  const c = (name: string, state: string, health: 'healthy' | 'starting' | 'unhealthy' | 'none') => ({ name, state, health });
  const containers = [c('a', 'running', 'starting'), c('b', 'running', 'healthy'), c('c', 'running', 'unhealthy'), c('d', 'running', 'none'), c('e', 'exited', 'starting')];
  assert.deepEqual(
    neverRouted(containers).map((x) => x.name),
    ['a'],
  );
});
