import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Context } from './context.js';
import { BgError, ExitCode, needsPersonError, usageError } from '../errors.js';
import { LABEL } from '../plan/names.js';
import { liveCarriers, liveColour } from '../plan/reality.js';
import { ROUTE_PROGRAM } from '../plan/route-holder.js';
import { releaseProbe } from '../plan/probe.js';
import {
  contentTypeOf,
  defaultPage,
  describeAllowance,
  digestOf,
  liveRoutersOf,
  MAINTENANCE_PORT,
  MAINTENANCE_PRIORITY,
  maintenanceLabels,
  maintenanceResponse,
  maintenanceRouter,
  maintenanceService,
  MAX_RESPONSE_BYTES,
  parseAllowance,
  type LiveRouterLabels,
  MAINTENANCE_ROLE as ROLE,
  MAINTENANCE_CHECK_HEADER,
  maintenanceView,
} from '../plan/maintenance.js';
import { observeColours } from './observe.js';
import { loadRelease } from './load-release.js';
import { appPreviewKey } from './preview-key.js';
import { Deadline, retryUntil } from '../waiting/retry.js';
import { waitRouted, waitRoutersGone, waitServiceServers } from '../waiting/traefik.js';
import { drainServices } from './drain.js';
import type { ContainerView } from '../runtime/docker.js';

/**
 * Maintenance mode on one host (plan/maintenance.ts says what it routes).
 * Two containers: the page's server, which defines the maintenance service
 * and no router, and a holder of the routers (the route container's
 * program), started once the service is in Traefik. `off` removes the
 * holder first and stops the server only once Traefik has stopped sending
 * it requests: no request meets a server that is gone.
 */

export interface MaintenanceSettings {
  /** A page file (HTML unless its extension says otherwise); the built-in page when absent. */
  page?: string;
  allow: string[];
  retryAfterSeconds: number;
}

const holderName = (app: string) => `${app}-maintenance`;
const serverName = (app: string) => `${app}-maintenance-page`;

/** The app's maintenance containers (both roles), running or not. */
export async function maintenanceContainers(ctx: Context): Promise<ContainerView[]> {
  const all = await ctx.docker.containers({ [LABEL.app]: ctx.app });
  return all.filter((c) => c.labels[LABEL.role] === ROLE.routers || c.labels[LABEL.role] === ROLE.page);
}

export interface MaintenanceOnResult {
  already: boolean;
  routers: string[];
  page: string;
  allow: string[];
}

/**
 * Turns maintenance on for the live colour's routes. Refused (exit 2) in
 * swarm mode, with no live colour, or when it is on already with another
 * page; a failure to see it routed removes what it started (exit 1).
 */
