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
export async function engineIdThroughSocket(socketPath: string, ask: () => Promise<string>): Promise<string> {
  const file = cacheFileOf(socketPath);
  const cached = file && readId(file);
  if (cached) return cached;
  const id = await ask();
  if (file) writeCached(file, `${id}\n`);
  return id;
}

function cacheFileOf(socketPath: string): string | undefined {
  try {
    const socket = statSync(socketPath);
    return userCachePath('engines', `${Buffer.from(socketPath).toString('base64url')}-${socket.dev}-${socket.ino}-${Math.round(socket.ctimeMs)}`);
  } catch {
    return undefined;
  }
}

function readId(file: string): string | undefined {
  const id = readCached(file)?.toString('utf8').trim();
  return id && /^[A-Za-z0-9:_-]{8,200}$/.test(id) ? id : undefined;
}
