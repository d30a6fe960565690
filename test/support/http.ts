import got from 'got';
import { TEST_TRAEFIK_URL } from './ports.js';

export interface Answer {
  status: number;
  release?: string;
  colour?: string;
  /** The answering container's hostname (the sample app says it). */
  answeredBy?: string;
  error?: string;
}

/** Another entrypoint than the test Traefik's: https:// is asked with SNI = host, verified with `ca` when given. */
export interface Through {
  baseUrl: string;
  ca?: string;
}

/** One request through the test Traefik's entrypoint (or `through` another), never throwing. */
export async function ask(host: string, path = '/', headers: Record<string, string> = {}, timeoutMs = 5000, through?: Through): Promise<Answer> {
  try {
    const secure = through?.baseUrl.startsWith('https:');
    const response = await got(`${through?.baseUrl ?? TEST_TRAEFIK_URL}${path}`, {
      headers: { host, ...headers },
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: timeoutMs },
      ...(secure ? { https: { rejectUnauthorized: Boolean(through?.ca), certificateAuthority: through?.ca } } : {}),
    });
    let body: { release?: string; host?: string } = {};
    try {
      body = JSON.parse(response.body);
    } catch {
      body = {};
    }
    const colour = response.headers['x-bluegreen-color'];
    return { status: response.statusCode, release: body.release, answeredBy: body.host, colour: typeof colour === 'string' ? colour : undefined };
  } catch (error) {
    return { status: 0, error: (error as { code?: string }).code ?? String(error) };
  }
}
