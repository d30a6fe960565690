import { hostname, userInfo } from 'node:os';

/** The user running the command; a uid without a passwd entry (CI containers) has no name. */
export function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? `uid${process.getuid?.() ?? ''}`;
  }
}

/** user@host, as history and the lock record it. */
export const userAtHost = () => `${userName()}@${hostname()}`;
