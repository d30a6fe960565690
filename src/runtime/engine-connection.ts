import { existsSync } from 'node:fs';
import { usageError } from '../errors.js';
import { describeEndpoint, EndpointError, isLoopback, resolveEndpoint, type EngineEndpoint } from '../plan/docker-endpoint.js';
import { hostname } from 'node:os';
import { dockerCliInputs } from './docker-config.js';
import { ENGINE_HOST_NAME, engineIdThroughSocket } from './engine-id-cache.js';
import { EngineReads } from './engine-reads.js';

/** The variables through which the docker CLI (and compose) choose an engine: children get DOCKER_HOST only. */
const ENGINE_VARIABLES = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH'];

/**
 * The one Docker engine a command talks to (plan/docker-endpoint.ts chooses
 * it as the docker CLI does), and how each part of bluegreen reaches it:
 * dockerode and the direct reads at `socketPath` (or `tcp`), compose, the
 * docker CLI and hooks with `childEnv()`. An ssh:// or TLS engine is served
 * at a local socket of this command's (runtime/ssh-link.ts, tls-link.ts).
 */
export interface EngineConnection {
  endpoint: EngineEndpoint;
  /** As messages name it: `ssh://deploy@prod (context prod)`. */
  name: string;
  socketPath?: string;
  tcp?: { host: string; port: number };
  /**
   * Whether the engine is this machine's own (not another host's, nor, from
   * a container, the host's): only then may the app's state stay in files here.
   */
  local: boolean;
  /** The environment for a child that must reach the same engine. */
  childEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /**
   * Where this process reaches host:port as seen from the engine's host: an
   * address on its loopback (Traefik's API, as `proxy up` publishes it)
   * through the ssh connection; any other address as it is.
   */
  reach(host: string, port: number): Promise<{ host: string; port: number }>;
  /** What the far side said when reaching the engine last failed, if anything. */
  dialError(): string | undefined;
}

/** Whether this process runs in a container (the engine's host is then not "here", even through its socket). */
export const inContainer = () => existsSync('/.dockerenv') || existsSync('/run/.containerenv');

/**
 * Whether the engine behind a Unix socket (or on this machine's loopback)
 * is this machine's own: always, unless this process runs in a container,
 * where the socket may be the host's, mounted in (`docker run -v
 * /var/run/docker.sock:...`), or an engine of the container's own (a CI
 * runner's dind, a sandbox): told apart by the engine's host name (`docker
 * info`'s Name), cached per engine socket.
 */
async function engineRunsHere(at: Pick<EngineConnection, 'socketPath' | 'tcp'>, cachePerSocket?: string): Promise<boolean> {
  if (!inContainer()) return true;
  const ask = async () => (await EngineReads.at(at, 10_000).json<{ Name: string }>('/info')).Name;
  const name = await (cachePerSocket ? engineIdThroughSocket(cachePerSocket, ask, ENGINE_HOST_NAME) : ask()).catch(() => undefined);
  return name === hostname();
}

/** Resolves and connects; exit 2 for a context or address that cannot be used, exit 4 when the engine's host refuses. */
export async function connectEngine(env: NodeJS.ProcessEnv = process.env): Promise<EngineConnection> {
  let endpoint: EngineEndpoint;
  try {
    endpoint = resolveEndpoint(dockerCliInputs(env));
  } catch (error) {
    if (error instanceof EndpointError) throw usageError(error.message, 'see `docker context ls`; DOCKER_HOST takes unix://, tcp:// or ssh:// addresses');
    throw error;
  }
  const name = describeEndpoint(endpoint);
  const { address } = endpoint;
  const asIs = async (host: string, port: number) => ({ host, port });
  const base = { endpoint, name, dialError: () => undefined, reach: asIs };
  if (address.kind === 'unix') {
    return { ...base, socketPath: address.path, local: await engineRunsHere({ socketPath: address.path }, address.path), childEnv: childEnvFor(`unix://${address.path}`) };
  }
  if (address.kind === 'tcp' && !endpoint.tls) {
    const tcp = { host: address.host, port: address.port };
    const local = isLoopback(address.host) && (await engineRunsHere({ tcp }));
    return { ...base, tcp, local, childEnv: childEnvFor(`tcp://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`) };
  }
  if (address.kind === 'tcp') {
    const { TlsLink } = await import('./tls-link.js');
    const link = await TlsLink.open(address, endpoint.tls!, endpoint.url);
    const local = isLoopback(address.host) && (await engineRunsHere({ socketPath: link.engineSocket }));
    return { ...base, socketPath: link.engineSocket, local, childEnv: childEnvFor(`unix://${link.engineSocket}`), dialError: () => link.dialError };
  }
  const { SshLink } = await import('./ssh-link.js');
  const link = await SshLink.open(address, env);
  return {
    ...base,
    socketPath: link.engineSocket,
    local: false,
    childEnv: childEnvFor(`unix://${link.engineSocket}`),
    reach: async (host, port) => (isLoopback(host) ? { host: '127.0.0.1', port: await link.forward(host, port) } : { host, port }),
    dialError: () => link.dialError,
  };
}

/** A child's environment: the engine as DOCKER_HOST, no context or TLS variable that would choose another. */
const childEnvFor =
  (dockerHost: string) =>
  (base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => {
    const env = { ...base };
    for (const name of ENGINE_VARIABLES) delete env[name];
    env.DOCKER_HOST = dockerHost;
    return env;
  };
