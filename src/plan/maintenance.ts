import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { usageError } from '../errors.js';
import { LABEL, PREVIEW_KEY_HEADER } from './names.js';

/**
 * Maintenance mode (`bluegreen maintenance on|off`): a container of the
 * app's, the maintenance container, carries a copy of each live router of
 * the live colour, at a priority above every live one, sending to its own
 * tiny server that answers every request 503 with the page and
 * Retry-After. Its start is one Traefik reload, its removal another: each
 * request is answered by the app or by the page, never by nothing. The
 * copies leave out the allowed requests (a header, a client network) and
 * bluegreen's own checks (the preview key), which go on to the live colour,
 * whichever it is after a switch made meanwhile.
 */

/** Above every live router (plan/priority.ts), below the check and preview routers (which ask for the preview key, left out here anyway). */
export const MAINTENANCE_PRIORITY = 400_000_000;
/** The port its server listens on inside the container. */
export const MAINTENANCE_PORT = 8080;
export const maintenanceService = (app: string) => `${app}-maintenance`;
/** `<app>-maintenance` for the live router of the first target, `<app>-maintenance-<target>` for a routed companion's: no colour in it, nothing that ends in -live. */
export const maintenanceRouter = (app: string, liveRouterName: string) => {
  const target = liveRouterName
    .slice(app.length + 1)
    .replace(/^(blue|green)-/, '')
    .replace(/-?live$/, '');
  return target ? `${app}-maintenance-${target}` : `${app}-maintenance`;
};

/** Whether a router Traefik shows is a maintenance router (of any app): by its name and its priority, both bluegreen's. */
export const isMaintenanceRouter = (name: string, priority: number) => /-maintenance(-[^@]+)?@[a-z]+$/.test(name) && priority >= MAINTENANCE_PRIORITY && priority < MAINTENANCE_PRIORITY + 1000;

/** A request let through: one carrying a header with a value, or one from a client network. */
export type Allowance = { kind: 'header'; name: string; value: string } | { kind: 'network'; cidr: string };

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_|~-]+$/;

/** An address, or a network in CIDR form, as Traefik's ClientIP takes it. */
function isNetwork(text: string): boolean {
  const [address, bits, ...rest] = text.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** `--allow` as given: `Header: value` (or `Header=value`), or an address or network (10.0.0.0/8, 2001:db8::/32). Exit 2 otherwise. */
export function parseAllowance(text: string): Allowance {
  const trimmed = text.trim();
  if (isNetwork(trimmed)) return { kind: 'network', cidr: trimmed };
  const header = /^([^:=\s]+)\s*[:=]\s*(.+)$/.exec(trimmed);
  if (header && HEADER_NAME.test(header[1]!) && !/[`\r\n]/.test(header[2]!)) return { kind: 'header', name: header[1]!, value: header[2]!.trim() };
  throw usageError(`--allow: "${text}" is neither a header with its value nor an address or network`, 'use --allow "X-Maintenance-Bypass: secret" or --allow 10.0.0.0/8');
}

/** The part of a rule that matches the requests let through (the preview key first: bluegreen's own checks). */
export function allowedRule(allowances: Allowance[], previewKey: string | undefined): string | undefined {
  const parts = [
    ...(previewKey ? [`Header(\`${PREVIEW_KEY_HEADER}\`, \`${previewKey}\`)`] : []),
    ...allowances.map((a) => (a.kind === 'header' ? `Header(\`${a.name}\`, \`${a.value}\`)` : `ClientIP(\`${a.cidr}\`)`)),
  ];
  return parts.length ? parts.join(' || ') : undefined;
}

/** A live router as its carrier's labels define it: what the maintenance copy keeps (its rule, entrypoints and TLS). */
export interface LiveRouterLabels {
  name: string;
  labels: Record<string, string>;
}

/** The header bluegreen's own check of the page sends (with the preview key): it reaches the page even from an allowed network. */
export const MAINTENANCE_CHECK_HEADER = 'X-Bluegreen-Maintenance-Check';

/** The live rule, less the allowed requests, but for bluegreen's check of the page. */
function maintenanceRule(live: string, allowed: string | undefined, previewKey: string | undefined): string {
  if (!allowed) return live;
  const check = previewKey ? ` || Header(\`${MAINTENANCE_CHECK_HEADER}\`, \`${previewKey}\`)` : '';
  return `(${live}) && (!(${allowed})${check})`;
}

/** The live routers the carriers of the live colour define (route container or, for colours of the previous version, the app's containers). */
export function liveRoutersOf(carrierLabels: Record<string, string>[]): LiveRouterLabels[] {
  const found = new Map<string, Record<string, string>>();
  for (const labels of carrierLabels) {
    for (const [key, value] of Object.entries(labels)) {
      const match = /^traefik\.http\.routers\.([^.]+-live)\.(.+)$/.exec(key);
      if (!match) continue;
      const router = found.get(match[1]!) ?? {};
      router[match[2]!] = value;
      found.set(match[1]!, router);
    }
  }
  return [...found].filter(([, labels]) => labels.rule).map(([name, labels]) => ({ name, labels }));
}

export interface MaintenanceSpec {
  app: string;
  network: string;
  liveRouters: LiveRouterLabels[];
  allowances: Allowance[];
  previewKey?: string;
  /** What the container's labels keep, for status: the page's digest and the allowances as given. */
  pageDigest: string;
}

/** The maintenance container's labels: one router per live router, same rule less the allowed requests, same entrypoints and TLS. */
export function maintenanceLabels(spec: MaintenanceSpec): Record<string, string> {
  const service = maintenanceService(spec.app);
  const allowed = allowedRule(spec.allowances, spec.previewKey);
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    'traefik.docker.network': spec.network,
    [`traefik.http.services.${service}.loadbalancer.server.port`]: String(MAINTENANCE_PORT),
    [LABEL.managed]: 'true',
    [LABEL.app]: spec.app,
    [LABEL.role]: 'maintenance',
    [MAINTENANCE_LABEL.page]: spec.pageDigest,
    [MAINTENANCE_LABEL.allow]: JSON.stringify(spec.allowances.map(describeAllowance)),
  };
  spec.liveRouters.forEach((router, rank) => {
    const prefix = `traefik.http.routers.${maintenanceRouter(spec.app, router.name)}`;
    labels[`${prefix}.rule`] = maintenanceRule(router.labels.rule!, allowed, spec.previewKey);
    labels[`${prefix}.priority`] = String(MAINTENANCE_PRIORITY + rank);
    labels[`${prefix}.service`] = service;
    if (router.labels.entrypoints) labels[`${prefix}.entrypoints`] = router.labels.entrypoints;
    // TLS as the live router has it: an HTTPS request gets the page over HTTPS, not a 404.
    for (const [prop, value] of Object.entries(router.labels)) if (prop === 'tls' || prop.startsWith('tls.')) labels[`${prefix}.${prop}`] = value;
  });
  return labels;
}

