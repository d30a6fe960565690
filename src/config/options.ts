import type { ProbeSettings } from '../plan/probe.js';
import type { PullPolicy } from '../plan/pull.js';
import type { ScaleSpec } from '../plan/scale.js';
import type { Hooks } from './hooks.js';

export type StateBackend = 'file' | 'consul' | 'engine';

/** Every option of the contract, resolved (CLI > BG_* env > bluegreen.yml > defaults). */
export interface Options {
  files: string[];
  /** The working directory compose files and bluegreen.yml are relative to. */
  cwd: string;
  project?: string;
  /** The routed target (the first --target). */
  target?: string;
  /** The other --target services: coloured with the release, no route, health only (plan/release.ts). */
  companions: string[];
  sideTargets: string[];
  rule?: string;
  servicePaths: string[];
  port?: number;
  entrypoint: string;
  network: string;
  traefikApi: string;
  traefikUrl: string;
  /** Which answers carry X-Bluegreen-Color: every route's, or the preview routes' only. */
  colourHeader: 'all' | 'preview';
  /** Accept any certificate from an https:// traefikUrl (Traefik's default one). */
  traefikInsecure: boolean;
  /** A CA (PEM text) to verify an https:// traefikUrl with, besides the system ones. */
  traefikCa?: { file: string; pem: string };
  /** Prometheus metrics of Traefik, for the drain. */
  traefikMetrics: string;
  /** Every Traefik instance that routes the app (--traefik-api a,b,c): the first is traefikApi. */
  traefikReplicas: { api: string; metrics: string }[];
  /** The end-to-end check request: what the rule does not say (see plan/probe.ts). */
  probe: ProbeSettings;
  /** Unset: chosen by the engine (core/context.ts): files here for this machine's own engine, else the engine's volume. */
  state?: StateBackend;
  /** The file store's directory (absolute); undefined: the per-user one for the engine (runtime/state-dir.ts). */
  stateDir?: string;
  consulAddress: string;
  consulToken?: string;
  timeoutMs: number;
  drainMs: number;
  scale?: ScaleSpec;
  /** --pull: overrides the target's pull_policy (plan/pull.ts). */
  pull?: PullPolicy;
  json: boolean;
  noHealthcheck: boolean;
  waitLockMs: number;
  /** The bake window after a switch (0: none), and what fails it (core/bake.ts). */
  bake: { ms: number; maxErrorRate: number; minRequests: number; maxLatencyRatio: number };
  /** Docker Flow steps for `flow` (--flow, FLOW, docker-flow.yml; default deploy). */
  flow: string[];
  /** --canary: the shares of live requests the candidate gets before the switch (plan/canary.ts); none: no canary. */
  canary: number[];
  /** Maintenance mode's page, allowances and Retry-After (core/maintenance.ts). */
  maintenance: { page?: string; allow: string[]; retryAfterSeconds: number };
  /** bluegreen.yml's hooks (config/hooks.ts). */
  hooks: Hooks;
}
