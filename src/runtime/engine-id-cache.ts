import { statSync } from 'node:fs';
import { readCached, userCachePath, writeCached } from './user-cache.js';

/**
 * The engine's ID as last asked through this Unix socket, while the socket is
 * the same file: Docker creates its socket anew each time the engine starts,
 * so another engine (or the same one restarted) behind the path is another
 * file, and is asked again. Asking (`GET /info`) is the slowest of the
 * queries every command makes (~12 ms of `bluegreen status`, measured). Any
 * trouble with the cache means asking.
 */
export async function engineIdThroughSocket(socketPath: string, ask: () => Promise<string>, what: { kind: string; valid: RegExp } = ENGINE_ID): Promise<string> {
  const file = cacheFileOf(socketPath, what.kind);
  const cached = file && readId(file, what.valid);
  if (cached) return cached;
  const id = await ask();
  if (file) writeCached(file, `${id}\n`);
  return id;
}

const ENGINE_ID = { kind: 'engines', valid: /^[A-Za-z0-9:_-]{8,200}$/ };
/** The engine's host name (`docker info`'s Name), cached the same way. */
export const ENGINE_HOST_NAME = { kind: 'engine-hosts', valid: /^[A-Za-z0-9._-]{1,253}$/ };

function cacheFileOf(socketPath: string, kind: string): string | undefined {
  try {
    const socket = statSync(socketPath);
    return userCachePath(kind, `${Buffer.from(socketPath).toString('base64url')}-${socket.dev}-${socket.ino}-${Math.round(socket.ctimeMs)}`);
  } catch {
    return undefined;
  }
}

function readId(file: string, valid: RegExp): string | undefined {
  const id = readCached(file)?.toString('utf8').trim();
  return id && valid.test(id) ? id : undefined;
}
