import { httpGet } from './http-get.js';

/**
 * The Docker engine's read-only queries over its API directly, where the
 * engine is reached without TLS or ssh (a local socket, plain tcp): what
 * `status`, `history` and every command's first look at Docker need, without
 * loading dockerode. Failures carry what dockerode's do (`code` for a
 * connection error, `statusCode` and `json.message` for an answer), so the
 * caller reports them the same way.
 */
export class EngineReads {
  private constructor(
    private readonly base: string,
    /** The engine's Unix socket, when it is reached through one. */
    readonly socketPath: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  /** Undefined where DOCKER_HOST needs TLS or ssh (dockerode handles those, as before). */
  static forEnv(env: NodeJS.ProcessEnv, timeoutMs: number): EngineReads | undefined {
    const host = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
    if (host.startsWith('unix://')) return new EngineReads('http://engine', host.slice('unix://'.length), timeoutMs);
    // dockerode speaks TLS to a tcp:// engine with the TLS variables set, or on 2376 (Docker's TLS port).
    const tls = env.DOCKER_TLS_VERIFY || env.DOCKER_CERT_PATH || /:2376\/?$/.test(host);
    if (host.startsWith('tcp://') && !tls) return new EngineReads(`http://${host.slice('tcp://'.length)}`, undefined, timeoutMs);
    return undefined;
  }

  async json<T>(path: string): Promise<T> {
    return JSON.parse(await this.text(path)) as T;
  }

  async text(path: string): Promise<string> {
    const answer = await httpGet(`${this.base}${path}`, { socketPath: this.socketPath, timeoutMs: this.timeoutMs });
    if (answer.statusCode >= 200 && answer.statusCode < 300) return answer.body;
    let message = answer.body.trim();
    try {
      message = (JSON.parse(answer.body) as { message?: string }).message ?? message;
    } catch {
      // A plain-text answer is its own message.
    }
    throw Object.assign(new Error(`(HTTP code ${answer.statusCode}) ${message}`), { statusCode: answer.statusCode, json: { message } });
  }
}
