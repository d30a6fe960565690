import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, BENCH_HTTP_PORT } from './bench-env.js';
import { assertNotAborted, track } from './exec.js';
import type { Histogram, LoadResult, Timeline } from './types.js';

/** The picture's resolution: requests counted per tenth of a second. */
export const TIMELINE_BUCKET_MS = 100;

export interface LoadSpec {
  host: string;
  clients: number;
  thinkMs: number;
  /** wrk stops by itself after this long, whatever happens. */
  maxSeconds: number;
  /** The entrypoint's port on 127.0.0.1: the bench Traefik's unless given (the swarm lab forwards each node's). */
  port?: number;
}

export interface RunningLoad {
  /** Stops wrk (SIGINT: it prints its results and exits) and reads what it counted. */
  stop(): Promise<LoadResult>;
}

/** Debian's wrk against the bench Traefik's entrypoint on loopback: keep-alive connections, one request at a time each. */
export function startLoad(spec: LoadSpec): RunningLoad {
  assertNotAborted();
  const threads = Math.min(spec.clients, availableParallelism());
  const args = [
    '-t',
    String(threads),
    '-c',
    String(spec.clients),
    '-d',
    `${spec.maxSeconds}s`,
    '--timeout',
    '10s',
    '-s',
    join(BENCH_DIR, 'wrk-report.lua'),
    '-H',
    `Host: ${spec.host}`,
    `http://127.0.0.1:${spec.port ?? BENCH_HTTP_PORT}/`,
  ];
  const child = track(spawn('wrk', args, { env: { ...process.env, THINK_MS: String(spec.thinkMs), BUCKET_MS: String(TIMELINE_BUCKET_MS) }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    async stop() {
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      return parseWrkReport(out);
    },
  };
}

/** The BENCH_JSON line that wrk-report.lua prints. */
export function parseWrkReport(output: string): LoadResult {
  const line = output.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`wrk printed no report:\n${output.slice(-2000)}`);
  const raw = JSON.parse(line.slice('BENCH_JSON '.length)) as {
    responses: number;
    status: number;
    connect: number;
    read: number;
    write: number;
    timeout: number;
    duration_us: number;
    statuses: Record<string, number>;
    latency: Histogram;
    bucket_ms: number;
    timeline: Timeline;
  };
  return {
    responses: raw.responses,
    non2xx: raw.status,
    errors: { connect: raw.connect, read: raw.read, write: raw.write, timeout: raw.timeout },
    statuses: raw.statuses,
    durationMs: raw.duration_us / 1000,
    latency: raw.latency,
    bucketMs: raw.bucket_ms,
    timeline: [...raw.timeline].sort((a, b) => a[0] - b[0]),
  };
}
