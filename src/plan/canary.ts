import { usageError } from '../errors.js';
import type { AnswerCounts } from './bake.js';
import { LABEL, PREVIEW_KEY_HEADER } from './names.js';

/**
 * Canary steps (`deploy --canary 10%,50%`, `canary 10%`): a share of the
 * live route's requests goes to the candidate before all of them do.
 *
 * Label-driven, with Traefik's per-server weights. A step's service,
 * `<app>-canary-<n>`, is made of one tiny container per app container of
 * either colour, each started in that app container's network namespace
 * (`--network container:<id>`): Traefik takes the app container's address
 * for it, and the weight from its label. So the live colour's containers,
 * made before anyone chose a share, and the candidate's, verified on
 * preview, serve the step as they are. A router on one more container sends
 * the live route's requests to that service, at a priority above every live
 * router and below maintenance; removing it puts the live router back in
 * one reload. bluegreen's own checks (the preview key) are left out of it,
 * so the switch that ends the canary is verified against the candidate.
 */

/** Above every live router, below maintenance (plan/maintenance.ts) and the check and preview routers. */
export const CANARY_PRIORITY = 300_000_000;
/** Weights per colour sum to this (before rounding): enough for a tenth of a point of share. */
const WEIGHT_SCALE = 1000;

export const canaryService = (app: string, step: number) => `${app}-canary-${step}`;
/** Each step's router has a name of its own: two containers defining one router differently make Traefik drop it. */
export const canaryRouter = (app: string, step: number) => `${app}-canary-${step}`;

/** `--canary 10%,50%`: shares in (0, 100), rising. Exit 2 otherwise. */
export function parseCanarySteps(text: string): number[] {
  const steps = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d+(?:\.\d+)?)%?$/.exec(part);
      const value = match ? Number(match[1]) : NaN;
      if (!(value > 0 && value < 100)) throw usageError(`--canary: "${part}" is not a share between 0% and 100%`, 'give the shares of live requests the candidate gets, rising: --canary 10%,50%');
      return value / 100;
    });
  if (!steps.length) throw usageError('--canary: no share given', 'give the shares of live requests the candidate gets, rising: --canary 10%,50%');
  if (steps.some((share, i) => i > 0 && share <= steps[i - 1]!)) throw usageError(`--canary: ${text}: each share must be above the one before`, 'e.g. --canary 10%,50%');
  return steps;
}

export const formatShare = (share: number) => `${Number((share * 100).toFixed(1))}%`;

/**
 * Each server's weight for a share: the candidate's containers share `share`
 * of the requests between them, the live colour's the rest. Traefik's
 * weighted round robin then sends exactly that share.
 */
export function canaryWeights(share: number, liveCount: number, candidateCount: number): { live: number; candidate: number } {
  if (liveCount < 1 || candidateCount < 1) throw new Error(`canaryWeights: ${liveCount} live and ${candidateCount} candidate containers`);
  return {
    live: Math.max(1, Math.round((WEIGHT_SCALE * (1 - share)) / liveCount)),
    candidate: Math.max(1, Math.round((WEIGHT_SCALE * share) / candidateCount)),
  };
}

/** The share the weights give: what Traefik will send (for messages and tests). */
export const shareOf = (weights: { live: number; candidate: number }, liveCount: number, candidateCount: number) =>
  (weights.candidate * candidateCount) / (weights.candidate * candidateCount + weights.live * liveCount);

/** The labels of one server of a step: in an app container's network namespace, its port, its weight. */
export function canaryServerLabels(app: string, step: number, port: number, weight: number, colour: string): Record<string, string> {
  const service = canaryService(app, step);
  return {
    'traefik.enable': 'true',
    [`traefik.http.services.${service}.loadbalancer.server.port`]: String(port),
    [`traefik.http.services.${service}.loadbalancer.server.weight`]: String(weight),
    [LABEL.managed]: 'true',
    [LABEL.app]: app,
    [LABEL.role]: CANARY_ROLE.server,
    [CANARY_LABEL.step]: String(step),
    [CANARY_LABEL.of]: colour,
  };
}

