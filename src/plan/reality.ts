import { COLOURS, type Colour } from './colour.js';
import { LABEL } from './names.js';
import type { AppState } from './state.js';

/** One colour as Docker shows it: its target containers and their labels. */
export interface ColourView {
  colour: Colour;
  containers: { id?: string; name: string; state: string; health: string; labels: Record<string, string>; ips?: Record<string, string> }[];
  running: number;
  /** Containers Traefik can route now. */
  routable: number;
  release?: number;
  routing?: 'preview' | 'live';
  generation?: number;
  /** The colour's route container (one host), which carries its live router: running while the colour is live. */
  route?: ColourView['containers'][number];
}

export type Colours = Record<Colour, ColourView>;

/** What Traefik routes: running, and healthy or without a healthcheck (it drops `starting` and `unhealthy`). */
export const routable = (c: { state: string; health: string }) => c.state === 'running' && (c.health === 'healthy' || c.health === 'none');

/**
 * Reads release, routing and generation from the labels of a colour's
 * containers: those Traefik can route first (after an interrupted switch a
 * colour may hold containers of two generations), then the running ones.
 */
export function summarise(colour: Colour, containers: ColourView['containers'], route?: ColourView['containers'][number]): ColourView {
  const running = containers.filter((c) => c.state === 'running');
  const byGeneration = (list: ColourView['containers']) => [...list].sort((a, b) => Number(b.labels[LABEL.generation] || 0) - Number(a.labels[LABEL.generation] || 0));
  const labelled = byGeneration(containers.filter(routable))[0] ?? running[0] ?? containers[0];
  const release = labelled?.labels[LABEL.release] ? Number(labelled.labels[LABEL.release]) : undefined;
  const view = { colour, containers, running: running.length, routable: containers.filter(routable).length, release };
  // Held (one host since the route container): live while its route container runs; a colour stopped with
  // its route container keeps its generation (live, not routable); one whose route container is gone or
  // stopped while it runs is on its preview route only.
  if (labelled?.labels[LABEL.routing] === 'held') {
    const live = route !== undefined && (route.state === 'running' || running.length === 0);
    return { ...view, routing: live ? 'live' : 'preview', generation: live ? Number(route.labels[LABEL.generation]) || undefined : undefined, ...(route ? { route } : {}) };
  }
  const routing = labelled?.labels[LABEL.routing] as ColourView['routing'];
  const generation = labelled?.labels[LABEL.generation] ? Number(labelled.labels[LABEL.generation]) : undefined;
  return { ...view, routing, generation };
}

/** What carries a colour's live router: its route container, or (launched before it) its containers. */
export const liveCarriers = (view: ColourView): ColourView['containers'] => (view.route ? [view.route] : view.containers);

/**
 * The live colour as reality has it: among colours with a live router and a
 * container Traefik can route, the one of highest generation (it shadows
 * the other). A colour whose live containers are still starting, or
 * unhealthy, carries no traffic yet, whatever its labels say.
 */
export function liveColour(colours: Colours): Colour | undefined {
  const live = COLOURS.map((c) => colours[c]).filter((v) => v.routable > 0 && v.routing === 'live');
  live.sort((a, b) => (b.generation ?? 0) - (a.generation ?? 0));
  return live[0]?.colour;
}

/** The generation the next switch or rollback takes: above every one seen. */
export function nextGeneration(state: AppState, colours: Colours): number {
  const seen = COLOURS.map((c) => colours[c].generation ?? 0);
  return Math.max(state.generation, ...seen) + 1;
}

/** Where the store and reality disagree, in words, for `status` and reconciliation. */
export function drift(state: AppState, colours: Colours): string[] {
  const found: string[] = [];
  const live = liveColour(colours);
  if (state.live && !live) found.push(`the store says ${state.live.colour} (release ${state.live.release}) is live, but no colour runs with a live router`);
  if (state.live && live && state.live.colour !== live) found.push(`the store says ${state.live.colour} is live, but ${live} holds the live router of highest generation`);
  if (state.live && live === state.live.colour && colours[live].release !== state.live.release) {
    found.push(`the store says release ${state.live.release} is live, but ${live} runs release ${colours[live].release}`);
  }
  if (!state.live && live) found.push(`the store has no live colour, but ${live} runs with a live router`);
  if (state.candidate && colours[state.candidate.colour].running === 0) found.push(`the store has a candidate in ${state.candidate.colour}, but it does not run`);
  return found;
}

/**
 * The store rebuilt from reality after an interrupted command: the live
 * colour and release from the live router of highest generation, the
 * candidate from a colour running with its preview route only.
 */
export function reconciledState(state: AppState, colours: Colours, now: string): AppState {
  const live = liveColour(colours);
  const seenReleases = COLOURS.map((c) => colours[c].release ?? 0);
  const next: AppState = {
    ...state,
    generation: Math.max(state.generation, ...COLOURS.map((c) => colours[c].generation ?? 0)),
    lastRelease: Math.max(state.lastRelease, ...seenReleases),
  };
  if (live) {
    const release = colours[live].release!;
    const changed = state.live?.colour !== live || state.live?.release !== release;
    next.live = changed ? { colour: live, release, since: now } : state.live;
    if (changed && state.live && state.live.release !== release) next.previousLive = state.live.release;
  } else {
    // Nothing routable is live (a crash loop, a reboot): keep what rollback needs.
    if (state.live) next.previousLive = state.live.release;
    delete next.live;
  }
  const other = COLOURS.find((c) => c !== live && colours[c].running > 0 && colours[c].routing === 'preview');
  if (other) next.candidate = { colour: other, release: colours[other].release! };
  else delete next.candidate;
  return next;
}
