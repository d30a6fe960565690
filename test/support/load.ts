import http from 'node:http';
import https from 'node:https';
import { TEST_HTTP_PORT } from './ports.js';

export interface Sample {
  startedAt: number;
  endedAt: number;
  status: number;
  colour?: string;
  release?: string;
  /** Answered by bluegreen's maintenance page (X-Bluegreen-Maintenance: on). */
  maintenance?: boolean;
  /** Its Retry-After, when it gave one. */
  retryAfter?: string;
  error?: string;
}

export interface LoadReport {
  samples: Sample[];
  sent: number;
  ok: number;
  non2xx: Sample[];
  errors: Sample[];
}

/**
 * Concurrent clients asking through the test Traefik, each on its own
 * keep-alive connection, as browsers and API clients do. Bounded: it stops
 * when told, or after `maxMs` whatever happens.
 */
export class Load {
  private stopped = false;
  private readonly samples: Sample[] = [];
  private running: Promise<void>[] = [];
  private readonly agent: http.Agent;
  private readonly target: { port: number; secure: boolean };

  /**
   * `baseUrl` sends the load to another entrypoint than the test Traefik's:
   * over https:// with SNI = host, the certificate verified with `ca` when given.
   */
  constructor(
    private readonly host: string,
    private readonly options: { clients?: number; path?: string; then?: string; maxMs?: number; baseUrl?: string; ca?: string } = {},
  ) {
    const base = new URL(options.baseUrl ?? `http://127.0.0.1:${TEST_HTTP_PORT}`);
    this.target = { port: Number(base.port), secure: base.protocol === 'https:' };
    this.agent = this.target.secure
      ? new https.Agent({ keepAlive: true, maxSockets: 64, servername: host, ca: options.ca, rejectUnauthorized: Boolean(options.ca) })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  /** With `then`: each client's requests in sequence, first then then (a page, then its API call). */
  readonly pairs: [Sample, Sample][] = [];

  start(): this {
    const deadline = Date.now() + (this.options.maxMs ?? 120_000);
    const { then } = this.options;
    this.running = Array.from({ length: this.options.clients ?? 8 }, async () => {
      while (!this.stopped && Date.now() < deadline) {
        const first = await this.ask(this.options.path ?? '/');
        this.samples.push(first);
        if (!then) continue;
        const second = await this.ask(then);
        this.samples.push(second);
        this.pairs.push([first, second]);
      }
    });
    return this;
  }

  async stop(): Promise<LoadReport> {
    this.stopped = true;
    await Promise.all(this.running);
    this.agent.destroy();
    return report(this.samples);
  }

  private ask(path: string): Promise<Sample> {
    const startedAt = Date.now();
    return new Promise((resolve) => {
      const get = this.target.secure ? https.get : http.get;
      const request = get({ host: '127.0.0.1', port: this.target.port, path, headers: { host: this.host }, agent: this.agent, timeout: 10_000 }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          let release: string | undefined;
          try {
            release = JSON.parse(body).release;
          } catch {
            release = undefined;
          }
          const colour = response.headers['x-bluegreen-color'] as string | undefined;
          const maintenance = response.headers['x-bluegreen-maintenance'] === 'on' && body.includes('maintenance');
          const retryAfter = response.headers['retry-after'] as string | undefined;
          resolve({ startedAt, endedAt: Date.now(), status: response.statusCode ?? 0, colour, release, ...(maintenance ? { maintenance, retryAfter } : {}) });
        });
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error) => resolve({ startedAt, endedAt: Date.now(), status: 0, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    });
  }
}

export function report(samples: Sample[]): LoadReport {
  return {
    samples,
    sent: samples.length,
    ok: samples.filter((s) => s.status >= 200 && s.status < 300).length,
    non2xx: samples.filter((s) => s.status !== 0 && (s.status < 200 || s.status >= 300)),
    errors: samples.filter((s) => s.status === 0),
  };
}

export const describeLoad = (r: LoadReport) =>
  `${r.sent} requests, ${r.ok} 2xx, ${r.non2xx.length} non-2xx [${[...new Set(r.non2xx.map((s) => s.status))].join(',')}], ${r.errors.length} errors [${[...new Set(r.errors.map((s) => s.error))].join(',')}]`;

/** Sequential pairs both answered, and those answered by two different releases (a pair that straddled a switch). */
export function pairSkew(pairs: [Sample, Sample][]): { answered: number; skewed: [Sample, Sample][] } {
  const answered = pairs.filter(([a, b]) => a.status === 200 && b.status === 200);
  return { answered: answered.length, skewed: answered.filter(([a, b]) => a.release !== b.release) };
}

/** The samples of a run whose requests started between `from` and `to` (ms since the epoch). */
export const within = (full: LoadReport, from: number, to: number) => report(full.samples.filter((s) => s.startedAt >= from && s.startedAt <= to));

/**
 * The one assertion of a load e2e: enough requests started while the
 * operation ran (so the load did overlap it), and none failed, except the
 * ones `allowed` names (e.g. Traefik's 404 before an app's first route).
 * Returns the requests that overlapped, for the figures a test prints.
 */
export function assertServedThrough(full: LoadReport, operation: { startedAt: number; endedAt: number }, options: { min: number; allowed?: (sample: Sample) => boolean; what?: string }): LoadReport {
  const during = within(full, operation.startedAt, operation.endedAt);
  const what = options.what ?? 'the operation';
  if (during.sent < options.min) throw new Error(`only ${during.sent} requests started while ${what} ran (at least ${options.min} needed to say anything): ${describeLoad(full)}`);
  const failed = [...full.errors, ...full.non2xx].filter((sample) => !options.allowed?.(sample));
  if (failed.length) {
    const first = failed
      .slice(0, 5)
      .map((s) => `${s.status || s.error} at ${s.startedAt - operation.startedAt} ms`)
      .join(', ');
    throw new Error(`${failed.length} of ${full.sent} requests failed around ${what} (${first}): ${describeLoad(full)}`);
  }
  return during;
}

/** Records when each command ran, to assert that the load overlapped every one of them. */
export function commandTimes() {
  const ran: { what: string; startedAt: number; endedAt: number }[] = [];
  return {
    timed: async <T>(what: string, command: () => Promise<T>) => {
      const startedAt = Date.now();
      const result = await command();
      ran.push({ what, startedAt, endedAt: Date.now() });
      return result;
    },
    /** Asserts each command was served through (`min` requests started while it ran, none failed); the counts, for the log. */
    assertServed: (report: LoadReport, min: number) =>
      ran.map(({ what, ...operation }) => `${what}: ${assertServedThrough(report, operation, { min, what }).sent} (${operation.endedAt - operation.startedAt} ms)`).join(', '),
  };
}
