import { packageFile } from '../package-root.js';
import { runCompose, runDocker } from '../runtime/compose-process.js';
import { BgError, ConnectionLostError, ExitCode } from '../errors.js';
import type { Options } from '../config/options.js';
import { DockerEngine } from '../runtime/docker.js';
import type { EngineConnection } from '../runtime/engine-connection.js';
import { displayUrl } from '../runtime/traefik-api.js';
import { traefikFor } from '../runtime/traefik-replicas.js';
import type { Reporter } from '../output/reporter.js';
import { Deadline, retryUntil } from '../waiting/retry.js';
import { LABEL } from '../plan/names.js';

/** traefik/docker-compose.yml, shipped with the package. */
const TRAEFIK_COMPOSE = packageFile('traefik', 'docker-compose.yml');

const projectName = () => process.env.BG_TRAEFIK_PROJECT || 'bluegreen-traefik';

async function runTraefikCompose(connection: EngineConnection, command: string, commandOptions: string[]): Promise<void> {
  const run = await runCompose(['-f', TRAEFIK_COMPOSE, command, ...commandOptions], { env: connection.childEnv(), what: `${command} of Traefik`, boundMs: 10 * 60_000 });
  if (run.code !== 0) {
    const text = run.err.trim().split('\n').filter(Boolean).at(-1);
    throw new BgError(`docker compose ${command} of Traefik (${TRAEFIK_COMPOSE}) failed: ${text}`, ExitCode.failedReverted, 'is BG_HTTP_PORT or BG_API_PORT already taken?');
  }
}

/** traefik/docker-stack.yml: the same Traefik with the swarm provider, on a swarm manager. */
const TRAEFIK_STACK = packageFile('traefik', 'docker-stack.yml');

/**
 * The manager's engine socket as Traefik's task mounts it: a path on the
 * manager. The one a unix:// address names (this machine's own), else
 * Docker's default (an engine reached over ssh or tcp is at its host's).
 */
const managerSocket = (connection: EngineConnection) => (connection.endpoint.address.kind === 'unix' ? connection.endpoint.address.path : '/var/run/docker.sock');

async function runTraefikStack(connection: EngineConnection): Promise<void> {
  const run = await runDocker(['stack', 'deploy', '--resolve-image', 'never', '--detach=true', '-c', TRAEFIK_STACK, projectName()], {
    env: { ...connection.childEnv(), BG_DOCKER_SOCKET: process.env.BG_DOCKER_SOCKET ?? managerSocket(connection) },
    what: 'stack deploy of Traefik',
    boundMs: 10 * 60_000,
  });
  if (run.code !== 0)
    throw new BgError(
      `docker stack deploy of Traefik (${TRAEFIK_STACK}) failed: ${run.err.trim().split('\n').at(-1)}`,
      ExitCode.failedReverted,
      'is BG_HTTP_PORT or BG_API_PORT already taken on the manager?',
    );
}

/** Traefik not answering yet, while it starts: unless the connection to its host is gone. */
const stillStarting = (error: unknown) => {
  if (error instanceof ConnectionLostError) throw error;
  return undefined;
};

/** Every Traefik API --traefik-api names, as messages show them. */
const shownApis = (options: Options) => options.traefikReplicas.map((r) => displayUrl(r.api)).join(', ');

/** Starts the project's Traefik unless one already answers at --traefik-api (every URL): a compose project, or on a swarm manager a stack. */
export async function proxyUp(options: Options, out: Reporter, connection: EngineConnection): Promise<string> {
  const api = traefikFor(options.traefikReplicas, connection.reach);
  const running = await api.version().catch(() => undefined);
  if (running) return `Traefik ${running} already answers at ${shownApis(options)}: using it`;
  const docker = new DockerEngine(connection);
  await docker.ping();
  const role = await docker.swarmRole();
  if (role === 'worker') throw new BgError('this Docker engine is a swarm worker: Traefik runs on a manager', ExitCode.usage, 'run on a manager, or set DOCKER_HOST to one');
  await docker.ensureNetwork(options.network, { [LABEL.managed]: 'true' }, role === 'manager' ? 'overlay' : 'bridge');
  if (role === 'manager') await out.step(`start Traefik on the swarm (${TRAEFIK_STACK})`, () => runTraefikStack(connection));
  else await out.step(`start Traefik (${TRAEFIK_COMPOSE})`, () => runTraefikCompose(connection, 'up', ['-d', '--wait']));
  const version = await retryUntil(() => api.version().catch(stillStarting), {
    deadline: Deadline.after(60_000),
    onTimeout: () =>
      new BgError(
        `Traefik started but its API does not answer at ${shownApis(options)}`,
        ExitCode.unreachable,
        'BG_API_PORT must match the port in --traefik-api; in swarm mode, a Traefik runs on each node BG_TRAEFIK_PLACEMENT selects',
      ),
  });
  return `Traefik ${version} runs: entrypoint ${options.traefikUrl}, API ${shownApis(options)}${onHost(connection)}`;
}

/** Where the addresses are, when the engine is another machine's. */
const onHost = (connection: EngineConnection) => (connection.endpoint.address.kind === 'ssh' ? ` on the host of ${connection.name}` : '');

export async function proxyDown(out: Reporter, connection: EngineConnection): Promise<string> {
  const docker = new DockerEngine(connection);
  await docker.ping();
  if ((await docker.swarmRole()) === 'manager') {
    await out.step("remove Traefik's stack", async () => void (await runDocker(['stack', 'rm', projectName()], { env: connection.childEnv(), what: 'stack rm of Traefik', boundMs: 60_000 })));
    return `Traefik stack ${projectName()} removed`;
  }
  await out.step('stop Traefik', () => runTraefikCompose(connection, 'down', []));
  return `Traefik project ${projectName()} removed`;
}

export async function proxyStatus(options: Options, connection: EngineConnection): Promise<{ line: string; event: Record<string, unknown> }> {
  const version = await traefikFor(options.traefikReplicas, connection.reach)
    .version()
    .catch((error: Error) => {
      // Of several instances, which one does not answer: the first that did not.
      const line = options.traefikReplicas.length > 1 ? error.message : `no Traefik answers at ${shownApis(options)}`;
      throw new BgError(line, ExitCode.unreachable, 'start one with `bluegreen proxy up`');
    });
  const line = `Traefik ${version} answers at ${shownApis(options)}${onHost(connection)}`;
  return { line, event: { traefik: version, api: shownApis(options) } };
}
