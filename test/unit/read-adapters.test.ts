// The light read paths every command takes (node's own HTTP client instead
// of dockerode and got), and the engine ID kept per engine socket: against
// real local servers and files, no Docker.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpGet } from '../../src/runtime/http-get.js';
import { EngineReads } from '../../src/runtime/engine-reads.js';
import { engineIdThroughSocket } from '../../src/runtime/engine-id-cache.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bg-read-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A server answering each request with `answer(request)`; listening on a Unix socket when given one. */
async function serve(answer: (request: http.IncomingMessage, response: http.ServerResponse) => void, socketPath?: string): Promise<string> {
  const server = http.createServer(answer);
  await new Promise<void>((resolve) => (socketPath ? server.listen(socketPath, resolve) : server.listen(0, '127.0.0.1', resolve)));
  cleanups.push(() => server.close());
  return socketPath ?? `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

test('httpGet sends basic auth written in the URL, and reads any status with its body', async () => {
  const base = await serve((request, response) => {
    response.writeHead(request.headers.authorization === `Basic ${Buffer.from('ops:s3cr:t').toString('base64')}` ? 200 : 401, { 'x-next-page': '2' });
    response.end(`you asked ${request.url}`);
  });
  const withAuth = await httpGet(base.replace('http://', 'http://ops:s3cr%3At@') + '/api/http/routers?page=1', { timeoutMs: 2000 });
  assert.deepEqual([withAuth.statusCode, withAuth.body, withAuth.headers['x-next-page']], [200, 'you asked /api/http/routers?page=1', '2']);
  assert.equal((await httpGet(`${base}/x`, { timeoutMs: 2000 })).statusCode, 401);
});

test('httpGet follows a redirect (an API moved behind another address), a few times at most', async () => {
  const base = await serve((request, response) => {
    if (request.url === '/api/version') return void response.writeHead(301, { location: '/moved/version' }).end();
    if (request.url === '/loop') return void response.writeHead(302, { location: '/loop' }).end();
    response.end(`at ${request.url}`);
  });
  assert.equal((await httpGet(`${base}/api/version`, { timeoutMs: 2000 })).body, 'at /moved/version');
  assert.equal((await httpGet(`${base}/loop`, { timeoutMs: 2000 })).statusCode, 302);
});

test('httpGet gives up after its bound with ETIMEDOUT, and passes on a refused connection', async () => {
  const base = await serve(() => undefined); // never answers
  await assert.rejects(httpGet(`${base}/slow`, { timeoutMs: 150 }), (error: { code?: string }) => error.code === 'ETIMEDOUT');
  await assert.rejects(httpGet('http://127.0.0.1:1/', { timeoutMs: 1000 }), (error: { code?: string }) => error.code === 'ECONNREFUSED');
});

test("the engine is read over its Unix socket; an error answer carries its status and message as dockerode's do", async () => {
  const socket = join(scratch(), 'engine.sock');
  await serve((request, response) => {
    if (request.url === '/containers/json?all=1') return void response.end('[{"Id":"abc"}]');
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"message":"No such container: nope"}');
  }, socket);
  const reads = EngineReads.at({ socketPath: socket }, 2000);
  assert.deepEqual(await reads.json('/containers/json?all=1'), [{ Id: 'abc' }]);
  await assert.rejects(
    reads.json('/containers/nope/json'),
    (error: { statusCode?: number; json?: { message?: string } }) => error.statusCode === 404 && error.json?.message === 'No such container: nope',
  );
});

test('the engine ID is asked once per socket file: a socket made anew (the engine restarted, or another one) is asked again', async () => {
  const dir = scratch();
  const previous = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
  cleanups.push(() => (previous === undefined ? delete process.env.XDG_CACHE_HOME : (process.env.XDG_CACHE_HOME = previous)));
  const socket = join(dir, 'docker.sock');
  writeFileSync(socket, '');
  let asked = 0;
  const ask = (id: string) => async () => (asked++, id);
  assert.equal(await engineIdThroughSocket(socket, ask('ENGINE-A:1234')), 'ENGINE-A:1234');
  assert.equal(await engineIdThroughSocket(socket, ask('ENGINE-B:5678')), 'ENGINE-A:1234');
  assert.equal(asked, 1);
  rmSync(socket);
  await new Promise((resolve) => setTimeout(resolve, 20)); // a file system may give the new file the old inode, not the old time
  writeFileSync(socket, '');
  assert.equal(await engineIdThroughSocket(socket, ask('ENGINE-B:5678')), 'ENGINE-B:5678');
  assert.equal(asked, 2);
  // No socket file to tell by: asked every time.
  assert.equal(await engineIdThroughSocket(join(dir, 'none.sock'), ask('ENGINE-C:9')), 'ENGINE-C:9');
  assert.equal(asked, 3);
});
