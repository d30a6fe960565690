import type { Colour } from '../plan/colour.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import type { RoutingMode } from '../plan/labels.js';
import type { ColourView } from '../plan/reality.js';
import type { Release } from '../plan/release.js';
import type { ScaleSpec } from '../plan/scale.js';
import type { HistorySubject } from '../plan/state.js';
import type { Context } from './context.js';
import type { Observed } from './reconcile.js';

export type { Provider } from '../plan/names.js';
import type { Provider } from '../plan/names.js';

/** How to undo a launch that failed, and what a person should do if that fails too. */
export interface Undo {
  what: string;
  run: () => Promise<void>;
  hint: string;
}

/** A release to run in a colour, with that routing, that many times. */
export interface Launch {
  release: Release;
  colour: Colour;
  mode: RoutingMode;
  count: number;
}

/** What a launch replaced that ran before it (a swarm switch changes labels only: none). */
export interface Launched {
  replaced?: number;
}

export interface ScaleResult {
  colour: Colour;
  from: number;
  to: number;
  /** A scale-down that moves live traffic to the other colour: the colour it came from. */
  movedFrom?: Colour;
  /** Another target than the first (`scale api +2`). */
  target?: string;
  about: HistorySubject;
}

/** A plain compose container of the app, as it ran before bluegreen (core/takeover.ts). */
export interface PlainInstance {
  name: string;
  state: string;
}

/**
 * What runs a colour: compose projects on one host (src/compose/runtime.ts)
 * or stacks on a swarm (src/swarm/runtime.ts). The commands (src/commands/)
 * are written once over this port and decide what happens; an adapter says
 * how its engine does it. Chosen in one place: core/select-runtime.ts.
 */
export interface ColourRuntime {
  /** Traefik's provider of bluegreen's routers. */
  readonly provider: Provider;
  /** What one running copy of a target is called in messages. */
  readonly unit: 'container' | 'task';
  /** Why `--flow` cannot run here, if it cannot. */
  readonly flowRefusal?: string;

  /** The checks every changing command makes first (exit 4, exit 2), then both colours and the store as they are. */
  observe(ctx: Context): Promise<Observed>;
  /** How many copies of the target a first release starts when none runs. */
  firstCount(config: ComposeConfig, target: string): number;

  /** The app's target as plain compose runs it today: what the switch takes over. */
  plainToTakeOver(ctx: Context, target: string): Promise<PlainInstance[]>;
  /** A frozen release as this runtime runs it (swarm: every image pinned by name and digest), or a refusal before anything changes. */
  asRun(ctx: Context, frozen: Release, images: { target: string; companions: Record<string, string> }): Promise<Release>;
  /** Warnings about what an older launch left where the side targets run. */
  warnBeforeUp(ctx: Context): Promise<void>;
  /** The side targets as written (asked early, started when `start` is called). */
  sideTargets(ctx: Context, config: ComposeConfig): { start(release: Release): Promise<void> };
  /** Runs a release in a colour and verifies it (health, Traefik, end to end); on failure `undo`, exit 1 (exit 5 when the undo fails). */
  launchVerified(ctx: Context, launch: Launch, undo: Undo): Promise<Launched>;
  /** Removes a colour that carries no live traffic. */
  removeColour(ctx: Context, colour: Colour): Promise<void>;
  /** The command a person runs to remove a colour by hand. */
  removeCommand(app: string, colour: Colour): string;

  /** Before a switch: a worker of the candidate that stopped being healthy since up refuses it (exit 1). */
  assertCandidateIntact(ctx: Context, release: Release, colour: Colour): Promise<void>;
  /** The candidate (running its preview route) takes the live router one generation up; on failure back to preview (exit 1). */
  goLive(ctx: Context, candidate: { release: Release; colour: Colour; generation: number; view: ColourView }): Promise<Launched>;
  /** A release that cannot run here refused before anything changes (exit 2). */
  assertRunnable(release: Release): void;
  /**
   * A frozen release in the colour that is not live, whatever it runs now,
   * with its live router one generation up (rollback, a scale-down that
   * moves); on failure that colour stops carrying it (exit 1).
   */
  promote(ctx: Context, promotion: { release: Release; colour: Colour; generation: number; count: number; live?: Colour; view: ColourView; scaled?: Record<string, number> }): Promise<Launched>;

  /** Workers of a colour whose routed target does not run: stopped (true when there were any). */
  stopStrayWorkers(ctx: Context, colour: Colour): Promise<boolean>;
  /** A running colour out of Traefik before it stops (a team router it still answers goes to its own service), where the runtime can. */
  withdraw?(ctx: Context, release: Release, colour: Colour): Promise<void>;
  /** Stops a colour that carries no live traffic, kept for rollback. */
  stopColour(ctx: Context, colour: Colour, view: ColourView): Promise<void>;
  /** The app as plain compose ran it before the first deploy, drained and stopped once the live router wins: their names. */
  takeOverPlain(ctx: Context, live: ColourView): Promise<string[]>;

  /**
   * `scale <target> N` of a target other than the first; undefined when
   * `target` is the first. A scale-down this runtime cannot make in place
   * calls `move` (commands/scale.ts).
   */
  scaleTarget(
    ctx: Context,
    spec: ScaleSpec,
    target: string,
    observed: Observed,
    move: (scale: { live: Colour; from: number; to: number; release: Release; target: string }) => Promise<ScaleResult>,
  ): Promise<ScaleResult | undefined>;
  /** Whether fewer copies of the first target means moving the release to the other colour (true) or stopping some in place. */
  readonly scaleDownMoves: boolean;
  /** The live colour's first target scaled in place to `to`, verified in Traefik. */
  scaleInPlace(ctx: Context, scale: { live: Colour; view: ColourView; release: Release; to: number; subject: HistorySubject }): Promise<ScaleResult>;

  /** `status`: a line per colour and its event. */
  status(ctx: Context): Promise<{ line: string; event: Record<string, unknown> }>;
  /** Removes a project (a colour, the side targets) for `down`. */
  removeProject(ctx: Context, project: string): Promise<void>;
  /** Whether `down` also removes the app's own services from its plain compose project (taken over, side targets). */
  readonly ownsPlainProject: boolean;
}
