import { otherColour, type Colour } from '../plan/colour.js';
import type { Provider } from './colour-runtime.js';
import { answerCounts, describeJudgement, judge, type AnswerCounts, type BakeJudgement } from '../plan/bake.js';
import { formatDuration } from '../plan/duration.js';
import { isColourLiveService } from '../plan/names.js';
import { routedTargets } from './companions.js';
import { usageError } from '../errors.js';
import { cancellation } from '../runtime/cancellation.js';
import { displayUrl } from '../runtime/traefik-api.js';
import type { Context } from './context.js';

/** How often the window reads Traefik's counters: a 30% failure shows within a second of enough answers. */
const POLL_MS = 500;

export interface BakeOutcome {
  judgement: BakeJudgement;
  /** When the window ended: its end, or the breach. */
  afterMs: number;
}

/** The colour's answers as Traefik counts them (summed over every Traefik instance): `provider` names its service. */
async function counts(ctx: Context, colour: Colour, provider: Provider): Promise<AnswerCounts | undefined> {
  const [text, targets] = await Promise.all([ctx.traefik.metrics(), routedTargets(ctx, colour, provider)]);
  if (text === undefined || !text.includes('traefik_service_requests_total{')) return undefined;
  return answerCounts(text, isColourLiveService(ctx.app, colour, provider, targets));
}

/** --bake judges Traefik's per-service counters: without Traefik's metrics it cannot, and says so before anything changes (exit 2). */
export async function assertBakeCanJudge(ctx: Context): Promise<void> {
  if (ctx.options.bake.ms === 0) return;
  if ((await ctx.traefik.metrics().catch(() => undefined)) !== undefined) return;
  throw usageError(
    `--bake judges the new colour by Traefik's request metrics, and ${displayUrl(ctx.options.traefikMetrics)} does not answer`,
    'start Traefik with --metrics.prometheus=true and --metrics.prometheus.addServicesLabels=true (bluegreen proxy up does), or point --traefik-metrics at them',
  );
}

/**
 * The bake window: for --bake after a switch, the new colour's answers as
 * Traefik counts them, judged every half second (plan/bake.ts). Ends early
 * at a breach. The old colour keeps running meanwhile, so a switch back is
 * one launch away.
 */
export async function bakeWindow(ctx: Context, colour: Colour, provider: Provider = 'docker'): Promise<BakeOutcome> {
  const { ms, ...limits } = ctx.options.bake;
  const started = Date.now();
  const none = { requests: 0, errors: 0, seconds: 0, timed: 0 };
  // The old colour's answers as Traefik counted them until the switch: the mean the new one is held to.
  const [atSwitch, baseline] = await Promise.all([counts(ctx, colour, provider), limits.maxLatencyRatio > 0 ? counts(ctx, otherColour(colour), provider) : undefined]);
  const judgeNow = (now: AnswerCounts) => judge(atSwitch ?? none, now, limits, baseline?.timed ? baseline : undefined);
  let judgement = judgeNow(atSwitch ?? none);
  if (limits.maxLatencyRatio > 0 && !baseline?.timed)
    ctx.out.warn(`the old colour ${otherColour(colour)} has no answers in Traefik's metrics to compare with: the bake window judges the 5xx share only`);
  const latency = limits.maxLatencyRatio > 0 && baseline?.timed ? `, mean answer at most x${limits.maxLatencyRatio} of ${otherColour(colour)}'s` : '';
  return ctx.out.step(
    `bake ${formatDuration(ms)}: ${colour}'s 5xx share at most ${(limits.maxErrorRate * 100).toFixed(1)}%${latency}`,
    async () => {
      let readings = 0;
      while (Date.now() - started < ms) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, ms - (Date.now() - started))));
        cancellation.checkpoint();
        const now = await counts(ctx, colour, provider).catch(() => undefined);
        if (!now) continue;
        readings++;
        judgement = judgeNow(now);
        if (judgement.verdict === 'breach') break;
      }
      const mean =
        judgement.meanMs === undefined
          ? ''
          : `, mean answer ${judgement.meanMs.toFixed(1)} ms${judgement.baselineMs === undefined ? '' : ` (${otherColour(colour)}: ${judgement.baselineMs.toFixed(1)} ms)`}`;
      // Not one reading (a Traefik instance's metrics down all along) is not "too few answers": it is said as it is.
      if (readings === 0) ctx.out.warn(`Traefik's metrics did not answer once during the bake window: ${colour} was not judged`);
      else if (judgement.verdict !== 'breach')
        ctx.out.info(`  bake window over: ${describeJudgement(judgement)}${mean}${judgement.verdict === 'too-few' ? `, fewer than ${limits.minRequests}: not judged` : ''}`);
      return { judgement, afterMs: Date.now() - started };
    },
    { colour },
    'bake',
  );
}
