import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * bluegreen's place in the user's cache directory (XDG): what only saves
 * time (the code cache, engine IDs), never what must be kept. A file here
 * that cannot be read or written costs only the time it would have saved.
 */
export const userCachePath = (...parts: string[]) => join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bluegreen', ...parts);

export function readCached(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Written whole (a temporary file renamed over it), so that a reader never sees half; failures ignored. */
export function writeCached(path: string, data: string | Uint8Array): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}`;
    writeFileSync(temporary, data);
    renameSync(temporary, path);
    return true;
  } catch {
    return false;
  }
}
