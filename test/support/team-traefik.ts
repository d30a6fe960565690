import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { docker, runSample } from './containers.js';
import { eventually } from './wait.js';

const run = promisify(execFile);
const COMPOSE = fileURLToPath(new URL('../fixtures/team-traefik/docker-compose.yml', import.meta.url));
const PROJECT = 'bgtest-team-traefik';

export const TEAM_NETWORK = 'team_proxy';
export const TEAM_USER = 'ops';
export const TEAM_PASSWORD = 's3cret-ops';
/** The oldest and the newest Traefik 3.x (scripts/lib/images.sh builds both). */
export const TEAM_TRAEFIK_IMAGES = [process.env.BG_TRAEFIK_OLDEST_IMAGE ?? 'traefik:v3.0', process.env.BG_TRAEFIK_IMAGE ?? 'traefik:v3.7'];
/**
 * Each Traefik the team's e2e runs, with the docker provider's
 * exposedByDefault: both settings are covered, one per version (the oldest
 * with false, as the project's own Traefik has it; the newest with Traefik's
 * default, true).
 */
export const TEAM_TRAEFIK_SETUPS = [
  { image: TEAM_TRAEFIK_IMAGES[0]!, exposedByDefault: false },
  { image: TEAM_TRAEFIK_IMAGES.at(-1)!, exposedByDefault: true },
];
/** What labels every container and network of the team's e2e, for its cleanup. */
export const TEAM_SUITE = 'team-traefik';

const PORTS = { web: 18480, websecure: 18443, admin: 18482, metrics: 18483 };

export interface TeamTraefik {
  image: string;
  exposedByDefault: boolean;
  webUrl: string;
  httpsUrl: string;
  /** The API with basic auth in the URL, as a user gives BG_TRAEFIK_API. */
  apiUrl: string;
  metricsUrl?: string;
  /** A CA that signed the certificate Traefik serves for *.team.test. */
  caFile: string;
  caPem: string;
}

let running: { key: string; team: TeamTraefik } | undefined;

/**
 * Starts a team's Traefik (test/fixtures/team-traefik) with the given image,
 * or keeps the one running when it is the same. Its static configuration and
 * certificates are written into a fresh temporary directory.
 */
export async function startTeamTraefik(options: { image: string; metrics?: boolean; exposedByDefault?: boolean }): Promise<TeamTraefik> {
  const metrics = options.metrics ?? true;
  const exposedByDefault = options.exposedByDefault ?? true;
  const key = `${options.image} metrics=${metrics} exposedByDefault=${exposedByDefault}`;
  if (running?.key === key) return running.team;
  await stopTeamTraefik();
  await run('docker', ['network', 'inspect', TEAM_NETWORK]).catch(() =>
    run('docker', ['network', 'create', '--label', 'io.bluegreen.managed=true', '--label', `io.bluegreen.test=${TEAM_SUITE}`, TEAM_NETWORK]),
  );
  const dir = mkdtempSync(join(tmpdir(), 'team-traefik-'));
  const caFile = await writeCertificates(dir);
  const hash = (await run('openssl', ['passwd', '-apr1', TEAM_PASSWORD])).stdout.trim();
  writeFileSync(join(dir, 'traefik.yml'), stringify(staticConfig(metrics, exposedByDefault)));
  writeFileSync(join(dir, 'dynamic.yml'), stringify(dynamicConfig(`${TEAM_USER}:${hash}`)));
  await run('docker', ['compose', '-f', COMPOSE, 'up', '-d', '--wait'], { env: { ...process.env, TEAM_TRAEFIK_IMAGE: options.image, TEAM_TRAEFIK_DIR: dir } });
  const team: TeamTraefik = {
    image: options.image,
    exposedByDefault,
    webUrl: `http://127.0.0.1:${PORTS.web}`,
    httpsUrl: `https://127.0.0.1:${PORTS.websecure}`,
    apiUrl: `http://${TEAM_USER}:${TEAM_PASSWORD}@127.0.0.1:${PORTS.admin}`,
    metricsUrl: metrics ? `http://127.0.0.1:${PORTS.metrics}/metrics` : undefined,
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
  };
  // The dashboard router comes from the file provider: the API answers once it is loaded.
  await eventually(
    'the team API with credentials',
    async () => {
      const response = await fetch(`http://127.0.0.1:${PORTS.admin}/api/version`, { headers: { authorization: `Basic ${Buffer.from(`${TEAM_USER}:${TEAM_PASSWORD}`).toString('base64')}` } }).catch(
        () => undefined,
      );
      return response?.ok ? true : undefined;
    },
    30_000,
  );
  running = { key, team };
  return team;
}

export async function stopTeamTraefik(): Promise<void> {
  running = undefined;
  await run('docker', ['compose', '-p', PROJECT, 'down', '--remove-orphans', '-t', '2']).catch(() => undefined);
}

