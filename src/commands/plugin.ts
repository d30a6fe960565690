import { chmodSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { packageFile } from '../package-root.js';
import { BgError, ExitCode } from '../errors.js';

/**
 * `docker bg`: a link in the docker CLI's plugin directory (DOCKER_CONFIG,
 * else ~/.docker, then cli-plugins/docker-bg) to this package's plugin
 * entry, so that `docker bg deploy` runs this bluegreen, also with
 * `docker --context prod bg deploy`.
 */
export function installPlugin(env: NodeJS.ProcessEnv = process.env): string {
  const target = packageFile('dist', 'docker-plugin.cjs');
  const dir = join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'cli-plugins');
  const link = join(dir, 'docker-bg');
  try {
    chmodSync(target, 0o755);
    mkdirSync(dir, { recursive: true });
    if (existingLink(link) !== target) {
      rmSync(link, { force: true });
      symlinkSync(target, link);
    }
  } catch (error) {
    throw new BgError(`could not link ${link} to ${target}: ${(error as NodeJS.ErrnoException).code ?? error}`, ExitCode.usage, 'set DOCKER_CONFIG to a directory this user can write');
  }
  return `docker bg -> ${target} (${link})`;
}

function existingLink(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}
