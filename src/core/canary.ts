import { BgError, ExitCode, needsPersonError, usageError } from '../errors.js';
import { answerCounts, describeJudgement, describeLimit, judge, type AnswerCounts, type BakeJudgement } from '../plan/bake.js';
import {
  CANARY_LABEL,
  CANARY_PRIORITY,
  CANARY_ROLE,
  canaryRouter,
  canaryRouterLabels,
  canaryServerLabels,
  canaryService,
  canaryWeights,
  candidateEstimate,
  formatShare,
  shareOf,
  since,
} from '../plan/canary.js';
import type { Colour } from '../plan/colour.js';
import { formatDuration } from '../plan/duration.js';
import { liveRoutersOf } from '../plan/maintenance.js';
import { colourHeaderMiddleware, LABEL, liveRouter, serviceName } from '../plan/names.js';
import { liveCarriers, type ColourView } from '../plan/reality.js';
import { ROUTE_PROGRAM } from '../plan/route-holder.js';
import type { Release } from '../plan/release.js';
import { cancellation } from '../runtime/cancellation.js';
import type { ContainerView } from '../runtime/docker.js';
import { Deadline } from '../waiting/retry.js';
import { waitRouted, waitRoutersGone, waitServiceServers } from '../waiting/traefik.js';
import type { Context } from './context.js';
import { loadRelease } from './load-release.js';
import { otherColour } from '../plan/colour.js';
import { liveColour } from '../plan/reality.js';
import { appPreviewKey } from './preview-key.js';
import { drainServices } from './drain.js';

/** Each step is judged this long when --bake does not say. */
export const DEFAULT_STEP_MS = 30_000;
const POLL_MS = 500;

export interface CanaryStep {
  share: number;
  /** The share the weights give (the requested one, to a tenth of a point). */
  weighted: number;
  judgement?: BakeJudgement;
}

/** What a step needs to know of the two colours. */
export interface CanaryColours {
  live: ColourView;
  candidate: ColourView;
  /** The candidate's release. */
  release: Release;
  /** The port the live colour's containers answer on: its own release's, which the candidate's may have changed. */
  livePort: number;
}

/** The live colour's port, from its frozen release. */
export async function livePortOf(ctx: Context, live: ColourView): Promise<number> {
  if (live.release === undefined) throw usageError(`the live colour ${live.colour} has no release bluegreen knows`, 'see `bluegreen status`');
  return (await loadRelease(ctx, live.release)).routing.port;
}

/**
 * Refusals before anything changes (exit 2): one host only, and Traefik's
 * metrics, which judge each step.
 */
export async function assertCanaryCan(ctx: Context): Promise<void> {
  if ((await ctx.runtime()).provider !== 'docker') throw usageError('--canary runs on one host: swarm mode has no canary yet', 'deploy without --canary');
  if ((await ctx.traefik.metrics().catch(() => undefined)) === undefined) {
    throw usageError(
      "--canary judges each step by Traefik's request metrics, which do not answer",
      'start Traefik with --metrics.prometheus=true and --metrics.prometheus.addServicesLabels=true, or point --traefik-metrics at them',
    );
  }
}

/**
 * The steps, one after the other, each judged for the bake window's length
 * (the candidate's 5xx share, and its mean answer against the live
 * colour's); at a breach, the canary is taken out (live traffic back on the
 * live colour, one reload) and the error says why (exit 1). After the last
 * step the canary stays in: the switch that follows takes it out.
 */
export function runCanary(ctx: Context, colours: CanaryColours, shares: number[]): Promise<CanaryStep[]> {
  return runCanarySteps(ctx, colours, shares, 1);
}