export async function maintenanceOn(ctx: Context, settings: MaintenanceSettings): Promise<MaintenanceOnResult> {
  const runtime = await ctx.runtime();
  if (runtime.provider !== 'docker') throw usageError('maintenance mode runs on one host: swarm mode has no maintenance page yet', 'answer from the app itself meanwhile');
  const allowances = settings.allow.map(parseAllowance);
  const page = settings.page ? readPage(ctx, settings.page) : defaultPage(ctx.app, settings.retryAfterSeconds);
  const response = maintenanceResponse(page, settings.retryAfterSeconds);
  if (response.length > MAX_RESPONSE_BYTES)
    throw usageError(`--page ${settings.page}: ${response.length} bytes with its headers, more than the 1 MiB the page's server holds`, 'use a smaller page (link to images rather than inline them)');
  const pageDigest = digestOf(response);

  const [colours, present] = await Promise.all([observeColours(ctx), maintenanceContainers(ctx)]);
  const live = liveColour(colours);
  if (!live) throw usageError(`${ctx.app} has no live colour: there is no live route to put in maintenance`, 'deploy first; `bluegreen status` shows what runs');
  const liveRouters = liveRoutersOf(liveCarriers(colours[live]).map((c) => c.labels));
  if (!liveRouters.length) throw usageError(`the live colour ${live} carries no live router bluegreen can copy`, 'see `bluegreen status`');

  const current = maintenanceView(present);
  if (current.on) {
    if (current.page === pageDigest && sameList(current.allow, allowances.map(describeAllowance))) return { already: true, routers: current.routers, page: pageDigest, allow: current.allow };
    throw usageError(
      'maintenance is on already, with another page or other allowances',
      'run `bluegreen maintenance off` first (live traffic reaches the app in between), or keep the page that is up',
    );
  }
  // Left from an interrupted command: nothing routes to them.
  await Promise.all(present.map((c) => ctx.docker.stopAndRemove(c.id, 0)));

  const previewKey = await appPreviewKey(ctx);
  const labels = maintenanceLabels({ app: ctx.app, network: ctx.options.network, liveRouters, allowances, previewKey, pageDigest });
  const deadline = Deadline.after(ctx.options.timeoutMs);
  try {
    await ctx.out.step(
      'start the maintenance page (no route yet)',
      async () => {
        const image = await ctx.docker.ensureMaintenanceImage(response);
        await ctx.docker.runContainer({ name: serverName(ctx.app), image, entrypoint: ['/responder'], labels: serverLabels(labels), network: ctx.options.network, restart: 'unless-stopped' });
        const [server] = (await maintenanceContainers(ctx)).filter((c) => c.labels[LABEL.role] === ROLE.page);
        const address = server?.ips[ctx.options.network];
        if (!address) throw new BgError(`the maintenance page's server is not on ${ctx.options.network}`, ExitCode.failedReverted);
        await waitServiceServers(ctx.traefik, {
          service: maintenanceService(ctx.app),
          servers: [`http://${address}:${MAINTENANCE_PORT}`],
          deadline,
          hint: 'check that Traefik watches the network; nothing was routed to the page',
        });
      },
      {},
      'maintenance-page',
    );
    await ctx.out.step(
      `route ${liveRouters.length === 1 ? 'the live route' : `the ${liveRouters.length} live routes`} to the maintenance page`,
      async () => {
        await ctx.docker.runContainer({
          name: holderName(ctx.app),
          image: await ctx.docker.ensureRouteImage(),
          entrypoint: [ROUTE_PROGRAM],
          labels: holderLabels(labels),
          network: ctx.options.network,
          restart: 'unless-stopped',
        });
        await waitMaintenanceRouted(ctx, liveRouters, deadline);
      },
      {},
      'maintenance-route',
    );
    await ctx.out.step(`answered by the maintenance page through ${ctx.entrypoint.url}`, () => waitPageAnswers(ctx, colours[live].release, deadline), {}, 'end-to-end');
  } catch (error) {
    // Its routers may be in Traefik already: they go first, the page once Traefik no longer sends to it.
    await takeDown(ctx).catch((removal: Error) => {
      throw needsPersonError(`${(error as Error).message}; taking the maintenance page down failed too: ${removal.message}`, 'run `bluegreen maintenance off`, then see `bluegreen status`');
    });
    throw error;
  }
  return { already: false, routers: liveRouters.map((r) => maintenanceRouter(ctx.app, r.name)), page: pageDigest, allow: allowances.map(describeAllowance) };
}

/** Turns maintenance off: the routers go first, the page's server once Traefik no longer sends to it. False when it was off. */
export async function maintenanceOff(ctx: Context): Promise<boolean> {
  if (!(await maintenanceContainers(ctx)).length) return false;
  await takeDown(ctx);
  return true;
}

/** The routers first; once Traefik shows them gone and the page's service is quiet, the page. */
async function takeDown(ctx: Context): Promise<void> {
  const present = await maintenanceContainers(ctx);
  const view = maintenanceView(present);
  await ctx.out.step(
    'remove the maintenance routes',
    async () => {
      await Promise.all(present.filter((c) => c.labels[LABEL.role] === ROLE.routers).map((c) => ctx.docker.stopAndRemove(c.id, 0)));
      await waitRoutersGone(ctx.traefik, { routers: view.routers, deadline: Deadline.after(ctx.options.timeoutMs), hint: 'check Traefik; `bluegreen maintenance off` again removes what is left' });
    },
    {},
    'maintenance-route',
  );
  // The API shows a route gone a moment before the routers stop using it: requests still on their way are answered.
  await ctx.out.step('drain the maintenance page', () => drainServices(ctx, (name) => name === `${maintenanceService(ctx.app)}@docker`), {}, 'drain');
  await ctx.out.step('remove the maintenance page', () => removeMaintenance(ctx), {}, 'maintenance-page');
}

