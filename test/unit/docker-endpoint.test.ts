import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndpointError, parseEngineUrl, resolveEndpoint, type EngineInputs } from '../../src/plan/docker-endpoint.js';
import { dockerCliInputs } from '../../src/runtime/docker-config.js';
import { sshFailure } from '../../src/plan/ssh-failure.js';
import { lockIsStale } from '../../src/plan/engine-lock.js';

const contexts: Record<string, { host: string; skipTlsVerify: boolean; tlsDir?: string }> = {
  prod: { host: 'ssh://deploy@prod.example:2222', skipTlsVerify: false },
  tls: { host: 'tcp://docker.example:2376', skipTlsVerify: false, tlsDir: '/ctx/tls' },
};
const inputs = (env: EngineInputs['env'], currentContext?: string): EngineInputs => ({ env, configDir: '/home/me/.docker', currentContext, context: (name) => contexts[name] });

test('the engine is chosen as the docker CLI chooses it: DOCKER_HOST, DOCKER_CONTEXT, the current context, the default socket', () => {
  assert.deepEqual(resolveEndpoint(inputs({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock', DOCKER_CONTEXT: 'prod' }, 'tls')).address, { kind: 'unix', path: '/run/user/1000/docker.sock' });
  const byEnvContext = resolveEndpoint(inputs({ DOCKER_CONTEXT: 'prod' }, 'tls'));
  assert.deepEqual(byEnvContext.address, { kind: 'ssh', user: 'deploy', host: 'prod.example', port: 2222 });
  assert.equal(byEnvContext.context, 'prod');
  assert.equal(byEnvContext.chosenBy, 'DOCKER_CONTEXT');
  const current = resolveEndpoint(inputs({}, 'prod'));
  assert.equal(current.chosenBy, 'the current context');
  assert.equal(current.address.kind, 'ssh');
  assert.deepEqual(resolveEndpoint(inputs({}, 'default')).address, { kind: 'unix', path: '/var/run/docker.sock' });
  assert.deepEqual(resolveEndpoint(inputs({})).address, { kind: 'unix', path: '/var/run/docker.sock' });
  assert.throws(
    () => resolveEndpoint(inputs({ DOCKER_CONTEXT: 'gone' })),
    (error: Error) => error instanceof EndpointError && /docker context "gone" \(DOCKER_CONTEXT\) does not exist/.test(error.message),
  );
});

test("TLS as the docker CLI takes it: DOCKER_TLS_VERIFY with DOCKER_CERT_PATH, else the CLI's config directory; a context's own TLS directory; port 2376 by default", () => {
  const verified = resolveEndpoint(inputs({ DOCKER_HOST: 'tcp://docker.example', DOCKER_TLS_VERIFY: '1' }));
  assert.deepEqual(verified.tls, { verify: true, certDir: '/home/me/.docker' });
  assert.deepEqual(verified.address, { kind: 'tcp', host: 'docker.example', port: 2376 });
  assert.equal(resolveEndpoint(inputs({ DOCKER_HOST: 'tcp://docker.example:3000', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' })).tls?.certDir, '/certs');
  assert.equal(resolveEndpoint(inputs({ DOCKER_HOST: 'tcp://docker.example', DOCKER_TLS: '1' })).tls?.verify, false);
  const plain = resolveEndpoint(inputs({ DOCKER_HOST: 'tcp://docker.example' }));
  assert.equal(plain.tls, undefined);
  assert.deepEqual(plain.address, { kind: 'tcp', host: 'docker.example', port: 2375 });
  assert.deepEqual(resolveEndpoint(inputs({ DOCKER_CONTEXT: 'tls' })).tls, { verify: true, certDir: '/ctx/tls' });
  // TLS settings have no meaning for ssh or a socket.
  assert.equal(resolveEndpoint(inputs({ DOCKER_HOST: 'ssh://me@host', DOCKER_TLS_VERIFY: '1' })).tls, undefined);
});

test('engine addresses: unix, tcp and ssh (user, host, port); what the docker CLI refuses is refused with the reason', () => {
  assert.deepEqual(parseEngineUrl('ssh://root@10.0.0.5'), { kind: 'ssh', user: 'root', host: '10.0.0.5', port: undefined });
  assert.deepEqual(parseEngineUrl('ssh://bg-remote-lab'), { kind: 'ssh', user: undefined, host: 'bg-remote-lab', port: undefined });
  assert.deepEqual(parseEngineUrl('tcp://[::1]:2375'), { kind: 'tcp', host: '::1', port: 2375 });
  for (const [url, reason] of [
    ['ssh://me:secret@host', /password/],
    ['ssh://host/var/run/docker.sock', /path/],
    ['npipe:////./pipe/docker_engine', /not an engine address/],
    ['unix://relative.sock', /absolute/],
    ['prod.example.com', /not an engine address/],
  ] as const) {
    assert.throws(
      () => parseEngineUrl(url),
      (error: Error) => error instanceof EndpointError && reason.test(error.message),
      url,
    );
  }
});

test("the docker CLI's files: config.json's currentContext, a context's endpoint and TLS directory by the SHA-256 of its name", () => {
  const dir = mkdtempSync(join(tmpdir(), 'bg-docker-config-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'lab' }));
  const id = createHash('sha256').update('lab').digest('hex');
  mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(join(dir, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'lab', Endpoints: { docker: { Host: 'ssh://root@lab', SkipTLSVerify: false } } }));
  const read = dockerCliInputs({ DOCKER_CONFIG: dir });
  assert.equal(read.currentContext, 'lab');
  assert.deepEqual(read.context('lab'), { host: 'ssh://root@lab', skipTlsVerify: false, tlsDir: undefined });
  assert.equal(read.context('other'), undefined);
  assert.equal(resolveEndpoint(read).url, 'ssh://root@lab');
  // DOCKER_HOST set: config.json is not even read for a context.
  assert.equal(dockerCliInputs({ DOCKER_CONFIG: dir, DOCKER_HOST: 'unix:///x.sock' }).currentContext, undefined);
});

test("ssh's refusals as one line and a hint: an unknown or changed host key, a refused key, an unreachable host", () => {
  const to = { host: 'prod.example', port: 2222, user: 'deploy' };
  const unknown = sshFailure('No ED25519 host key is known for [prod.example]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n', to);
  assert.match(unknown.cause, /host key of \[prod\.example\]:2222 is not in known_hosts/);
  assert.match(unknown.hint, /ssh-keyscan -p 2222 prod\.example/);
  assert.match(sshFailure('@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.', to).cause, /not the one in known_hosts/);
  assert.equal(sshFailure('deploy@prod.example: Permission denied (publickey).', to).cause, 'deploy@prod.example refused every key ssh offered (publickey)');
  assert.equal(sshFailure('Permission denied, please try again.', to).cause, 'deploy@prod.example refused every key ssh offered');
  assert.match(sshFailure('ssh: connect to host prod.example port 2222: Connection refused', to).cause, /refused the connection/);
  assert.match(sshFailure('ssh: Could not resolve hostname prod.example: Name or service not known', to).cause, /does not resolve/);
  assert.match(sshFailure('ssh: connect to host prod.example port 2222: Connection timed out', to).cause, /did not answer/);
});

test('an engine lock is stale once its heartbeat, by the engine clock, is older than the lease', () => {
  assert.equal(lockIsStale({ createdAt: 1_000, heartbeatAt: 50_000 }, 60_000, 30_000), false);
  assert.equal(lockIsStale({ createdAt: 1_000, heartbeatAt: 20_000 }, 60_000, 30_000), true);
  assert.equal(lockIsStale({ createdAt: 40_000 }, 60_000, 30_000), false, 'no heartbeat yet: its creation counts');
  assert.equal(lockIsStale({ createdAt: 1_000 }, 60_000, 30_000), true);
});

test('a failed undo is exit 5, except a preview-only launch whose undo could not reach the engine: exit 4, live untouched', async () => {
  const { failedUndoExit } = await import('../../src/plan/revert.js');
  assert.equal(failedUndoExit('preview', { exitCode: 4 }), 4);
  assert.equal(failedUndoExit('preview', { exitCode: 1 }), 5);
  assert.equal(failedUndoExit('live', { exitCode: 4 }), 5, 'what was launched live may carry traffic: a person looks');
  assert.equal(failedUndoExit('preview', {}), 5);
});
