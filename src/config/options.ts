import type { ScaleSpec } from '../plan/scale.js';

export type StateBackend = 'file' | 'consul';

/** Every option of the contract, resolved (CLI > BG_* env > bluegreen.yml > defaults). */
export interface Options {
  files: string[];
  /** The working directory compose files and bluegreen.yml are relative to. */
  cwd: string;
  project?: string;
  target?: string;
  sideTargets: string[];
  rule?: string;
  servicePaths: string[];
  port?: number;
  entrypoint: string;
  network: string;
  traefikApi: string;
  traefikUrl: string;
  state: StateBackend;
  consulAddress: string;
  consulToken?: string;
  timeoutMs: number;
  drainMs: number;
  scale?: ScaleSpec;
  json: boolean;
  noHealthcheck: boolean;
  waitLockMs: number;
  /** Docker Flow steps for `flow` (--flow, FLOW, docker-flow.yml; default deploy). */
  flow: string[];
}
