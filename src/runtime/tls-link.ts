import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { usageError } from '../errors.js';
import type { EngineTls } from '../plan/docker-endpoint.js';
import { cancellation } from './cancellation.js';

/**
 * A TLS engine (tcp:// with DOCKER_TLS_VERIFY, or a context's TLS) served
 * at a local Unix socket, each connection to it carried over TLS with the
 * docker CLI's certificates (ca.pem, cert.pem, key.pem), so that dockerode,
 * the direct reads, compose and hooks all reach it one way.
 */
export class TlsLink {
  private readonly dir = mkdtempSync(join(tmpdir(), 'bg-tls-'));
  readonly engineSocket = join(this.dir, 'docker.sock');
  /** Why the last connection failed (a certificate refused, the engine not answering). */
  dialError?: string;

  private constructor() {
    cancellation.onExit(() => rmSync(this.dir, { recursive: true, force: true }));
  }

  static async open(to: { host: string; port: number }, settings: EngineTls, url: string): Promise<TlsLink> {
    const material = readMaterial(settings, url);
    const link = new TlsLink();
    const server = net.createServer((socket) => {
      const secure = tls.connect({ host: to.host, port: to.port, servername: net.isIP(to.host) ? undefined : to.host, rejectUnauthorized: settings.verify, ...material });
      socket.pipe(secure).pipe(socket);
      const end = () => {
        socket.destroy();
        secure.destroy();
      };
      socket.on('error', end);
      // A certificate refused ends the connection: the request fails with it.
      secure.on('error', (error: NodeJS.ErrnoException) => {
        link.dialError = `TLS: ${error.code ?? ''} ${error.message}`.trim();
        socket.destroy(error);
      });
      socket.unref();
    });
    server.unref();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(link.engineSocket, resolve));
    return link;
  }
}

/** The certificates where the docker CLI finds them; verifying without a CA is refused (exit 2). */
function readMaterial(settings: EngineTls, url: string): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (name: string) => {
    try {
      return readFileSync(join(settings.certDir, name));
    } catch {
      return undefined;
    }
  };
  const material = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  if (settings.verify && !material.ca)
    throw usageError(
      `the Docker engine at ${url} is verified with TLS, but ${join(settings.certDir, 'ca.pem')} is missing`,
      'set DOCKER_CERT_PATH to the directory of ca.pem, cert.pem and key.pem (the docker CLI looks in ~/.docker by default)',
    );
  return material;
}