/** The router of a step: the live router's rule (less bluegreen's own checks), entrypoints, TLS and middlewares but the colour header. */
export function canaryRouterLabels(spec: {
  app: string;
  network: string;
  step: number;
  share: number;
  live: { name: string; labels: Record<string, string> };
  previewKey?: string;
  colourHeaderMiddleware: string;
}): Record<string, string> {
  const { app, step, live } = spec;
  const prefix = `traefik.http.routers.${canaryRouter(app, step)}`;
  const rule = spec.previewKey ? `(${live.labels.rule}) && !Header(\`${PREVIEW_KEY_HEADER}\`, \`${spec.previewKey}\`)` : live.labels.rule!;
  const middlewares = (live.labels.middlewares ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m && m !== `${spec.colourHeaderMiddleware}@docker`);
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    'traefik.docker.network': spec.network,
    [`${prefix}.rule`]: rule,
    [`${prefix}.priority`]: String(CANARY_PRIORITY + step),
    [`${prefix}.service`]: canaryService(app, step),
    // A service of its own that nothing uses: Traefik wants one per container.
    [`traefik.http.services.${app}-canary-route.loadbalancer.server.port`]: '9',
    [LABEL.managed]: 'true',
    [LABEL.app]: app,
    [LABEL.role]: CANARY_ROLE.router,
    [CANARY_LABEL.step]: String(step),
    [CANARY_LABEL.share]: String(spec.share),
  };
  if (middlewares.length) labels[`${prefix}.middlewares`] = middlewares.join(',');
  if (live.labels.entrypoints) labels[`${prefix}.entrypoints`] = live.labels.entrypoints;
  for (const [prop, value] of Object.entries(live.labels)) if (prop === 'tls' || prop.startsWith('tls.')) labels[`${prefix}.${prop}`] = value;
  return labels;
}

export const CANARY_ROLE = { router: 'canary', server: 'canary-server' } as const;
export const CANARY_LABEL = { step: 'io.bluegreen.canary.step', share: 'io.bluegreen.canary.share', of: 'io.bluegreen.canary.of' } as const;

/** Whether a router Traefik shows is a canary router (of any app): by its name and bluegreen's priority. */
export const isCanaryRouter = (name: string, priority: number) => /-canary-\d+@[a-z]+$/.test(name) && priority >= CANARY_PRIORITY && priority < CANARY_PRIORITY + 1000;

/**
 * The candidate's answers during a step, from the step's service (both
 * colours' servers: Traefik counts per service, not per server): its share
 * of the requests, the 5xx the live colour would not have given at its own
 * rate before the step, and its answer time likewise. An estimate, and a
 * cautious one: with a live colour that gives no 5xx, every 5xx of the step
 * is the candidate's.
 */
export function candidateEstimate(step: AnswerCounts, share: number, liveBefore: { errorRate: number; meanSeconds?: number }): AnswerCounts {
  const liveRequests = step.requests * (1 - share);
  const liveTimed = step.timed * (1 - share);
  return {
    requests: Math.round(step.requests * share),
    errors: Math.round(Math.max(0, step.errors - liveBefore.errorRate * liveRequests)),
    seconds: liveBefore.meanSeconds === undefined ? step.seconds * share : Math.max(0, step.seconds - liveBefore.meanSeconds * liveTimed),
    timed: step.timed * share,
  };
}

/** Counters' difference: what a service answered between two readings. */
export const since = (from: AnswerCounts, to: AnswerCounts): AnswerCounts => ({
  requests: Math.max(0, to.requests - from.requests),
  errors: Math.max(0, to.errors - from.errors),
  seconds: Math.max(0, to.seconds - from.seconds),
  timed: Math.max(0, to.timed - from.timed),
});

/** What status says of a canary: the share in, by its router's labels; what is left otherwise. */
export function canaryView(containers: { name: string; state: string; labels: Record<string, string> }[]): { share?: number; step?: number; containers: number } {
  const own = containers.filter((c) => c.labels[LABEL.role] === CANARY_ROLE.router || c.labels[LABEL.role] === CANARY_ROLE.server);
  const router = own.find((c) => c.labels[LABEL.role] === CANARY_ROLE.router && c.state === 'running');
  return { share: router ? Number(router.labels[CANARY_LABEL.share]) : undefined, step: router ? Number(router.labels[CANARY_LABEL.step]) : undefined, containers: own.length };
}
