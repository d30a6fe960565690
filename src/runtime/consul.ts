import { named } from '../config/registry.js';
import got, { type Got, RequestError } from 'got';
import { BgError, ExitCode, unreachableError } from '../errors.js';

export interface KvEntry {
  key: string;
  value: string;
  /** Check-and-set writes pass this back: 0 means "only if absent". */
  modifyIndex: number;
  /** The session holding the key as a lock, if any. */
  session?: string;
}

type Method = 'GET' | 'PUT' | 'DELETE';
interface CallOptions {
  body?: string;
  searchParams?: Record<string, string>;
  allow404?: boolean;
}

export interface ConsulOptions {
  address: string;
  token?: string;
}

/** Consul's HTTP API: the KV store with check-and-set, and session locks. */
export class ConsulClient {
  private readonly http: Got;

  constructor(readonly options: ConsulOptions) {
    const prefixUrl = /^https?:\/\//.test(options.address) ? options.address : `http://${options.address}`;
    this.http = got.extend({
      prefixUrl,
      headers: options.token ? { 'x-consul-token': options.token } : {},
      timeout: { request: 5000 },
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
  }

  async leader(): Promise<string> {
    return JSON.parse(await this.call('GET', 'v1/status/leader'));
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const body = await this.callOptional('GET', `v1/kv/${key}`, { allow404: true });
    if (body === undefined) return undefined;
    const [raw] = JSON.parse(body) as { Key: string; Value: string | null; ModifyIndex: number; Session?: string }[];
    if (!raw) return undefined;
    return {
      key: raw.Key,
      value: raw.Value ? Buffer.from(raw.Value, 'base64').toString('utf8') : '',
      modifyIndex: raw.ModifyIndex,
      session: raw.Session,
    };
  }

  /** Every key under a prefix (recursive). */
  async list(prefix: string): Promise<KvEntry[]> {
    const body = await this.callOptional('GET', `v1/kv/${prefix}`, { allow404: true, searchParams: { recurse: 'true' } });
    if (body === undefined) return [];
    return (JSON.parse(body) as { Key: string; Value: string | null; ModifyIndex: number }[]).map((raw) => ({
      key: raw.Key,
      value: raw.Value ? Buffer.from(raw.Value, 'base64').toString('utf8') : '',
      modifyIndex: raw.ModifyIndex,
    }));
  }

  /** A plain write, or with `cas` a check-and-set write: false when it lost. */
  async put(key: string, value: string, cas?: number): Promise<boolean> {
    const searchParams = cas === undefined ? undefined : { cas: String(cas) };
    return JSON.parse(await this.call('PUT', `v1/kv/${key}`, { body: value, searchParams })) === true;
  }

  async delete(key: string, options: { recurse?: boolean; cas?: number } = {}): Promise<void> {
    const searchParams = { ...(options.recurse ? { recurse: 'true' } : {}), ...(options.cas !== undefined ? { cas: String(options.cas) } : {}) };
    await this.call('DELETE', `v1/kv/${key}`, { searchParams });
  }

  /** A session that Consul invalidates when not renewed within `ttlSeconds`. */
  async createSession(name: string, ttlSeconds: number): Promise<string> {
    // A session that is invalidated (TTL run out, destroyed by another) keeps
    // its key from being taken for the lock-delay: time for a holder that
    // cannot renew any more to notice and stop before someone else starts.
    const body = JSON.stringify({ Name: name, TTL: `${ttlSeconds}s`, Behavior: 'delete', LockDelay: `${ttlSeconds}s` });
    return (JSON.parse(await this.call('PUT', 'v1/session/create', { body })) as { ID: string }).ID;
  }

  async renewSession(id: string): Promise<boolean> {
    return (await this.callOptional('PUT', `v1/session/renew/${id}`, { allow404: true })) !== undefined;
  }

  async destroySession(id: string): Promise<void> {
    await this.call('PUT', `v1/session/destroy/${id}`);
  }

  /** Takes `key` as a lock for `session`, writing `value`: false when someone holds it. */
  async acquire(key: string, value: string, session: string): Promise<boolean> {
    return JSON.parse(await this.call('PUT', `v1/kv/${key}`, { body: value, searchParams: { acquire: session } })) === true;
  }

  async release(key: string, session: string): Promise<boolean> {
    return JSON.parse(await this.call('PUT', `v1/kv/${key}`, { searchParams: { release: session } })) === true;
  }

  private async call(method: Method, path: string, options: CallOptions = {}): Promise<string> {
    return (await this.callOptional(method, path, options)) ?? '';
  }

  /** Like call, but a 404 (absent key, unknown session) is undefined. */
  private async callOptional(method: Method, path: string, options: CallOptions = {}): Promise<string | undefined> {
    const address = this.options.address;
    let response;
    try {
      response = await this.http(path, { method, body: options.body, searchParams: options.searchParams });
    } catch (error) {
      const code = error instanceof RequestError ? error.code : String(error);
      throw unreachableError(`Consul at ${address} is unreachable (${code})`, `start Consul or set ${named('consulAddress')}`, error);
    }
    if (response.statusCode === 404 && options.allow404) return undefined;
    if (response.statusCode === 403) {
      throw unreachableError(`Consul at ${address} refused the token (403: ${response.body.trim()})`, `set ${named('consulToken')} to a token with key and session write on bluegreen/`);
    }
    if (response.statusCode >= 400) {
      throw new BgError(`Consul at ${address} answered ${response.statusCode} to ${method} ${path}: ${response.body.trim()}`, ExitCode.unreachable);
    }
    return response.body;
  }
}
