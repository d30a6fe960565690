import { named } from '../config/registry.js';
import { httpGet, type HttpAnswer, type Reach } from './http-get.js';
import { unreachableHint } from './loopback-hint.js';
import { ConnectionLostError, unreachableError } from '../errors.js';

export interface RouterView {
  name: string;
  status: string;
  rule: string;
  /** As configured; 0 when the router sets none (Traefik then ranks it by its rule's length). */
  priority: number;
  service: string;
  entryPoints: string[];
  middlewares: string[];
  error: string[];
  ruleSyntax?: string;
}

export interface ServiceView {
  name: string;
  servers: string[];
  serverStatus: Record<string, string>;
}

/** A URL as it may be shown: without the password of basic auth (`http://ops:***@host`). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password && !parsed.username) return url;
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** How long one question to Traefik may go unanswered. */
const REQUEST_BOUND_MS = 3000;

/** Traefik's API, read only: what Traefik actually routes right now. */
export class TraefikApi {
  /** The API's address as messages show it (no password). */
  readonly shownUrl: string;

  /** reach: how an address on the engine's host is reached from here (runtime/engine-connection.ts). */
  constructor(
    readonly baseUrl: string,
    private readonly metricsUrl = `${baseUrl}/metrics`,
    private readonly reach?: Reach,
  ) {
    this.shownUrl = displayUrl(baseUrl);
  }

  /** Fails with exit 4 and the address when the API does not answer. */
  async version(): Promise<string> {
    const body = await this.getJson<{ Version?: string }>('api/version');
    if (!body?.Version) throw unreachableError(`Traefik API at ${this.shownUrl} gave no version`, 'is --traefik-api the API entrypoint of Traefik v3 (api.insecure or a router to api@internal)?');
    return body.Version;
  }

  async router(name: string): Promise<RouterView | undefined> {
    const raw = await this.getJson<Record<string, any>>(`api/http/routers/${encodeURIComponent(name)}`);
    return raw ? routerView(raw) : undefined;
  }

  /** Every HTTP router Traefik has, of every provider. */
  async routers(): Promise<RouterView[]> {
    return (await this.everyPage('api/http/routers')).map(routerView);
  }

  async service(name: string): Promise<ServiceView | undefined> {
    const raw = await this.getJson<Record<string, any>>(`api/http/services/${encodeURIComponent(name)}`);
    return raw ? serviceView(raw) : undefined;
  }

  /** Every HTTP service Traefik has, of every provider. */
  async services(): Promise<ServiceView[]> {
    return (await this.everyPage('api/http/services')).map(serviceView);
  }

  /** A listing the API pages (500 a page, the next one named in X-Next-Page). */
  private async everyPage(path: string): Promise<Record<string, any>[]> {
    const all: Record<string, any>[] = [];
    for (let page = 1; page < 1000; page++) {
      const response = await this.request(`${path}?per_page=500&page=${page}`);
      if (response.statusCode !== 200) throw this.answered(response.statusCode, path);
      all.push(...(JSON.parse(response.body) as Record<string, any>[]));
      const next = Number(response.headers['x-next-page'] ?? 1);
      if (!(next > page)) break;
    }
    return all;
  }

  /** Prometheus text from the metrics endpoint, or undefined where it does not answer (off, or elsewhere). */
  async metrics(): Promise<string | undefined> {
    try {
      const response = await httpGet(this.metricsUrl, { timeoutMs: REQUEST_BOUND_MS, reach: this.reach });
      return response.statusCode === 200 ? response.body : undefined;
    } catch {
      return undefined;
    }
  }

  private async getJson<T>(path: string): Promise<T | undefined> {
    const response = await this.request(path);
    if (response.statusCode === 404) return undefined;
    if (response.statusCode !== 200) throw this.answered(response.statusCode, path);
    return JSON.parse(response.body) as T;
  }

  private answered(status: number, path: string) {
    const hint = status === 401 || status === 403 ? `the API asks for credentials: give them in the URL of ${named('traefikApi')}, e.g. http://user:password@host:port` : 'check --traefik-api';
    return unreachableError(`Traefik API ${this.shownUrl}/${path} answered ${status}`, hint);
  }

  private async request(path: string): Promise<HttpAnswer> {
    try {
      // Basic auth given in the URL (http://user:pass@host:port) is sent.
      return await httpGet(`${this.baseUrl}/${path}`, { timeoutMs: REQUEST_BOUND_MS, reach: this.reach });
    } catch (error) {
      if (error instanceof ConnectionLostError) throw error;
      const code = (error as { code?: string }).code ?? String(error);
      throw unreachableError(
        `Traefik API at ${this.shownUrl} is unreachable (${code})`,
        unreachableHint(this.baseUrl, `start Traefik (\`bluegreen proxy up\`) or point ${named('traefikApi')} at its API`),
      );
    }
  }
}

function routerView(raw: Record<string, any>): RouterView {
  return {
    name: raw.name,
    status: raw.status,
    rule: raw.rule ?? '',
    priority: Number(raw.priority ?? 0),
    service: raw.service,
    entryPoints: raw.entryPoints ?? [],
    middlewares: raw.middlewares ?? [],
    error: raw.error ?? [],
    ...(raw.ruleSyntax ? { ruleSyntax: String(raw.ruleSyntax) } : {}),
  };
}

function serviceView(raw: Record<string, any>): ServiceView {
  const servers: { url: string }[] = raw.loadBalancer?.servers ?? [];
  return { name: raw.name, servers: servers.map((s) => s.url), serverStatus: raw.serverStatus ?? {} };
}