/** The steps, numbered from `firstStep` (a step's service and router priority grow with it, so the next one shadows the last). */
async function runCanarySteps(ctx: Context, colours: CanaryColours, shares: number[], firstStep: number): Promise<CanaryStep[]> {
  // A routed companion's traffic cannot be split with the first target's.
  if (Object.keys(colours.release.companionRouting ?? {}).length) throw usageError('a canary splits one routed target: this release has routed companions', 'deploy without --canary');
  const done: CanaryStep[] = [];
  try {
    for (const [index, share] of shares.entries()) {
      const step = firstStep + index;
      const { weighted, servers } = await startStep(ctx, colours, step, share);
      const judgement = await judgeStep(ctx, colours, step, share, servers);
      done.push({ share, weighted, judgement });
      if (judgement?.verdict === 'breach') {
        const limits = ctx.options.bake;
        throw new BgError(
          `canary at ${formatShare(share)}: the candidate's ${describeJudgement(judgement)}, above ${describeLimit(judgement, limits)}; live traffic is all on ${colours.live.colour} again`,
          ExitCode.failedReverted,
          "see the candidate's logs before deploying it again",
        );
      }
    }
    return done;
  } catch (error) {
    await removeCanary(ctx).catch((removal: Error) => {
      throw needsPersonError(
        `${(error as Error).message}; taking the canary out failed too: ${removal.message}`,
        'run any bluegreen command (it takes a canary step out first), then see `bluegreen status`',
      );
    });
    throw error;
  }
}

/** Starts a step's servers (one per app container of either colour, weighted), then its router; the previous step's go after. Returns the share the weights give. */
async function startStep(ctx: Context, { live, candidate, release, livePort }: CanaryColours, step: number, share: number): Promise<{ weighted: number; servers: string[] }> {
  const app = ctx.app;
  const port = release.routing.port;
  const liveApps = routable(live, release.target);
  const candidateApps = routable(candidate, release.target);
  if (!liveApps.length || !candidateApps.length)
    throw new BgError(
      `canary: ${live.colour} runs ${liveApps.length} and ${candidate.colour} ${candidateApps.length} healthy containers`,
      ExitCode.failedReverted,
      'both colours must run to share the traffic',
    );
  const weights = canaryWeights(share, liveApps.length, candidateApps.length);
  const weighted = shareOf(weights, liveApps.length, candidateApps.length);
  const [liveRoute] = liveRoutersOf(liveCarriers(live).map((c) => c.labels)).filter((r) => r.name === liveRouter(app, live.colour));
  if (!liveRoute) throw usageError(`the live colour ${live.colour} carries no live router bluegreen can copy`, 'see `bluegreen status`');
  const previewKey = await appPreviewKey(ctx);
  const image = await ctx.docker.ensureRouteImage();
  const earlier = await canaryContainers(ctx);
  const deadline = Deadline.after(ctx.options.timeoutMs);
  await ctx.out.step(
    `canary ${formatShare(share)}: ${candidate.colour} ${candidateApps.length} × weight ${weights.candidate}, ${live.colour} ${liveApps.length} × weight ${weights.live}`,
    async () => {
      const servers = [
        ...liveApps.map((c) => ({ c, weight: weights.live, colour: live.colour, port: livePort })),
        ...candidateApps.map((c) => ({ c, weight: weights.candidate, colour: candidate.colour, port })),
      ];
      await Promise.all(
        servers.map(({ c, weight, colour, port: serverPort }) =>
          ctx.docker.runContainer({ name: `${c.name}-canary-${step}`, image, entrypoint: [ROUTE_PROGRAM], labels: canaryServerLabels(app, step, serverPort, weight, colour), networkOf: c.id }),
        ),
      );
      const urls = servers.map(({ c, port: serverPort }) => `http://${c.ips?.[ctx.options.network]}:${serverPort}`);
      await waitServiceServers(ctx.traefik, {
        service: canaryService(app, step),
        servers: urls,
        deadline,
        hint: 'live traffic was not moved; check that Traefik reads containers that share a network namespace',
      });
      const labels = canaryRouterLabels({ app, network: ctx.options.network, step, share, live: liveRoute, previewKey, colourHeaderMiddleware: colourHeaderMiddleware(app, live.colour) });
      await ctx.docker.runContainer({ name: `${app}-canary-route-${step}`, image, entrypoint: [ROUTE_PROGRAM], labels, network: ctx.options.network });
      await waitRouted(ctx.traefik, { router: canaryRouter(app, step), priority: CANARY_PRIORITY + step, service: canaryService(app, step), servers: urls, deadline });
      // The earlier step's router is shadowed now: it goes, then its servers.
      await removeContainers(ctx, earlier);
    },
    { colour: candidate.colour, release: release.number },
    'canary',
  );
  return { weighted, servers: [...liveApps, ...candidateApps].map((c) => c.id).filter((id): id is string => Boolean(id)) };
}