/**
 * Removes what the team's e2e left on the engine: its containers (every one
 * it or bluegreen started for it is labelled io.bluegreen.test=team-traefik),
 * then its networks (the app's own, and the team's network once Traefik is
 * gone: `withTeamNetwork`).
 */
export async function removeTeamLeftovers(options: { withTeamNetwork?: boolean } = {}): Promise<void> {
  // The team's Traefik is one of them: the next startTeamTraefik starts it again.
  running = undefined;
  const containers = await docker.listContainers({ all: true, filters: { label: [`io.bluegreen.test=${TEAM_SUITE}`] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters: { label: [`io.bluegreen.test=${TEAM_SUITE}`] } });
  for (const network of networks) {
    if (network.Name === TEAM_NETWORK && !options.withTeamNetwork) continue;
    await docker
      .getNetwork(network.Id)
      .remove()
      .catch(() => undefined);
  }
}

/**
 * Starts an app as a team runs it before bluegreen: `docker compose -p
 * <project> up -d --wait` in its directory, with its compose file as written.
 */
export async function composeUpPlain(dir: string, project: string, env: Record<string, string>): Promise<void> {
  await run('docker', ['compose', '-p', project, 'up', '-d', '--wait'], { cwd: dir, env: { ...process.env, ...env } });
}

/** The id of the one running container of a compose project's service. */
export async function composeContainerId(project: string, service: string): Promise<string> {
  const found = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`] } });
  if (found.length !== 1) throw new Error(`${found.length} running containers of ${service} in compose project ${project}`);
  return found[0]!.Id;
}

/**
 * A Traefik configured the common way: web redirects to websecure, TLS on
 * websecure for every router, the dashboard and API behind basic auth on
 * admin, the docker provider with the given exposedByDefault (Traefik's
 * default is true) and its default 2 s throttle on the team's network,
 * metrics on their own entrypoint.
 */
function staticConfig(metrics: boolean, exposedByDefault: boolean) {
  return {
    entryPoints: {
      web: { address: ':80', http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https' } } } },
      websecure: { address: ':443', http: { tls: {} } },
      admin: { address: ':8080' },
      ...(metrics ? { metrics: { address: ':8082' } } : {}),
    },
    api: { dashboard: true },
    ping: { entryPoint: 'admin' },
    providers: {
      docker: { network: TEAM_NETWORK, exposedByDefault },
      file: { filename: '/etc/traefik/team/dynamic.yml' },
    },
    ...(metrics ? { metrics: { prometheus: { entryPoint: 'metrics', addServicesLabels: true } } } : {}),
    log: { level: 'INFO' },
  };
}

function dynamicConfig(user: string) {
  return {
    http: {
      routers: {
        dashboard: { rule: 'PathPrefix(`/api`) || PathPrefix(`/dashboard`)', entryPoints: ['admin'], service: 'api@internal', middlewares: ['ops-auth'] },
      },
      middlewares: { 'ops-auth': { basicAuth: { users: [user] } } },
    },
    tls: { certificates: [{ certFile: '/etc/traefik/team/team.crt', keyFile: '/etc/traefik/team/team.key' }] },
  };
}

/** A CA, and a certificate for *.team.test it signs; returns the CA's file. */
async function writeCertificates(dir: string): Promise<string> {
  const at = (name: string) => join(dir, name);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=bluegreen test CA', '-keyout', at('ca.key'), '-out', at('ca.crt')]);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=*.team.test', '-keyout', at('team.key'), '-out', at('team.csr')]);
  writeFileSync(at('san.ext'), 'subjectAltName=DNS:*.team.test\n');
  await run('openssl', ['x509', '-req', '-in', at('team.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', at('san.ext'), '-out', at('team.crt')]);
  return at('ca.crt');
}

/**
 * Another service of the team, routed by Traefik's labels on its own
 * (tls via the entrypoint, default priority): the sample app answering
 * `release` = `other-api` (or the given one) on every path.
 */
export async function runOtherService(suite: string, spec: { name: string; rule: string; release?: string }): Promise<void> {
  const existing = await docker.listContainers({ all: true, filters: { name: [`^/${spec.name}$`] } });
  await Promise.all(existing.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  await runSample(suite, {
    name: spec.name,
    network: TEAM_NETWORK,
    env: { RELEASE: spec.release ?? 'other-api' },
    labels: {
      'traefik.enable': 'true',
      [`traefik.http.routers.${spec.name}.rule`]: spec.rule,
      [`traefik.http.routers.${spec.name}.entrypoints`]: 'websecure',
      [`traefik.http.services.${spec.name}.loadbalancer.server.port`]: '8000',
    },
  });
  await eventually(`${spec.name} healthy`, async () => ((await docker.getContainer(spec.name).inspect()).State.Health?.Status === 'healthy' ? true : undefined), 30_000);
}
