import { named } from '../config/registry.js';
import { certificateError, isCertificateError } from '../runtime/entrypoint.js';
import { probeRequest } from '../plan/probe.js';
import { unreachableError, usageError } from '../errors.js';
import type { Context } from './context.js';
import { reconcile, type Observed } from './reconcile.js';

/**
 * What every changing command checks before it changes anything: the
 * engine and Traefik's API answer (exit 4), and Traefik's network exists
 * (exit 2); a failure here leaves everything as it was. Then whatever an
 * interrupted command left is reconciled.
 */
export async function preflight(ctx: Context): Promise<Observed> {
  // Asked at once; the first failure in this order is the one reported.
  const checks = await Promise.allSettled([ctx.docker.ping(), ctx.traefik.version(), assertEntrypointAnswers(ctx), assertNetwork(ctx)]);
  const failed = checks.find((check) => check.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return reconcile(ctx);
}

async function assertNetwork(ctx: Context): Promise<void> {
  if (await ctx.docker.networkExists(ctx.options.network)) return;
  throw usageError(
    `the network ${ctx.options.network} does not exist, so Traefik cannot reach the app`,
    'start Traefik with `bluegreen proxy up`, or pass --network with the network your Traefik watches',
  );
}

/**
 * Any HTTP answer will do (a 404 for an unknown host): the end-to-end checks
 * go through it. The certificate is checked with the app's own host, where
 * the rule or --probe-host names one, so that a certificate that does not
 * verify is refused here (exit 2), before anything changes.
 */
export async function assertEntrypointAnswers(ctx: Context): Promise<void> {
  const host = ctx.options.probe.host ?? (ctx.options.rule ? probeRequest(ctx.options.rule).host : undefined);
  const probe = { method: 'GET', path: '/', headers: {}, host: host ?? 'bluegreen-preflight.invalid' };
  try {
    await (host ? ctx.entrypoint.request(probe, {}, 3000) : ctx.entrypoint.reachable(probe, 3000));
  } catch (error) {
    if (isCertificateError(error)) throw certificateError(ctx.entrypoint.url, host, error);
    throw unreachableError(
      `Traefik's entrypoint at ${ctx.entrypoint.url} is unreachable (${(error as { code?: string }).code ?? error})`,
      `point ${named('traefikUrl')} at the entrypoint the app is routed on`,
    );
  }
}
