/**
 * Which Docker engine a command talks to, decided as the docker CLI decides
 * it (docker/cli's command.resolveContextName and ResolveDefaultContext), so
 * that `docker ps` and bluegreen never look at two different engines: an
 * explicit DOCKER_HOST wins, then DOCKER_CONTEXT, then the current context
 * of the CLI's config.json, then the default socket. Pure: the caller reads
 * the environment and the CLI's files (runtime/docker-config.ts).
 */

export type EngineAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number } | { kind: 'ssh'; user?: string; host: string; port?: number };

export interface EngineTls {
  /** Verify the engine's certificate against ca.pem (DOCKER_TLS_VERIFY, or a context's without SkipTLSVerify). */
  verify: boolean;
  /** Where ca.pem, cert.pem and key.pem are. */
  certDir: string;
}

/** An engine as resolved: its address, TLS, and what chose it (for messages). */
export interface EngineEndpoint {
  /** As the user wrote it: `ssh://deploy@prod`, `unix:///var/run/docker.sock`. */
  url: string;
  address: EngineAddress;
  tls?: EngineTls;
  /** The docker context it came from, if any ('default' is none). */
  context?: string;
  /** What chose it: `DOCKER_HOST`, `DOCKER_CONTEXT`, `the current context`, or `the default`. */
  chosenBy: string;
}

export const DEFAULT_ENGINE_URL = 'unix:///var/run/docker.sock';

export class EndpointError extends Error {}

/** A DOCKER_HOST URL as an address; an EndpointError says what is wrong with it. */
export function parseEngineUrl(url: string): EngineAddress {
  const text = url.trim();
  if (text.startsWith('unix://')) {
    const path = text.slice('unix://'.length);
    if (!path.startsWith('/')) throw new EndpointError(`"${url}" names no absolute socket path`);
    return { kind: 'unix', path };
  }
  const scheme = /^([a-z]+):\/\//.exec(text)?.[1];
  if (scheme !== 'tcp' && scheme !== 'ssh') {
    throw new EndpointError(`"${url}" is not an engine address bluegreen can use (unix://, tcp:// or ssh://)`);
  }
  let parsed: URL;
  try {
    parsed = new URL(text.replace(/^[a-z]+:/, 'http:'));
  } catch {
    throw new EndpointError(`"${url}" is not a valid address`);
  }
  if (!parsed.hostname) throw new EndpointError(`"${url}" names no host`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (scheme === 'ssh') {
    if (parsed.password) throw new EndpointError(`"${url}": a password in an ssh:// address is not supported (the docker CLI refuses it too); use a key or an agent`);
    if (parsed.pathname !== '/' && parsed.pathname !== '') throw new EndpointError(`"${url}": a path in an ssh:// address is not supported (the docker CLI refuses it too)`);
    return { kind: 'ssh', host, user: parsed.username ? decodeURIComponent(parsed.username) : undefined, port: parsed.port ? Number(parsed.port) : undefined };
  }
  // Docker's port in the clear; with TLS, resolveEndpoint makes it 2376.
  return { kind: 'tcp', host, port: parsed.port ? Number(parsed.port) : 2375 };
}

/** What the docker CLI reads to choose an engine. */
export interface EngineInputs {
  env: { DOCKER_HOST?: string; DOCKER_CONTEXT?: string; DOCKER_TLS_VERIFY?: string; DOCKER_TLS?: string; DOCKER_CERT_PATH?: string };
  /** The CLI's config directory (DOCKER_CONFIG, else ~/.docker): default place of TLS material. */
  configDir: string;
  /** config.json's currentContext, if any. */
  currentContext?: string;
  /** A context's stored endpoint, or undefined when there is no such context. */
  context(name: string): { host: string; skipTlsVerify: boolean; tlsDir?: string } | undefined;
}

/** The engine the docker CLI would talk to; an EndpointError for a context that does not exist or a bad address. */
export function resolveEndpoint(inputs: EngineInputs): EngineEndpoint {
  const { env } = inputs;
  if (env.DOCKER_HOST) return fromHost(env.DOCKER_HOST, 'DOCKER_HOST', envTls(inputs));
  const [name, chosenBy] = env.DOCKER_CONTEXT ? [env.DOCKER_CONTEXT, 'DOCKER_CONTEXT'] : inputs.currentContext ? [inputs.currentContext, 'the current context'] : ['default', 'the default'];
  if (name === 'default') return fromHost(DEFAULT_ENGINE_URL, 'the default', envTls(inputs));
  const stored = inputs.context(name);
  if (!stored) throw new EndpointError(`docker context "${name}" (${chosenBy}) does not exist`);
  const tls = stored.tlsDir ? { verify: !stored.skipTlsVerify, certDir: stored.tlsDir } : undefined;
  return { ...fromHost(stored.host, chosenBy, tls), context: name };
}

function fromHost(url: string, chosenBy: string, tls: EngineTls | undefined): EngineEndpoint {
  const address = parseEngineUrl(url);
  if (address.kind !== 'tcp' || !tls) return { url, address, chosenBy };
  // With TLS and no port written, Docker's TLS port.
  const port = /:\d+\/?$/.test(url.trim()) ? address.port : 2376;
  return { url, address: { ...address, port }, tls, chosenBy };
}

/**
 * TLS as the docker CLI takes it from the environment: DOCKER_TLS_VERIFY (any
 * non-empty value) verifies, DOCKER_TLS without it encrypts only; the
 * certificates are in DOCKER_CERT_PATH, else in the CLI's config directory.
 */
function envTls(inputs: EngineInputs): EngineTls | undefined {
  const { env } = inputs;
  if (!env.DOCKER_TLS_VERIFY && !env.DOCKER_TLS) return undefined;
  return { verify: Boolean(env.DOCKER_TLS_VERIFY), certDir: env.DOCKER_CERT_PATH || inputs.configDir };
}

/** The address as messages name it: the URL, and the context it came from. */
export function describeEndpoint(endpoint: EngineEndpoint): string {
  return endpoint.context ? `${endpoint.url} (context ${endpoint.context})` : endpoint.url;
}

/** Whether a host name is this machine's loopback (an address on the engine's host reached through its connection). */
export const isLoopback = (host: string) => /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(host);
