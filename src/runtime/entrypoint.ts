import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { BgError, ExitCode } from '../errors.js';
import type { ProbeRequest } from '../plan/probe.js';
import { portOf, type Reach } from './http-get.js';

export interface EntrypointTls {
  /** Accept any certificate (Traefik's default self-signed one). */
  insecure: boolean;
  /** A CA (PEM) trusted besides the system's. */
  caPem?: string;
}

export interface EntrypointAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** Certificate verification failures: the answer will not change by waiting. */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

export const isCertificateError = (error: unknown) => CERTIFICATE_ERRORS.has((error as { code?: string }).code ?? '');

/**
 * Traefik's entrypoint as a client reaches it: plain HTTP, or TLS with the
 * request's Host as the server name (SNI), so Traefik picks the router's
 * certificate, and the certificate verified against that name unless told
 * otherwise. One fresh connection per request: routing is what is checked.
 */
export class Entrypoint {
  private readonly base: URL;
  private readonly ca?: string[];

  /** reach: how an address on the engine's host is reached from here (runtime/engine-connection.ts). */
  constructor(
    readonly url: string,
    private readonly tls: EntrypointTls = { insecure: false },
    private readonly reach?: Reach,
  ) {
    this.base = new URL(url);
    // Node's `ca` replaces the system roots: keep them and add the user's CA.
    this.ca = tls.caPem ? [...rootCertificates, tls.caPem] : undefined;
  }

  get secure(): boolean {
    return this.base.protocol === 'https:';
  }

  /** Whether it answers at all, whatever its certificate (for a check with no host to verify it against). */
  reachable(probe: ProbeRequest, timeoutMs: number): Promise<EntrypointAnswer> {
    return new Entrypoint(this.url, { ...this.tls, insecure: true }, this.reach).request(probe, {}, timeoutMs);
  }

  /** One request; rejects with the socket's error (its `code` says why). */
  async request(probe: ProbeRequest, extraHeaders: Record<string, string> = {}, timeoutMs = 5000): Promise<EntrypointAnswer> {
    const headers = { ...probe.headers, ...extraHeaders, host: probe.host ?? this.base.host };
    const hostname = this.base.hostname.replace(/^\[|\]$/g, '');
    const at = this.reach ? await this.reach(hostname, portOf(this.base)) : { host: hostname, port: portOf(this.base) };
    const options: https.RequestOptions = {
      host: at.host,
      port: at.port,
      path: `${this.base.pathname.replace(/\/+$/, '')}${probe.path}`,
      method: probe.method,
      headers,
      agent: false,
      timeout: timeoutMs,
    };
    if (this.secure) {
      const name = probe.host?.replace(/:\d+$/, '');
      if (name && !isIP(name)) options.servername = name;
      options.rejectUnauthorized = !this.tls.insecure;
      if (this.ca) options.ca = this.ca;
    }
    return new Promise((resolve, reject) => {
      const request = (this.secure ? https : http).request(options, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end();
    });
  }
}

/** A certificate that does not verify, as the one-line error users see (exit 2: nothing was changed). */
export function certificateError(url: string, host: string | undefined, error: unknown): BgError {
  const code = (error as { code?: string }).code;
  return new BgError(
    `the certificate of ${url}${host ? ` for ${host}` : ''} does not verify (${code})`,
    ExitCode.usage,
    "pass --traefik-ca FILE with the CA that signed it, or --traefik-insecure to accept any certificate (Traefik's default one)",
  );
}
