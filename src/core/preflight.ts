import got from 'got';
import { unreachableError, usageError } from '../errors.js';
import type { Context } from './context.js';
import { reconcile } from './reconcile.js';

/**
 * What every changing command checks before it changes anything: the
 * engine and Traefik's API answer (exit 4), and Traefik's network exists
 * (exit 2); a failure here leaves everything as it was. Then whatever an
 * interrupted command left is reconciled.
 */
export async function preflight(ctx: Context): Promise<void> {
  await ctx.docker.ping();
  await ctx.traefik.version();
  await assertEntrypointAnswers(ctx.options.traefikUrl);
  if (!(await ctx.docker.networkExists(ctx.options.network))) {
    throw usageError(
      `the network ${ctx.options.network} does not exist, so Traefik cannot reach the app`,
      'start Traefik with `bluegreen proxy up`, or pass --network with the network your Traefik watches',
    );
  }
  await reconcile(ctx);
}

/** Any HTTP answer will do (a 404 for an unknown host): the end-to-end checks go through it. */
async function assertEntrypointAnswers(url: string): Promise<void> {
  try {
    await got(url, { headers: { host: 'bluegreen-preflight.invalid' }, throwHttpErrors: false, retry: { limit: 0 }, timeout: { request: 3000 }, followRedirect: false });
  } catch (error) {
    throw unreachableError(`Traefik's entrypoint at ${url} is unreachable (${(error as { code?: string }).code ?? error})`, 'point --traefik-url / BG_TRAEFIK_URL at the entrypoint the app is routed on');
  }
}
