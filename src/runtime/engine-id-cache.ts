import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

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
  if (file) save(file, id);
  return id;
}

function cacheFileOf(socketPath: string): string | undefined {
  try {
    const socket = statSync(socketPath);
    const root = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    const name = `${Buffer.from(socketPath).toString('base64url')}-${socket.dev}-${socket.ino}-${Math.round(socket.ctimeMs)}`;
    return join(root, 'bluegreen', 'engines', name);
  } catch {
    return undefined;
  }
}

function readId(file: string): string | undefined {
  try {
    const id = readFileSync(file, 'utf8').trim();
    return /^[A-Za-z0-9:_-]{8,200}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

function save(file: string, id: string): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const temporary = `${file}.${process.pid}`;
    writeFileSync(temporary, `${id}\n`);
    renameSync(temporary, file);
  } catch {
    // Asked again next time.
  }
}
