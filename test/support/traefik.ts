import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { NETWORK, TEST_API_PORT, TEST_HTTP_PORT, TEST_TRAEFIK_PROJECT } from './ports.js';

const run = promisify(execFile);
const composeFile = fileURLToPath(new URL('../../traefik/docker-compose.yml', import.meta.url));

export const testTraefikEnv = () => ({
  ...process.env,
  BG_TRAEFIK_PROJECT: TEST_TRAEFIK_PROJECT,
  BG_HTTP_BIND: '127.0.0.1',
  BG_HTTP_PORT: String(TEST_HTTP_PORT),
  BG_API_PORT: String(TEST_API_PORT),
});

/**
 * Starts the project's own Traefik (traefik/docker-compose.yml) on the
 * test ports and waits for its healthcheck. Idempotent: the test files share
 * it; scripts/test.sh removes it at the end.
 */
export async function ensureTestTraefik(): Promise<void> {
  await run('docker', ['network', 'inspect', NETWORK]).catch(() => run('docker', ['network', 'create', '--label', 'io.bluegreen.managed=true', NETWORK]));
  await run('docker', ['compose', '-f', composeFile, 'up', '-d', '--wait'], { env: testTraefikEnv() });
}