/** Judges a step for the bake window's length (30 s when it is 0): the candidate's part of the step's service, against the live colour's answers before. */
async function judgeStep(ctx: Context, { live, candidate }: CanaryColours, step: number, share: number, servers: string[]): Promise<BakeJudgement> {
  const { ms: bakeMs, ...limits } = ctx.options.bake;
  const ms = bakeMs || DEFAULT_STEP_MS;
  const service = `${canaryService(ctx.app, step)}@docker`;
  const read = async (name: string) => {
    const text = await ctx.traefik.metrics();
    return text === undefined ? undefined : answerCounts(text, name);
  };
  const [atStart, liveBefore] = await Promise.all([read(service), read(`${serviceName(ctx.app, live.colour)}@docker`)]);
  const zero: AnswerCounts = { requests: 0, errors: 0, seconds: 0, timed: 0 };
  const before = liveBefore ?? zero;
  const liveRates = { errorRate: before.requests ? before.errors / before.requests : 0, meanSeconds: before.timed ? before.seconds / before.timed : undefined };
  const estimate = (now: AnswerCounts) => candidateEstimate(since(atStart ?? zero, now), share, liveRates);
  let judgement = judge(zero, zero, limits);
  return ctx.out.step(
    `canary ${formatShare(share)} judged ${formatDuration(ms)}: ${candidate.colour}'s 5xx share at most ${(limits.maxErrorRate * 100).toFixed(1)}%`,
    async () => {
      const started = Date.now();
      while (Date.now() - started < ms) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, ms - (Date.now() - started))));
        cancellation.checkpoint();
        // Traefik judges the health of the server's holder (it has none), not of the app container it stands for: asked here.
        await assertServersHealthy(ctx, servers, share);
        const now = await read(service).catch(() => undefined);
        if (!now) continue;
        judgement = judge(zero, estimate(now), limits, before.timed ? before : undefined);
        if (judgement.verdict === 'breach') break;
      }
      if (judgement.verdict !== 'breach')
        ctx.out.info(
          `  canary ${formatShare(share)}: ${describeJudgement(judgement)} of ${candidate.colour} (estimated from the step's service)${judgement.verdict === 'too-few' ? `, fewer than ${limits.minRequests}: not judged` : ''}`,
        );
      return judgement;
    },
    { colour: candidate.colour },
    'canary-judge',
  );
}

/** A step's app containers, each still running and not unhealthy; else the step ends (exit 1, the canary taken out). */
async function assertServersHealthy(ctx: Context, servers: string[], share: number): Promise<void> {
  const now = new Map((await ctx.docker.containers({ [LABEL.app]: ctx.app })).map((c) => [c.id, c]));
  const views = servers.map((id) => now.get(id));
  const sick = views.find((c) => c !== undefined && (c.state !== 'running' || c.health === 'unhealthy'));
  if (!sick && views.every((c) => c !== undefined)) return;
  const name = sick?.name ?? 'an app container';
  throw new BgError(
    `canary at ${formatShare(share)}: ${name} of the step is ${sick ? (sick.state !== 'running' ? sick.state : 'unhealthy') : 'gone'}; the canary is taken out`,
    ExitCode.failedReverted,
    "see `bluegreen status` and the container's logs",
  );
}

