import http from 'node:http';
import { isIP } from 'node:net';

/** An answer of any status, its body read whole. */
export interface HttpAnswer {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpGetOptions {
  /** The request fails with code ETIMEDOUT when no answer has come after this long. */
  timeoutMs: number;
  /** A Unix socket to send the request over (the Docker engine's); the URL then gives only the path. */
  socketPath?: string;
  /** Where the URL's host and port are reached from here (an address on a remote engine host's loopback: runtime/engine-connection.ts). */
  reach?: Reach;
}

export type Reach = (host: string, port: number) => Promise<{ host: string; port: number }>;

/** The port a URL names, or its scheme's. */
export const portOf = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/**
 * One GET with node's own client. The read-only queries that every command
 * makes (Docker's containers, Traefik's routers) use it rather than
 * dockerode or got, whose loading was most of `bluegreen status`'s time
 * (measured: status 0.30 s, of which ~0.13 s loading the two). Basic auth
 * written in the URL (http://user:pass@host) is sent.
 */
export async function httpGet(url: string, options: HttpGetOptions, redirectsLeft = 5): Promise<HttpAnswer> {
  const answer = await getOnce(url, options);
  // Followed as got did (an API behind an http-to-https redirect), a few times at most.
  const location = answer.headers.location;
  if (redirectsLeft > 0 && location && [301, 302, 303, 307, 308].includes(answer.statusCode)) return httpGet(new URL(location, url).toString(), options, redirectsLeft - 1);
  return answer;
}

async function getOnce(url: string, options: HttpGetOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  // https is loaded only for an https URL: most runs never need it.
  const client = target.protocol === 'https:' ? await import('node:https') : http;
  const auth = target.username ? `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}` : undefined;
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  const at = options.reach && !options.socketPath ? await options.reach(hostname, portOf(target)) : { host: hostname, port: portOf(target) };
  return new Promise((resolve, reject) => {
    const request = client.get(
      options.socketPath
        ? { socketPath: options.socketPath, path: `${target.pathname}${target.search}` }
        : { hostname: at.host, port: at.port, path: `${target.pathname}${target.search}`, auth, headers: { host: target.host }, ...(isIP(hostname) ? {} : { servername: hostname }) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.setTimeout(options.timeoutMs, () => request.destroy(Object.assign(new Error(`no answer in ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}
