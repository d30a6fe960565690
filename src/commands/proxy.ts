import { packageFile } from '../package-root.js';
import { runCompose, runDocker } from '../runtime/compose-process.js';
import { BgError, ExitCode } from '../errors.js';
import type { Options } from '../config/options.js';
import { DockerEngine } from '../runtime/docker.js';
import { displayUrl } from '../runtime/traefik-api.js';
import { traefikFor } from '../runtime/traefik-replicas.js';
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

/** traefik/docker-stack.yml: the same Traefik with the swarm provider, on a swarm manager. */
const TRAEFIK_STACK = packageFile('traefik', 'docker-stack.yml');

/** The manager's engine socket as Traefik's task mounts it: the one DOCKER_HOST names, else Docker's default. */
const managerSocket = () => (process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/var/run/docker.sock');

async function runTraefikStack(): Promise<void> {
  const run = await runDocker(['stack', 'deploy', '--resolve-image', 'never', '--detach=true', '-c', TRAEFIK_STACK, projectName()], {
    env: { ...process.env, BG_DOCKER_SOCKET: process.env.BG_DOCKER_SOCKET ?? managerSocket() },
    what: 'stack deploy of Traefik',
    boundMs: 10 * 60_000,
  });
  if (run.code !== 0) throw new BgError(`docker stack deploy of Traefik (${TRAEFIK_STACK}) failed: ${run.err.trim().split('\n').at(-1)}`, ExitCode.failedReverted, 'is BG_HTTP_PORT or BG_API_PORT already taken on the manager?');
}

/** Every Traefik API --traefik-api names, as messages show them. */
const shownApis = (options: Options) => options.traefikReplicas.map((r) => displayUrl(r.api)).join(', ');

/** Starts the project's Traefik unless one already answers at --traefik-api (every URL): a compose project, or on a swarm manager a stack. */
export async function proxyUp(options: Options, out: Reporter): Promise<string> {
  const api = traefikFor(options.traefikReplicas);
  const running = await api.version().catch(() => undefined);
  if (running) return `Traefik ${running} already answers at ${shownApis(options)}: using it`;
  const docker = new DockerEngine();
  await docker.ping();
  const role = await docker.swarmRole();
  if (role === 'worker') throw new BgError('this Docker engine is a swarm worker: Traefik runs on a manager', ExitCode.usage, 'run on a manager, or set DOCKER_HOST to one');
  await docker.ensureNetwork(options.network, { [LABEL.managed]: 'true' }, role === 'manager' ? 'overlay' : 'bridge');
  if (role === 'manager') await out.step(`start Traefik on the swarm (${TRAEFIK_STACK})`, runTraefikStack);
  else await out.step(`start Traefik (${TRAEFIK_COMPOSE})`, () => runTraefikCompose('up', ['-d', '--wait']));
  const version = await retryUntil(() => api.version().catch(() => undefined), {
    deadline: Deadline.after(60_000),
    onTimeout: () => new BgError(`Traefik started but its API does not answer at ${shownApis(options)}`, ExitCode.unreachable, 'BG_API_PORT must match the port in --traefik-api; in swarm mode, a Traefik runs on each node BG_TRAEFIK_PLACEMENT selects'),
  });
  return `Traefik ${version} runs: entrypoint ${options.traefikUrl}, API ${shownApis(options)}`;
}

export async function proxyDown(out: Reporter): Promise<string> {
  const docker = new DockerEngine();
  await docker.ping();
  if ((await docker.swarmRole()) === 'manager') {
    await out.step('remove Traefik\'s stack', async () => void (await runDocker(['stack', 'rm', projectName()], { env: process.env, what: 'stack rm of Traefik', boundMs: 60_000 })));
    return `Traefik stack ${projectName()} removed`;
  }
  await out.step('stop Traefik', () => runTraefikCompose('down', []));
  return `Traefik project ${projectName()} removed`;
}

export async function proxyStatus(options: Options): Promise<{ line: string; event: Record<string, unknown> }> {
  const version = await traefikFor(options.traefikReplicas).version().catch((error: Error) => {
    // Of several instances, which one does not answer: the first that did not.
    const line = options.traefikReplicas.length > 1 ? error.message : `no Traefik answers at ${shownApis(options)}`;
    throw new BgError(line, ExitCode.unreachable, 'start one with `bluegreen proxy up`');
  });
  const line = `Traefik ${version} answers at ${shownApis(options)}`;
  return { line, event: { traefik: version, api: shownApis(options) } };
}
