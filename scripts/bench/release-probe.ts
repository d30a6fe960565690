import http from 'node:http';
import { BENCH_HTTP_PORT } from './bench-env.js';
import { sleep } from './exec.js';

/** The release a response names in its body ({"release": ...}), if any. */
export function releaseOf(body: string): string | undefined {
  try {
    const release = (JSON.parse(body) as { release?: unknown }).release;
    return typeof release === 'string' ? release : undefined;
  } catch {
    return undefined;
  }
}

export interface ReleaseProbe {
  /** performance.now() of the first response from the release; undefined if stopped before. */
  readonly seen: Promise<number | undefined>;
  stop(): void;
}

/**
 * One light client, apart from the load: asks every `everyMs` through the
 * bench Traefik and notes when the new release first answers (`times` in a row).
 */
export function probeRelease(host: string, release: string, everyMs = 20, times = 1): ReleaseProbe {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let stopped = false;
  const seen = (async () => {
    try {
      // `times` answers in a row from the release (a switch is done when the old one answers no more).
      let inARow = 0;
      while (!stopped) {
        const answered = await ask(agent, host);
        inARow = answered === release ? inARow + 1 : 0;
        if (inARow === times) return performance.now();
        await sleep(everyMs);
      }
      return undefined;
    } finally {
      agent.destroy();
    }
  })();
  return { seen, stop: () => void (stopped = true) };
}

function ask(agent: http.Agent, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port: BENCH_HTTP_PORT, path: '/', headers: { host }, agent, timeout: 2000 }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(releaseOf(body)));
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(undefined));
  });
}
