import type { Context } from '../core/context.js';
import type { Provider } from '../core/colour-runtime.js';
import { coloursOf } from '../core/observe.js';
import type { ContainerView } from '../runtime/docker.js';
import { COLOURS, type Colour } from '../plan/colour.js';
import { atDocker, COLOUR_HEADER, LABEL, PREVIEW_KEY_HEADER, liveRouter, previewRouter, previewServiceName, serviceName } from '../plan/names.js';
import { drift, liveColour, type ColourView, liveCarriers } from '../plan/reality.js';
import type { RouterView, ServiceView } from '../runtime/traefik-api.js';
import { ownRoute, routerFacts, runningColoursLabels } from '../core/routers.js';
import { liveExcludesOf } from '../plan/labels.js';
import { shadowedBy } from '../plan/shadowing.js';
import { settled, type Settled } from '../core/settled.js';
import { maintenanceView, type MaintenanceView } from '../plan/maintenance.js';
import { canaryView, formatShare } from '../plan/canary.js';

export interface ColourStatus {
  colour: Colour;
  role: 'live' | 'preview' | 'shadowed' | 'stopped' | 'absent';
  release?: number;
  image?: string;
  generation?: number;
  containers: { name: string; state: string; health: string }[];
  /** The colour's route container (one host): it carries the live router. */
  route?: { name: string; state: string; generation?: number };
  /** The colour's other targets: workers (no route) and routed companions (their live router rides on the first target's containers). */
  companions: { service: string; name: string; state: string; health: string; routed: boolean }[];
  traefik: { liveRouter?: string; previewRouter?: string; servers: number; serversUp: number } | { error: string };
}

export interface Status {
  app: string;
  /** The Docker engine, as the docker CLI would choose it: `ssh://deploy@prod (context prod)`. */
  engine: string;
  store: string;
  live?: Colour;
  /** What X-Bluegreen-Preview-Key must carry to reach a preview route (with X-Bluegreen-Color). */
  previewKey?: string;
  colours: ColourStatus[];
  drift: string[];
  /** Routers of other services that Traefik preferred over the target before, and that the live router now shadows. */
  shadowed: { name: string; rule: string; priority: number }[];
  /** A canary step in (plan/canary.ts): the share of live requests the candidate gets. */
  canary: ReturnType<typeof canaryView>;
  /** Maintenance mode (core/maintenance.ts): on while its routers' holder runs. */
  maintenance: MaintenanceView;
  /** Containers of the app's own compose project that are not side targets: the app as plain compose ran it (core/takeover.ts). */
  plain: { name: string; service: string; state: string }[];
}

/**
 * Each colour as Docker and Traefik show it, and where the store disagrees.
 * Status is run often, and by scripts: Docker is asked once for both
 * colours, Traefik once for its routers and once for its services, all at
 * the same time (an engine that does not answer is exit 4 from the listing).
 */
export async function readStatus(ctx: Context): Promise<Status> {
  const traefik = settled(Promise.all([ctx.traefik.routers(), ctx.traefik.services()]));
  // Asked now, for the check of shadowed routers at the end: the engine answers meanwhile.
  const managed = runningColoursLabels(ctx);
  managed.catch(() => undefined);
  // One listing of the app's containers: both colours' and their companions'.
  const [containers, state, listed, inProject] = await Promise.all([
    ctx.docker.containers({ [LABEL.app]: ctx.app }),
    ctx.store.read(),
    traefik,
    ctx.docker.containers({ 'com.docker.compose.project': ctx.app }),
  ]);
  // The app's targets (what plain compose ran before bluegreen took it over), as the newest release names them.
  const newest = state.live?.release ?? state.lastRelease;
  const release = newest ? await ctx.store.loadRelease(newest).catch(() => undefined) : undefined;
  const targets = release ? [release.target, ...Object.keys(release.companions ?? {})] : [ctx.options.target ?? 'app'];
  const plain = inProject
    .filter((c) => targets.includes(c.labels['com.docker.compose.service'] ?? '') && !c.labels[LABEL.colour] && !c.labels[LABEL.companionOf])
    .map((c) => ({ name: c.name, service: c.labels['com.docker.compose.service'] ?? '?', state: c.state }));
  const colours = coloursOf(containers);
  const live = liveColour(colours);
  const statuses = COLOURS.map((colour) => ({ ...colourStatus(colours[colour], live, traefikView(ctx, colour, listed)), companions: companionsOf(containers, colour) }));
  const shadowed = live && listed.ok ? await shadowedRouters(ctx, colours[live], { routers: listed.value[0], managed }) : [];
  const maintenance = maintenanceView(containers);
  const canary = canaryView(containers);
  return {
    app: ctx.app,
    engine: ctx.engine.name,
    store: ctx.store.location,
    live,
    previewKey: state.previewKey,
    colours: statuses,
    drift: drift(state, colours),
    shadowed,
    plain,
    maintenance,
    canary,
  };
}

/** What the live colour's rule does not exclude but should (routers added since it was launched); swarm mode reads its services' labels. */
export async function shadowedRouters(ctx: Context, view: ColourView, known: Parameters<typeof routerFacts>[1], provider: Provider = 'docker'): Promise<Status['shadowed']> {
  const excludes = liveExcludesOf(liveCarriers(view));
  if (!excludes || view.release === undefined) return [];
  const release = await ctx.store.loadRelease(view.release).catch(() => undefined);
  if (!release) return [];
  const facts = await routerFacts(ctx, known, provider).catch(() => []);
  return shadowedBy(
    facts,
    ownRoute(ctx, release, provider),
    excludes.map((r) => r.name),
  ).map(({ name, rule, priority }) => ({ name, rule, priority }));
}