/** The app's canary containers (routers and servers), running or not. */
export async function canaryContainers(ctx: Context): Promise<ContainerView[]> {
  const all = await ctx.docker.containers({ [LABEL.app]: ctx.app });
  return all.filter((c) => c.labels[LABEL.role] === CANARY_ROLE.router || c.labels[LABEL.role] === CANARY_ROLE.server);
}

/** Takes the canary out: its routers first (live traffic back on the live router), once Traefik shows them gone, its servers. */
export async function removeCanary(ctx: Context): Promise<boolean> {
  const present = await canaryContainers(ctx);
  if (!present.length) return false;
  await removeContainers(ctx, present);
  return true;
}

async function removeContainers(ctx: Context, containers: ContainerView[]): Promise<void> {
  const routers = containers.filter((c) => c.labels[LABEL.role] === CANARY_ROLE.router);
  await Promise.all(routers.map((c) => ctx.docker.stopAndRemove(c.id, 0)));
  if (routers.length) {
    const steps = routers.map((c) => Number(c.labels[CANARY_LABEL.step]));
    await waitRoutersGone(ctx.traefik, {
      routers: steps.map((step) => canaryRouter(ctx.app, step)),
      deadline: Deadline.after(15_000),
      hint: 'check Traefik; the next bluegreen command removes what is left',
    });
  }
  // Traefik's API shows a router gone a moment before its routers stop using it (more under load): the
  // steps' services are let go quiet (the drain's bound) before their servers, and the candidate after them, go.
  const services = new Set(routers.map((c) => `${canaryService(ctx.app, Number(c.labels[CANARY_LABEL.step]))}@docker`));
  if (services.size) await drainServices(ctx, (name) => services.has(name)).catch(() => undefined);
  await Promise.all(containers.filter((c) => c.labels[LABEL.role] === CANARY_ROLE.server).map((c) => ctx.docker.stopAndRemove(c.id, 0)));
}

/** The colour's containers of the release's first target that Traefik routes (running, healthy where checked). */
const routable = (view: ColourView, target: string) =>
  view.containers.filter((c) => c.state === 'running' && (c.health === 'healthy' || c.health === 'none') && c.labels['com.docker.compose.service'] === target);

/** `bluegreen canary <share>`: one step on the candidate `up` started, judged, and left in (a new share replaces the step). */
export async function canaryOnCandidate(ctx: Context, share: number): Promise<CanaryStep & { live: Colour; candidate: Colour; release: number; judged: string }> {
  await assertCanaryCan(ctx);
  ctx.keepCanary = true;
  const runtime = await ctx.runtime();
  const { colours } = await runtime.observe(ctx);
  const live = liveColour(colours);
  const candidate = live ? colours[otherColour(live)] : undefined;
  if (!live || !candidate || candidate.running === 0 || candidate.routing !== 'preview' || candidate.release === undefined) {
    throw usageError('no candidate beside a live colour to send a share to', 'start one with `bluegreen up`, then `bluegreen canary 10%`');
  }
  const release = await loadRelease(ctx, candidate.release);
  const present = await canaryContainers(ctx);
  const step = Math.max(0, ...present.map((c) => Number(c.labels[CANARY_LABEL.step]) || 0)) + 1;
  const [done] = await runCanarySteps(ctx, { live: colours[live], candidate, release, livePort: await livePortOf(ctx, colours[live]) }, [share], step);
  return {
    ...done!,
    live,
    candidate: candidate.colour,
    release: release.number,
    judged:
      done?.judgement && done.judgement.verdict !== 'too-few'
        ? describeJudgement(done.judgement)
        : `not judged (${done?.judgement?.requests ?? 0} of its answers, fewer than ${ctx.options.bake.minRequests})`,
  };
}
