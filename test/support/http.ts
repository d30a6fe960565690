import got from 'got';
import { TEST_TRAEFIK_URL } from './ports.js';

export interface Answer {
  status: number;
  release?: string;
  colour?: string;
  error?: string;
}

/** One request through the test Traefik's entrypoint, never throwing. */
export async function ask(host: string, path = '/', headers: Record<string, string> = {}, timeoutMs = 5000): Promise<Answer> {
  try {
    const response = await got(`${TEST_TRAEFIK_URL}${path}`, {
      headers: { host, ...headers },
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: timeoutMs },
    });
    let release: string | undefined;
    try {
      release = JSON.parse(response.body).release;
    } catch {
      release = undefined;
    }
    const colour = response.headers['x-bluegreen-color'];
    return { status: response.statusCode, release, colour: typeof colour === 'string' ? colour : undefined };
  } catch (error) {
    return { status: 0, error: (error as { code?: string }).code ?? String(error) };
  }
}
