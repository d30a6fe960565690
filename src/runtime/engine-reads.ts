import type { EngineConnection } from './engine-connection.js';
import { httpGet } from './http-get.js';

/**
 * The Docker engine's read-only queries over its API directly: what
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

  /** At a Unix socket (the engine's, or the local one of an ssh or TLS connection), or plain tcp. */
  static at(connection: Pick<EngineConnection, 'socketPath' | 'tcp'>, timeoutMs: number): EngineReads {
    if (connection.socketPath) return new EngineReads('http://engine', connection.socketPath, timeoutMs);
    const { host, port } = connection.tcp!;
    return new EngineReads(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, undefined, timeoutMs);
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