export const MAINTENANCE_LABEL = { page: 'io.bluegreen.maintenance.page', allow: 'io.bluegreen.maintenance.allow' } as const;

export const describeAllowance = (a: Allowance) => (a.kind === 'header' ? `header ${a.name}` : a.cidr);

/** The whole HTTP answer the server writes: 503, Retry-After, the page. */
export function maintenanceResponse(page: { body: Buffer; contentType: string }, retryAfterSeconds: number): Buffer {
  const head = [
    'HTTP/1.1 503 Service Unavailable',
    `Content-Type: ${page.contentType}`,
    `Content-Length: ${page.body.length}`,
    `Retry-After: ${retryAfterSeconds}`,
    'Cache-Control: no-store',
    'X-Bluegreen-Maintenance: on',
    'Connection: close',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), page.body]);
}

/** The server reads at most 1 MiB (scripts/maintenance-page/responder.c). */
export const MAX_RESPONSE_BYTES = 1 << 20;

export const digestOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

/** The page when none is given: says what is happening, in the app's name. */
export function defaultPage(app: string, retryAfterSeconds: number): { body: Buffer; contentType: string } {
  const minutes = Math.max(1, Math.round(retryAfterSeconds / 60));
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(app)}: down for maintenance</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em">
<h1>Down for maintenance</h1>
<p>${escapeHtml(app)} is being updated. Please try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.</p>
</body></html>
`;
  return { body: Buffer.from(html, 'utf8'), contentType: 'text/html; charset=utf-8' };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page file's content type, by its extension. */
export function contentTypeOf(path: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  const known: Record<string, string> = { html: 'text/html; charset=utf-8', htm: 'text/html; charset=utf-8', json: 'application/json', txt: 'text/plain; charset=utf-8' };
  return known[extension ?? ''] ?? 'text/html; charset=utf-8';
}

/** The two containers' roles (io.bluegreen.role): the routers' holder, and the page's server. */
export const MAINTENANCE_ROLE = { routers: 'maintenance', page: 'maintenance-page' } as const;

export interface MaintenanceView {
  on: boolean;
  /** The routers' holder and the page's server, as they run. */
  containers: { name: string; state: string }[];
  page?: string;
  allow: string[];
  /** The live routers it shadows (by their copies' names). */
  routers: string[];
}

/** What status says of maintenance: on while the routers' holder runs. */
export function maintenanceView(containers: { name: string; state: string; labels: Record<string, string> }[]): MaintenanceView {
  const own = containers.filter((c) => c.labels[LABEL.role] === MAINTENANCE_ROLE.routers || c.labels[LABEL.role] === MAINTENANCE_ROLE.page);
  const holder = own.find((c) => c.labels[LABEL.role] === MAINTENANCE_ROLE.routers);
  const routers = Object.keys(holder?.labels ?? {})
    .map((key) => /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(key)?.[1])
    .filter((name): name is string => !!name);
  let allow: string[] = [];
  try {
    allow = JSON.parse(holder?.labels[MAINTENANCE_LABEL.allow] ?? '[]') as string[];
  } catch {
    // Unreadable: said as none.
  }
  return {
    on: holder?.state === 'running',
    containers: own.map((c) => ({ name: c.name, state: c.state })),
    page: holder?.labels[MAINTENANCE_LABEL.page],
    allow,
    routers,
  };
}
