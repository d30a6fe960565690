import { join } from 'node:path';
import { BENCH_API_PORT, BENCH_DIR, BENCH_HTTP_PORT, BENCH_LABELS, BENCH_TRAEFIK_PROJECT, NETWORK, ROOT } from './bench-env.js';
import { run, runTimed } from './exec.js';

const labelArgs = Object.entries(BENCH_LABELS).flatMap(([k, v]) => ['--label', `${k}=${v}`]);

/** Creates Traefik's network if it is missing; true when this run created it (and so removes it at the end). */
export async function ensureNetwork(): Promise<boolean> {
  const found = await runTimed({ cmd: 'docker', args: ['network', 'inspect', NETWORK] });
  if (found.code === 0) return false;
  await run({ cmd: 'docker', args: ['network', 'create', ...labelArgs, NETWORK] });
  return true;
}

export async function removeNetworkIfUnused(): Promise<void> {
  await runTimed({ cmd: 'docker', args: ['network', 'rm', NETWORK], cleanup: true });
}

/** The project's own Traefik (traefik/docker-compose.yml) as a compose project of its own, on the bench ports. */
const traefikCompose = (args: string[]) => ({
  cmd: 'docker',
  args: ['compose', '-f', join(ROOT, 'traefik', 'docker-compose.yml'), '-f', join(BENCH_DIR, 'bench-traefik.labels.yml'), ...args],
  env: {
    ...process.env,
    BG_TRAEFIK_PROJECT: BENCH_TRAEFIK_PROJECT,
    BG_HTTP_BIND: '127.0.0.1',
    BG_HTTP_PORT: String(BENCH_HTTP_PORT),
    BG_API_PORT: String(BENCH_API_PORT),
  },
});

export async function startTraefik(): Promise<void> {
  await run(traefikCompose(['up', '-d', '--wait']), 90_000);
}

export async function stopTraefik(): Promise<void> {
  await runTimed({ ...traefikCompose(['down', '--remove-orphans']), cleanup: true }, 60_000);
}
