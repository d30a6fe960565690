import { packageFile } from '../package-root.js';
import { runCompose } from '../runtime/compose-process.js';
import { BgError, ExitCode } from '../errors.js';
import type { Options } from '../config/options.js';
import { DockerEngine } from '../runtime/docker.js';
import { displayUrl, TraefikApi } from '../runtime/traefik-api.js';
import type { Reporter } from '../output/reporter.js';
import { Deadline, retryUntil } from '../waiting/retry.js';
import { LABEL } from '../plan/names.js';

/** traefik/docker-compose.yml, shipped with the package. */
const TRAEFIK_COMPOSE = packageFile('traefik', 'docker-compose.yml');

const projectName = () => process.env.BG_TRAEFIK_PROJECT || 'bluegreen-traefik';

async function runTraefikCompose(command: string, commandOptions: string[]): Promise<void> {
  const run = await runCompose(['-f', TRAEFIK_COMPOSE, command, ...commandOptions], { env: { ...process.env }, what: `${command} of Traefik`, boundMs: 10 * 60_000 });
  if (run.code !== 0) {
    const text = run.err.trim().split('\n').filter(Boolean).at(-1);
    throw new BgError(`docker compose ${command} of Traefik (${TRAEFIK_COMPOSE}) failed: ${text}`, ExitCode.failedReverted, 'is BG_HTTP_PORT or BG_API_PORT already taken?');
  }
}

/** Starts the project's Traefik unless one already answers at --traefik-api. */
export async function proxyUp(options: Options, out: Reporter): Promise<string> {
  const api = new TraefikApi(options.traefikApi);
  const running = await api.version().catch(() => undefined);
  if (running) return `Traefik ${running} already answers at ${displayUrl(options.traefikApi)}: using it`;
  const docker = new DockerEngine();
  await docker.ping();
  await docker.ensureNetwork(options.network, { [LABEL.managed]: 'true' });
  await out.step(`start Traefik (${TRAEFIK_COMPOSE})`, () => runTraefikCompose('up', ['-d', '--wait']));
  const version = await retryUntil(() => api.version().catch(() => undefined), {
    deadline: Deadline.after(30_000),
    onTimeout: () => new BgError(`Traefik started but its API does not answer at ${displayUrl(options.traefikApi)}`, ExitCode.unreachable, 'BG_API_PORT must match the port in --traefik-api'),
  });
  return `Traefik ${version} runs: entrypoint ${options.traefikUrl}, API ${displayUrl(options.traefikApi)}`;
}

export async function proxyDown(out: Reporter): Promise<string> {
  await new DockerEngine().ping();
  await out.step('stop Traefik', () => runTraefikCompose('down', []));
  return `Traefik project ${projectName()} removed`;
}

export async function proxyStatus(options: Options): Promise<{ line: string; event: Record<string, unknown> }> {
  const version = await new TraefikApi(options.traefikApi).version().catch(() => undefined);
  const line = version ? `Traefik ${version} answers at ${displayUrl(options.traefikApi)}` : `no Traefik answers at ${displayUrl(options.traefikApi)}`;
  if (!version) throw new BgError(line, ExitCode.unreachable, 'start one with `bluegreen proxy up`');
  return { line, event: { traefik: version, api: displayUrl(options.traefikApi) } };
}
