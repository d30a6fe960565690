/** The three ways of shipping a new release that the benchmark compares. */
export type MethodId = 'bluegreen' | 'compose' | 'sleep5s';

export const METHOD_LABEL: Record<MethodId, string> = {
  bluegreen: 'bluegreen',
  compose: 'docker compose',
  sleep5s: 'sleep-5s deploy.sh',
};

/** A latency histogram: [latency in microseconds, how many], sorted by latency. */
export type Histogram = [number, number][];

/** What wrk counted over one deploy window. */
export interface LoadResult {
  /** Responses received (any status). */
  responses: number;
  /** Responses with a status of 400 or more (wrk's status errors; nothing here redirects). */
  non2xx: number;
  /** Requests that got no response: wrk's connect, read, write and timeout errors. */
  errors: { connect: number; read: number; write: number; timeout: number };
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  durationMs: number;
  latency: Histogram;
}

/** One timed deploy of one method under load. */
export interface DeployWindow {
  method: MethodId;
  round: number;
  release: string;
  exitCode: number;
  /** From the command's start to its return. */
  returnMs: number;
  /** From the command's start to the first response from the new release; undefined if never seen. */
  firstNewMs?: number;
  load: LoadResult;
  /** For bluegreen: where the deploy's time went (from its --json events). */
  phases?: import('./phases.js').BluegreenPhases;
  /** The command's last output lines when it failed. */
  failure?: string;
}

export interface MethodSummary {
  method: MethodId;
  label: string;
  deploys: number;
  failedDeploys: number;
  requests: number;
  non2xx: number;
  /** The non-2xx responses by status. */
  non2xxByStatus: Record<string, number>;
  connectionErrors: number;
  failed: number;
  p50Ms?: number;
  p99Ms?: number;
  firstNewS: Spread;
  returnS: Spread;
}

/** Median and worst of the values present in a series, and how many are missing (null in each). */
export interface Spread {
  median?: number;
  max?: number;
  missing: number;
  each: (number | null)[];
}

export interface CliOverhead {
  project: string;
  status: { runs: number; medianMs: number; eachMs: number[] };
  composePs: { runs: number; medianMs: number; eachMs: number[] };
  /** status median / compose ps median. */
  ratio: number;
  scaleUp: {
    by: number;
    exitCode: number;
    /** `bluegreen scale +N`, from its start to its return. */
    commandMs: number;
    /** From the command's start until N new containers were healthy; undefined if they never were. */
    healthyMs?: number;
    ratio?: number;
  };
  scaleDown: { exitCode: number; commandMs: number };
}
