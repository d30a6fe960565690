import { fileURLToPath } from 'node:url';

/** Where the benchmark's own Traefik listens: loopback only, apart from the demo's (80) and the tests' (18080). */
export const BENCH_HTTP_PORT = Number(process.env.BG_BENCH_HTTP_PORT ?? 18180);
export const BENCH_API_PORT = Number(process.env.BG_BENCH_API_PORT ?? 18181);
export const BENCH_TRAEFIK_URL = `http://127.0.0.1:${BENCH_HTTP_PORT}`;
export const BENCH_TRAEFIK_API = `http://127.0.0.1:${BENCH_API_PORT}`;
export const BENCH_TRAEFIK_PROJECT = 'bgbench-traefik';
export const NETWORK = 'traefik_webgateway';

/** On every container, network and volume the benchmark creates, so that cleanup finds them whatever happened. */
export const BENCH_LABELS = { 'io.bluegreen.managed': 'true', 'io.bluegreen.bench': '1' } as const;

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
