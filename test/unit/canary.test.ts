import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY_PRIORITY, candidateEstimate, canaryRouterLabels, canaryServerLabels, canaryView, canaryWeights, isCanaryRouter, parseCanarySteps, shareOf, since } from '../../src/plan/canary.js';
import { judge } from '../../src/plan/bake.js';
import { MAINTENANCE_PRIORITY } from '../../src/plan/maintenance.js';
import { PREVIEW_PRIORITY, livePriority } from '../../src/plan/priority.js';

test('--canary: rising shares between 0% and 100%; anything else is exit 2', () => {
  assert.deepEqual(parseCanarySteps('10%,50%'), [0.1, 0.5]);
  assert.deepEqual(parseCanarySteps(' 5 , 25%, 60 '), [0.05, 0.25, 0.6]);
  for (const bad of ['', '0%', '100%', '50%,10%', '10%,10%', 'ten', '-5%']) {
    assert.throws(
      () => parseCanarySteps(bad),
      (error: { exitCode?: number }) => error.exitCode === 2,
      bad,
    );
  }
});

test('the weights give the share asked, whatever the counts, to a tenth of a point', () => {
  for (const share of [0.01, 0.1, 0.25, 0.5, 0.9]) {
    for (const [live, candidate] of [
      [1, 1],
      [3, 1],
      [1, 4],
      [5, 2],
    ] as const) {
      const weights = canaryWeights(share, live, candidate);
      assert.ok(weights.live >= 1 && weights.candidate >= 1 && Number.isInteger(weights.live) && Number.isInteger(weights.candidate));
      assert.ok(Math.abs(shareOf(weights, live, candidate) - share) < 0.002, `${share} with ${live}+${candidate}: ${JSON.stringify(weights)}`);
    }
  }
});

test("a step's server: the app container's port and its weight in the step's service, nothing routed", () => {
  const labels = canaryServerLabels('shop', 2, 8080, 111, 'green');
  assert.equal(labels['traefik.http.services.shop-canary-2.loadbalancer.server.port'], '8080');
  assert.equal(labels['traefik.http.services.shop-canary-2.loadbalancer.server.weight'], '111');
  assert.equal(Object.keys(labels).filter((key) => key.startsWith('traefik.http.routers.')).length, 0);
  assert.equal(labels['traefik.docker.network'], undefined, "the app container's network is Traefik's choice for it");
});

test("a step's router: the live rule less bluegreen's own checks, its entrypoints, TLS and middlewares but the colour header, above live and below maintenance", () => {
  const live = {
    name: 'shop-blue-live',
    labels: {
      rule: 'Host(`shop.example`)',
      entrypoints: 'websecure',
      tls: 'true',
      'tls.certresolver': 'le',
      middlewares: 'shop-blue-retry@docker,shop-blue-header@docker,auth@file',
      priority: '100120',
    },
  };
  const labels = canaryRouterLabels({ app: 'shop', network: 'web', step: 1, share: 0.1, live, previewKey: 'k', colourHeaderMiddleware: 'shop-blue-header' });
  assert.equal(labels['traefik.http.routers.shop-canary-1.rule'], '(Host(`shop.example`)) && !Header(`X-Bluegreen-Preview-Key`, `k`)');
  assert.equal(labels['traefik.http.routers.shop-canary-1.service'], 'shop-canary-1');
  assert.equal(labels['traefik.http.routers.shop-canary-1.middlewares'], 'shop-blue-retry@docker,auth@file');
  assert.equal(labels['traefik.http.routers.shop-canary-1.tls.certresolver'], 'le');
  const priority = Number(labels['traefik.http.routers.shop-canary-1.priority']);
  assert.ok(priority > livePriority(10_000) && priority < MAINTENANCE_PRIORITY && priority < PREVIEW_PRIORITY);
  const next = canaryRouterLabels({ app: 'shop', network: 'web', step: 2, share: 0.5, live, previewKey: 'k', colourHeaderMiddleware: 'shop-blue-header' });
  assert.ok(Number(next['traefik.http.routers.shop-canary-2.priority']) > priority, 'the next step shadows the last');
  assert.equal(isCanaryRouter('shop-canary-2@docker', CANARY_PRIORITY + 2), true);
  assert.equal(isCanaryRouter('shop-canary-2@docker', 40), false);
});

test("the candidate's part of a step: every 5xx the live colour would not have given, its share of the answers", () => {
  const zero = { requests: 0, errors: 0, seconds: 0, timed: 0 };
  const step = since({ requests: 100, errors: 0, seconds: 1, timed: 100 }, { requests: 2100, errors: 60, seconds: 21, timed: 2100 });
  const estimate = candidateEstimate(step, 0.1, { errorRate: 0, meanSeconds: 0.01 });
  assert.equal(estimate.requests, 200);
  assert.equal(estimate.errors, 60);
  const limits = { maxErrorRate: 0.01, minRequests: 20, maxLatencyRatio: 0 };
  const verdict = judge(zero, estimate, limits);
  assert.equal(verdict.verdict, 'breach');
  assert.equal(verdict.rate, 0.3, 'a release failing 30% at a 10% step reads as 30%');
  // The live colour's own 5xx rate before the step is not counted against the candidate.
  assert.equal(candidateEstimate(step, 0.1, { errorRate: 0.02 }).errors, 60 - 0.02 * 1800);
  assert.equal(judge(zero, candidateEstimate({ ...step, errors: 0 }, 0.1, { errorRate: 0 }), limits).verdict, 'within');
});

test('status: the share in while its router runs', () => {
  const router = { name: 'shop-canary-route-2', state: 'running', labels: { 'io.bluegreen.role': 'canary', 'io.bluegreen.canary.share': '0.5', 'io.bluegreen.canary.step': '2' } };
  const server = { name: 'shop-green-app-1-canary-2', state: 'running', labels: { 'io.bluegreen.role': 'canary-server' } };
  assert.deepEqual(canaryView([router, server]), { share: 0.5, step: 2, containers: 2 });
  assert.deepEqual(canaryView([server]), { share: undefined, step: undefined, containers: 1 });
});
