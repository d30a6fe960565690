/** The ways of shipping a new release that the benchmark compares. */
export type MethodId = 'bluegreen' | 'compose' | 'sleep5s' | 'rollout';

export const METHOD_LABEL: Record<MethodId, string> = {
  bluegreen: 'bluegreen',
  compose: 'docker compose',
  sleep5s: 'sleep-5s deploy.sh',
  rollout: "docker-rollout's method",
};

/** How the app treats SIGTERM: the sample drains and exits; `deaf` is the same app with a PID 1 that ignores it. */
export type AppProfile = 'drain' | 'deaf';

export const PROFILE_LABEL: Record<AppProfile, string> = {
  drain: 'sample app (drains on SIGTERM)',
  deaf: 'PID 1 ignores SIGTERM',
};

/** Responses per time bucket: [bucket start in ms since the epoch, answered below 400, answered 400 or more]. */
export type Timeline = [number, number, number][];

/** A moment of a deploy, in ms from the command's start: its steps, the first new answer, its return. */
export interface Mark {
  t: number;
  label: string;
}

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
  /** Width of the timeline's buckets. */
  bucketMs: number;
  timeline: Timeline;
}

/** One timed deploy of one method under load. */
export interface DeployWindow {
  method: MethodId;
  profile: AppProfile;
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
  /** Wall-clock ms (since the epoch) of the command's start: t = 0 of the marks and of the timeline's picture. */
  startedAtWallMs: number;
  marks: Mark[];
  /** In the soak: which command this was. */
  step?: 'deploy' | 'rollback';
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
  /** Each bluegreen command timed, with its median / compose ps's median. */
  cli: { command: string; runs: number; medianMs: number; eachMs: number[]; ratio: number }[];
  composePs: { runs: number; medianMs: number; eachMs: number[] };
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