/** Removes both maintenance containers at once (a failed `on`, `down`) and the page's image. */
export async function removeMaintenance(ctx: Context): Promise<void> {
  const present = await maintenanceContainers(ctx);
  const routers = present.filter((c) => c.labels[LABEL.role] === ROLE.routers);
  await Promise.all(routers.map((c) => ctx.docker.stopAndRemove(c.id, 0)));
  const servers = present.filter((c) => c.labels[LABEL.role] === ROLE.page);
  await Promise.all(servers.map((c) => ctx.docker.stopAndRemove(c.id, 0)));
  // The page's image is made again from the page when needed: none is left behind.
  await Promise.all(servers.map((c) => ctx.docker.removeImage(c.imageId)));
}

function readPage(ctx: Context, path: string): { body: Buffer; contentType: string } {
  try {
    return { body: readFileSync(resolve(ctx.options.cwd, path)), contentType: contentTypeOf(path) };
  } catch (error) {
    throw usageError(`--page ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'give the path of an HTML file');
  }
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The server defines the service and no router of its own: it is in Traefik
 * before anything routes to it (Traefik gives it a default router,
 * Host(<its container name>), which no request to the app matches).
 */
function serverLabels(all: Record<string, string>): Record<string, string> {
  const own = Object.entries(all).filter(([key]) => !key.startsWith('traefik.http.routers.'));
  return { ...Object.fromEntries(own), [LABEL.role]: ROLE.page };
}

/** The holder carries the routers, and a service of its own that nothing uses (Traefik wants one per container). */
function holderLabels(all: Record<string, string>): Record<string, string> {
  const routers = Object.entries(all).filter(([key]) => !key.startsWith('traefik.http.services.'));
  const app = all[LABEL.app]!;
  return { ...Object.fromEntries(routers), [`traefik.http.services.${app}-maintenance-route.loadbalancer.server.port`]: '9', [LABEL.role]: ROLE.routers };
}

async function waitMaintenanceRouted(ctx: Context, liveRouters: LiveRouterLabels[], deadline: Deadline): Promise<void> {
  const [server] = (await maintenanceContainers(ctx)).filter((c) => c.labels[LABEL.role] === ROLE.page);
  const servers = [`http://${server?.ips[ctx.options.network]}:${MAINTENANCE_PORT}`];
  await Promise.all(
    liveRouters.map((router, rank) =>
      waitRouted(ctx.traefik, { router: maintenanceRouter(ctx.app, router.name), priority: MAINTENANCE_PRIORITY + rank, service: maintenanceService(ctx.app), servers, deadline }),
    ),
  );
}

/** The live route, asked as a stranger would, answers with the page. */
async function waitPageAnswers(ctx: Context, release: number | undefined, deadline: Deadline): Promise<void> {
  if (release === undefined) return;
  const key = (await ctx.store.read()).previewKey;
  const probe = releaseProbe(await loadRelease(ctx, release), ctx.options.probe);
  let seen = 'no answer';
  await retryUntil(
    async () => {
      const answer = await ctx.entrypoint.request(probe, key ? { [MAINTENANCE_CHECK_HEADER]: key } : {}, 3000).catch((error: Error) => error);
      if (answer instanceof Error) {
        seen = answer.message;
        return undefined;
      }
      const page = answer.status === 503 && answer.headers['x-bluegreen-maintenance'] === 'on';
      seen = `${answer.status}${page ? ' (the page)' : ''}`;
      return page ? true : undefined;
    },
    {
      deadline,
      intervalMs: 50,
      onTimeout: () =>
        new BgError(
          `${probe.host ?? ''}${probe.path} is not answered by the maintenance page (last: ${seen})`,
          ExitCode.failedReverted,
          'maintenance is off again; check the live rule with `bluegreen status`',
        ),
    },
  );
}
