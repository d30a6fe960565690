import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the file store lives unless --state-dir says: one directory per user
 * and Docker engine, not per checkout. Two checkouts (or a CI workspace and a
 * terminal) deploying one app to one engine then share its lock, history and
 * release numbers; the same app name on another engine (DOCKER_HOST) does not
 * mix with it. Follows the XDG base directories: ~/.local/state by default.
 */
export function defaultStateRoot(engineId: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'bluegreen', `engine-${engineId.replace(/[^A-Za-z0-9_.-]+/g, '-')}`);
}

/** Where releases before 0.2 kept an app's state: `.bluegreen/<app>/` beside the compose file. */
export const checkoutStateDir = (composeDir: string, app: string) => join(composeDir, '.bluegreen', app);
