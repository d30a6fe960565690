import { hostname } from 'node:os';
import { BgError, ExitCode } from '../errors.js';
import type { LockHolder } from './store.js';

/** A holder on this host whose process is gone: its lock is stale. */
export function isDeadHereHolder(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function lockedError(holder: LockHolder | undefined, where: string): BgError {
  const who = holder ? `${holder.by}@${holder.host} (pid ${holder.pid}) running \`${holder.command}\` since ${holder.since}` : 'another command';
  return new BgError(`the app is locked by ${who}`, ExitCode.locked, `wait for it, pass --wait-lock 5m, or if it is gone run \`bluegreen unlock\` (lock: ${where})`);
}
