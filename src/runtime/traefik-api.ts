import got, { type Got, RequestError } from 'got';
import { unreachableError } from '../errors.js';

export interface RouterView {
  name: string;
  status: string;
  rule: string;
  priority: number;
  service: string;
  entryPoints: string[];
  middlewares: string[];
  error: string[];
}

export interface ServiceView {
  name: string;
  servers: string[];
  serverStatus: Record<string, string>;
}

/** Traefik's API, read only: what Traefik actually routes right now. */
export class TraefikApi {
  private readonly http: Got;

  constructor(readonly baseUrl: string) {
    this.http = got.extend({ prefixUrl: baseUrl, timeout: { request: 3000 }, retry: { limit: 0 }, throwHttpErrors: false });
  }

  /** Fails with exit 4 and the address when the API does not answer. */
  async version(): Promise<string> {
    const body = await this.getJson<{ Version?: string }>('api/version');
    if (!body?.Version) throw unreachableError(`Traefik API at ${this.baseUrl} gave no version`, 'is --traefik-api the API entrypoint of Traefik v3 (api.insecure or a router to api@internal)?');
    return body.Version;
  }

  async router(name: string): Promise<RouterView | undefined> {
    const raw = await this.getJson<Record<string, any>>(`api/http/routers/${encodeURIComponent(name)}`);
    if (!raw) return undefined;
    return {
      name: raw.name,
      status: raw.status,
      rule: raw.rule,
      priority: Number(raw.priority ?? 0),
      service: raw.service,
      entryPoints: raw.entryPoints ?? [],
      middlewares: raw.middlewares ?? [],
      error: raw.error ?? [],
    };
  }

  async service(name: string): Promise<ServiceView | undefined> {
    const raw = await this.getJson<Record<string, any>>(`api/http/services/${encodeURIComponent(name)}`);
    if (!raw) return undefined;
    const servers: { url: string }[] = raw.loadBalancer?.servers ?? [];
    return { name: raw.name, servers: servers.map((s) => s.url), serverStatus: raw.serverStatus ?? {} };
  }

  /** Prometheus text from the metrics endpoint, or undefined where disabled. */
  async metrics(): Promise<string | undefined> {
    const response = await this.request('metrics');
    return response.statusCode === 200 ? response.body : undefined;
  }

  private async getJson<T>(path: string): Promise<T | undefined> {
    const response = await this.request(path);
    if (response.statusCode === 404) return undefined;
    if (response.statusCode !== 200) {
      throw unreachableError(`Traefik API ${this.baseUrl}/${path} answered ${response.statusCode}`, 'check --traefik-api');
    }
    return JSON.parse(response.body) as T;
  }

  private async request(path: string) {
    try {
      return await this.http.get(path);
    } catch (error) {
      const code = error instanceof RequestError ? error.code : String(error);
      throw unreachableError(
        `Traefik API at ${this.baseUrl} is unreachable (${code})`,
        'start Traefik (`bluegreen proxy up`) or point --traefik-api / BG_TRAEFIK_API at its API',
        error,
      );
    }
  }
}
