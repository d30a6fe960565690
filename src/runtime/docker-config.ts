import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EngineInputs } from '../plan/docker-endpoint.js';

/**
 * The docker CLI's own files, read as it reads them: its config directory
 * (DOCKER_CONFIG, else ~/.docker), config.json's currentContext, and each
 * context's stored endpoint under contexts/meta/<sha256 of its name>/ with
 * its TLS material under contexts/tls/<same>/docker/. Read only when no
 * DOCKER_HOST says which engine (most local runs never get here).
 */
export function dockerCliInputs(env: NodeJS.ProcessEnv): EngineInputs {
  const configDir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  const pick = ({ DOCKER_HOST, DOCKER_CONTEXT, DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH }: NodeJS.ProcessEnv) => ({
    DOCKER_HOST,
    DOCKER_CONTEXT,
    DOCKER_TLS_VERIFY,
    DOCKER_TLS,
    DOCKER_CERT_PATH,
  });
  return {
    env: pick(env),
    configDir,
    get currentContext() {
      return env.DOCKER_HOST || env.DOCKER_CONTEXT ? undefined : readJson<{ currentContext?: string }>(join(configDir, 'config.json'))?.currentContext || undefined;
    },
    context(name) {
      const id = createHash('sha256').update(name).digest('hex');
      const meta = readJson<{ Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } }>(join(configDir, 'contexts', 'meta', id, 'meta.json'));
      const docker = meta?.Endpoints?.docker;
      if (!docker?.Host) return undefined;
      const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
      return { host: docker.Host, skipTlsVerify: Boolean(docker.SkipTLSVerify), tlsDir: existsSync(tlsDir) ? tlsDir : undefined };
    },
  };
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
