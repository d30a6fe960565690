// An engine behind TLS as the docker CLI reaches it (issue 26): tcp:// with
// DOCKER_TLS_VERIFY=1 and the certificates where the CLI looks by default
// (~/.docker/ca.pem, cert.pem, key.pem; no DOCKER_CERT_PATH). The engine is
// this machine's, behind a TLS front of the test's own that asks for the
// client's certificate, as a dockerd with --tlsverify does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { TestApp } from '../support/cli.js';
import { BUILT_CLI } from '../support/runner.js';
import { ensureTestTraefik } from '../support/traefik.js';
import { ask } from '../support/http.js';

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'bgt-tls-home-'));
const certs = join(home, '.docker');
const app = new TestApp('bgt-tls');
let front: tls.Server;
let port = 0;

/** A CA, a server certificate for 127.0.0.1 and a client certificate, in ~/.docker as `docker` expects them; and a CA nobody trusts. */
async function makeCertificates(): Promise<void> {
  mkdirSync(certs, { recursive: true });
  const at = (name: string) => join(certs, name);
  const ssl = (...args: string[]) => run('openssl', args, { cwd: certs });
  for (const ca of ['ca', 'other-ca']) {
    await ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=bluegreen test ${ca}`, '-keyout', at(`${ca}-key.pem`), '-out', at(`${ca}.pem`));
  }
  await ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', at('server-key.pem'), '-out', at('server.csr'));
  const ext = at('server.ext');
  await run('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > ${ext}`]);
  await ssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca-key.pem'), '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', at('server.pem'));
  await ssl('x509', '-req', '-in', at('server.csr'), '-CA', at('other-ca.pem'), '-CAkey', at('other-ca-key.pem'), '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', at('server-other.pem'));
  await ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=client', '-keyout', at('key.pem'), '-out', at('client.csr'));
  await ssl('x509', '-req', '-in', at('client.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca-key.pem'), '-CAcreateserial', '-days', '2', '-out', at('cert.pem'));
}

/** The engine's socket behind TLS that requires a client certificate signed by the CA. */
function startFront(serverCert: string): Promise<void> {
  front?.close();
  front = tls.createServer(
    { cert: readFileSync(join(certs, serverCert)), key: readFileSync(join(certs, 'server-key.pem')), ca: readFileSync(join(certs, 'ca.pem')), requestCert: true, rejectUnauthorized: true },
    (client) => {
      const engine = net.connect('/var/run/docker.sock');
      client.pipe(engine).pipe(client);
      client.on('error', () => engine.destroy());
      engine.on('error', () => client.destroy());
    },
  );
  return new Promise((resolve) => front.listen(port, '127.0.0.1', () => ((port = (front.address() as net.AddressInfo).port), resolve())));
}

/** The built CLI as a user with that HOME runs it: DOCKER_HOST and DOCKER_TLS_VERIFY only. */
const cli = (args: string[], extra: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [BUILT_CLI, ...args], {
    cwd: app.dir,
    env: { ...app.env(extra), HOME: home, DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '', DOCKER_CONTEXT: '', ...extra },
  }).then(
    (done) => ({ code: 0, ...done }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );

before(async () => {
  await ensureTestTraefik();
  await makeCertificates();
  await startFront('server.pem');
});
after(async () => {
  await app.destroy();
  front?.close();
  rmSync(home, { recursive: true, force: true });
});

test('DOCKER_TLS_VERIFY=1 with the certificates in ~/.docker: deploy (compose too goes through it), status names the engine', async () => {
  const deploy = await cli(['deploy'], { RELEASE: 'v1' });
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.equal((await ask(app.host)).release, 'v1');
  const status = await cli(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const result = JSON.parse(status.stdout.trim().split('\n').at(-1)!);
  assert.equal(result.engine, `tcp://127.0.0.1:${port}`);
  assert.equal(result.live, 'blue');
});

test('TLS refused is one line with an exit code: a server certificate of another CA (exit 4), no ca.pem where the CLI looks (exit 2)', async () => {
  await startFront('server-other.pem');
  try {
    const refused = await cli(['status']);
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /^error: Docker engine at tcp:\/\/127\.0\.0\.1:\d+ is unreachable \(TLS: [A-Z_]+ /);
    assert.doesNotMatch(refused.stderr, /\n\s+at /);
  } finally {
    await startFront('server.pem');
  }
  const noCa = await cli(['status'], { HOME: mkdtempSync(join(tmpdir(), 'bgt-tls-empty-')) });
  assert.equal(noCa.code, 2, noCa.stderr);
  assert.match(noCa.stderr, /ca\.pem is missing/);
  assert.match(noCa.stderr, /hint: set DOCKER_CERT_PATH/);
});