/** The line status prints for a router the live colour shadows now. */
export const shadowedLine = (app: string, router: Status['shadowed'][number]) =>
  `shadowed: ${router.name} (${router.rule}, priority ${router.priority}) won over ${app} before, and now loses to its live router; ` +
  'fix: `bluegreen deploy` (the next launch leaves it alone), or give it a priority above 1000000000';

function companionsOf(containers: ContainerView[], colour: Colour): ColourStatus['companions'] {
  return containers
    .filter((c) => c.labels[LABEL.companionOf] === colour)
    .map((c) => ({
      service: c.labels['com.docker.compose.service'] ?? '?',
      name: c.name,
      state: c.state,
      health: c.state === 'running' ? c.health : '-',
      routed: c.labels['traefik.enable'] === 'true',
    }));
}

function colourStatus(view: ColourView, live: Colour | undefined, traefik: ColourStatus['traefik']): Omit<ColourStatus, 'companions'> {
  const { colour } = view;
  const role: ColourStatus['role'] = view.containers.length === 0 ? 'absent' : view.running === 0 ? 'stopped' : colour === live ? 'live' : view.routing === 'live' ? 'shadowed' : 'preview';
  return {
    colour,
    role,
    release: view.release,
    image: view.containers[0]?.labels[LABEL.image],
    generation: view.generation,
    containers: view.containers.map(({ name, state, health }) => ({ name, state, health: state === 'running' ? health : '-' })),
    ...(view.route ? { route: { name: view.route.name, state: view.route.state, generation: Number(view.route.labels[LABEL.generation]) || undefined } } : {}),
    traefik,
  };
}

function traefikView(ctx: Context, colour: Colour, listed: Settled<[RouterView[], ServiceView[]]>): ColourStatus['traefik'] {
  if (!listed.ok) return { error: listed.error.message };
  const [routers, services] = listed.value;
  const router = (name: string) => routers.find((r) => r.name === atDocker(name));
  const describe = (r: RouterView | undefined) => (r ? `${r.status} (priority ${r.priority})` : undefined);
  // The live service where the colour has one, else the preview service.
  const service = [serviceName, previewServiceName].map((name) => services.find((s) => s.name === atDocker(name(ctx.app, colour)))).find(Boolean);
  return {
    liveRouter: describe(router(liveRouter(ctx.app, colour))),
    previewRouter: describe(router(previewRouter(ctx.app, colour))),
    servers: service?.servers.length ?? 0,
    serversUp: Object.values(service?.serverStatus ?? {}).filter((s) => s === 'UP').length,
  };
}

function maintenanceLine(m: MaintenanceView): string {
  if (m.on) return `maintenance: ON, page ${m.page ?? '?'} answers ${m.routers.join(', ')}${m.allow.length ? `; let through: ${m.allow.join(', ')}` : ''} (\`bluegreen maintenance off\` ends it)`;
  if (m.containers.length) return `maintenance: off, but ${m.containers.map((c) => `${c.name} (${c.state})`).join(', ')} left: \`bluegreen maintenance off\` removes them`;
  return 'maintenance: off';
}

export function formatStatus(status: Status): string {
  const lines = [`app ${status.app}   engine ${status.engine}   store ${status.store}`];
  if (status.previewKey) lines.push(`preview: ${COLOUR_HEADER}: <colour> with ${PREVIEW_KEY_HEADER}: ${status.previewKey}`);
  for (const c of status.colours) {
    const head = `${c.colour.padEnd(6)} ${c.role.padEnd(8)}`;
    if (c.role === 'absent') {
      lines.push(`${head} -`);
      continue;
    }
    const healthy = c.containers.filter((x) => x.health === 'healthy' || (x.health === 'none' && x.state === 'running')).length;
    lines.push(`${head} release ${c.release ?? '?'}  ${c.image ?? ''}  generation ${c.generation ?? '-'}  ${healthy}/${c.containers.length} healthy`);
    for (const x of c.containers) lines.push(`         ${x.name}  ${x.state}  ${x.health}`);
    if (c.route) lines.push(`         ${c.route.name}  ${c.route.state}  (route container: the live router, generation ${c.route.generation ?? '?'})`);
    for (const x of c.companions) lines.push(`         ${x.name}  ${x.state}  ${x.health}  (${x.service}: ${x.routed ? 'routed with the colour' : 'no route'})`);
    if ('error' in c.traefik) lines.push(`         traefik: ${c.traefik.error}`);
    else {
      const routers = [c.traefik.liveRouter && `live router ${c.traefik.liveRouter}`, c.traefik.previewRouter && `preview router ${c.traefik.previewRouter}`].filter(Boolean);
      lines.push(`         traefik: ${routers.join(', ') || 'no router'}; servers ${c.traefik.serversUp}/${c.traefik.servers} UP`);
    }
  }
  for (const c of status.plain) {
    const what =
      c.state === 'running' ? "runs beside bluegreen's colours (shadowed once a colour is live; `bluegreen stop-old` drains and stops it)" : `${c.state} (taken over; \`bluegreen down\` removes it)`;
    lines.push(`plain  ${c.name} of compose project ${status.app}: ${what}`);
  }
  if (status.canary.share !== undefined)
    lines.push(
      `canary: ${formatShare(status.canary.share)} of live requests go to the candidate (step ${status.canary.step}); \`bluegreen switch\` moves them all, \`bluegreen canary off\` takes it out`,
    );
  else if (status.canary.containers) lines.push(`canary: out, but ${status.canary.containers} of its containers left: the next bluegreen command removes them`);
  lines.push(maintenanceLine(status.maintenance));
  lines.push(status.drift.length ? `drift: ${status.drift.join('; ')}` : 'drift: none (the store agrees with Docker)');
  for (const router of status.shadowed) lines.push(shadowedLine(status.app, router));
  return lines.join('\n');
}
