import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_TRAEFIK_API, ROOT } from './bench-env.js';
import { runTimed } from './exec.js';

async function output(cmd: string, args: string[]): Promise<string> {
  const result = await runTimed({ cmd, args }, 20_000);
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? '';
}

async function traefikVersion(): Promise<string> {
  try {
    const response = await fetch(`${BENCH_TRAEFIK_API}/api/version`, { signal: AbortSignal.timeout(5000) });
    return ((await response.json()) as { Version?: string }).Version ?? 'unknown';
  } catch (error) {
    return `unknown (${String(error)})`;
  }
}

function osName(): string {
  try {
    return /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What a reader needs to compare these numbers with theirs. */
export async function machineFacts() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    os: osName(),
    node: process.version,
    bluegreen: pkg.version,
    docker_engine: await output('docker', ['version', '--format', '{{.Server.Version}}']),
    compose: await output('docker', ['compose', 'version', '--short']),
    traefik: await traefikVersion(),
    wrk: (await output('wrk', ['--version'])).replace(/ Copyright.*/, ''),
    note: 'one shared Docker engine: whatever else runs on it (other projects, tests) runs during the benchmark too',
  };
}
