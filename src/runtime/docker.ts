import { compareText } from '../plan/compare.js';
import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { BgError, ExitCode, unreachableError, usageError } from '../errors.js';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { ROUTE_ARCHITECTURES, ROUTE_IMAGE, ROUTE_PROGRAM, routeProgram } from '../plan/route-holder.js';
import { RESPONDER_X86_64 } from '../plan/maintenance-responder.js';
import { createHash } from 'node:crypto';

/** The maintenance page's image (its tag: a digest of server and page). */
export const MAINTENANCE_IMAGE = 'bluegreen-maintenance';
const MAINTENANCE_ARCHITECTURES = ['x86_64', 'amd64'];
import type { EngineConnection } from './engine-connection.js';
import { engineIdThroughSocket } from './engine-id-cache.js';
import { EngineReads } from './engine-reads.js';
import { LABEL } from '../plan/names.js';

export type HealthStatus = 'healthy' | 'starting' | 'unhealthy' | 'none';

/** A container as bluegreen needs to see it: no dockerode types past this file. */
export interface ContainerView {
  id: string;
  name: string;
  state: string;
  health: HealthStatus;
  labels: Record<string, string>;
  /** IP address per network name. */
  ips: Record<string, string>;
  /** The image ID it runs. */
  imageId: string;
  exitCode: number;
  /** The last healthcheck run's output (what Docker keeps), if any: from `inspect` only. */
  lastHealthOutput?: string;
}

/** A container as listed: health and exit code as `docker ps` shows them in its status (the engine's own Health field where it gives one). */
function listedView(c: Docker.ContainerInfo & { Health?: { Status?: string } }): ContainerView {
  const health = (c.Health?.Status || /\((healthy|unhealthy|health: starting)\)/.exec(c.Status ?? '')?.[1]?.replace('health: ', '') || 'none') as HealthStatus;
  const ips: Record<string, string> = {};
  for (const [network, settings] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
    if (settings.IPAddress) ips[network] = settings.IPAddress;
  }
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
    state: c.State,
    health,
    labels: c.Labels ?? {},
    ips,
    imageId: c.ImageID,
    exitCode: Number(/^Exited \((-?\d+)\)/.exec(c.Status ?? '')?.[1] ?? 0),
  };
}

const ENGINE_GONE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const isEngineGone = (error: unknown) => ENGINE_GONE.has((error as { code?: string }).code ?? '') || /socket hang up/.test((error as Error)?.message ?? '');

export const ENGINE_CALL_BOUND_MS = 60_000;

/** dockerode at the connection's socket (or tcp address), with a bound on each call. */
export function dockerodeFor(connection: Pick<EngineConnection, 'socketPath' | 'tcp'>, timeout = ENGINE_CALL_BOUND_MS): Promise<Docker> {
  const { socketPath, tcp } = connection;
  return import('dockerode').then(({ default: Dockerode }) =>
    withoutEngineVariables(() => new Dockerode(socketPath ? { socketPath, timeout } : { host: tcp!.host, port: tcp!.port, protocol: 'http', timeout })),
  );
}

/**
 * dockerode (docker-modem) takes its defaults from DOCKER_HOST and the TLS
 * variables whatever it is given, and reads DOCKER_CERT_PATH's files then:
 * the connection is chosen once (runtime/engine-connection.ts), so it is
 * made with them out of sight.
 */
function withoutEngineVariables<T>(make: () => T): T {
  const names = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CLIENT_TIMEOUT', 'DOCKER_PATH_PREFIX'];
  const saved = names.map((name) => [name, process.env[name]] as const);
  for (const name of names) delete process.env[name];
  try {
    return make();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

/** What this engine is in a swarm: not in one, a manager (bluegreen drives swarm services), or a worker (it cannot). */
export type SwarmRole = 'none' | 'manager' | 'worker';

/** A swarm service as bluegreen needs to see it. */
export interface ServiceView {
  id: string;
  name: string;
  labels: Record<string, string>;
  replicas: number;
}

/** A swarm task that is meant to run (desired state running). */
export interface TaskView {
  id: string;
  serviceId: string;
  node: string;
  slot: number;
  /** Swarm's state: `starting` until a healthcheck passes, then `running`. */
  state: string;
  error?: string;
  /** IP address per network name. */
  ips: Record<string, string>;
  /** The release its container runs (bluegreen's label on the task's container spec), if labelled. */
  release?: string;
}

/** A task as the engine's API sends it: the fields read here. */
interface TaskWire {
  ID?: string;
  ServiceID?: string;
  NodeID?: string;
  Slot?: number;
  Status?: { State?: string; Err?: string };
  NetworksAttachments?: { Network?: { Spec?: { Name?: string } }; Addresses?: string[] }[];
  Spec?: { ContainerSpec?: { Labels?: Record<string, string> } };
}

/** Docker's filter for containers carrying all of the given labels ('' matches any value). */
const labelFilters = (labels: Record<string, string>) => ({ label: Object.entries(labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`)) });

/** The Docker engine: containers, images, networks and volumes. */
export class DockerEngine {
  // Every engine call has a bound: a request the engine leaves silent this
  // long is dropped (and reported as the engine not answering), so that no
  // command holds the app's lock forever on a hung engine.
  private dockerode?: Promise<Docker>;
  // Reads go to the engine's API directly (runtime/engine-reads.ts):
  // dockerode is loaded only by a command that changes something.
  private readonly reads: EngineReads;

  constructor(readonly connection: EngineConnection) {
    this.reads = EngineReads.at(connection, ENGINE_CALL_BOUND_MS);
  }

  private dockerodeWith(timeout: number): Promise<Docker> {
    return dockerodeFor(this.connection, timeout);
  }

  private get docker(): Promise<Docker> {
    return this.client();
  }

  /** dockerode, for adapters of this engine's other resources (runtime/engine-files.ts); each call through `call`. */
  client(): Promise<Docker> {
    return (this.dockerode ??= this.dockerodeWith(ENGINE_CALL_BOUND_MS));
  }

  private read<T>(path: string): Promise<T> {
    return this.reads.json<T>(path);
  }

  /** Runs one engine call, turning its failure into a BgError: the engine gone is exit 4, anything else exit 1. */
  async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof BgError) throw error;
      if (isEngineGone(error)) throw this.gone(error, ` while trying to ${what}`);
      const message = ((error as { json?: { message?: string } }).json?.message ?? (error as Error).message ?? String(error)).trim();
      throw new BgError(`Docker could not ${what}: ${message}`, ExitCode.failedReverted, 'see `docker info` and the engine log');
    }
  }

  /** The engine did not answer: exit 4 naming it, with what the far side of an ssh or TLS connection said. */
  private gone(error: unknown, during = ''): BgError {
    const said = this.connection.dialError();
    const code = (error as { code?: string }).code ?? (error as Error).message ?? String(error);
    return unreachableError(
      `Docker engine at ${this.connection.name} is unreachable (${said ?? code})${during}`,
      this.connection.local
        ? 'start Docker, or set DOCKER_HOST or a docker context to the engine to use'
        : "check the connection to the engine's host (`docker version` with the same DOCKER_HOST or context); live traffic is served by Traefik there, untouched",
      error,
    );
  }

  /** Fails with exit 4 naming the engine when it does not answer. */
  async ping(): Promise<void> {
    await this.reads.text('/_ping').catch((error) => {
      throw this.gone(error);
    });
  }

  private info<T>(): Promise<T> {
    return this.read<T>('/info').catch((error) => {
      throw this.gone(error);
    });
  }

  /** The engine's own ID (stable across restarts): what the file store is kept per. */
  async engineId(): Promise<string> {
    const ask = async () => (await this.info<{ ID: string }>()).ID;
    // Cached per socket file only where the socket is the engine's own (a connection's local socket is new each time).
    return this.connection.endpoint.address.kind === 'unix' ? engineIdThroughSocket(this.connection.socketPath!, ask) : ask();
  }

  /** The engine's clock now (its time, whoever asks): what leases on the engine are measured by. */
  async systemTime(): Promise<number> {
    return Date.parse((await this.info<{ SystemTime: string }>()).SystemTime);
  }

  async swarmRole(): Promise<SwarmRole> {
    const info = await this.info<{ Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }>();
    if (info.Swarm?.LocalNodeState !== 'active') return 'none';
    return info.Swarm.ControlAvailable ? 'manager' : 'worker';
  }

  /** Swarm services carrying all of the given labels. */
  async services(labels: Record<string, string>): Promise<ServiceView[]> {
    const filters = labelFilters(labels);
    const found = await this.call('list services', () => this.read<Docker.Service[]>(`/services?filters=${encodeURIComponent(JSON.stringify(filters))}`));
    return found.map((s) => ({ id: s.ID, name: s.Spec?.Name ?? s.ID, labels: s.Spec?.Labels ?? {}, replicas: s.Spec?.Mode?.Replicated?.Replicas ?? 0 })).sort((a, b) => compareText(a.name, b.name));
  }

  /** The tasks of a service that swarm means to run, with the node each is on (by hostname). */
  async tasks(service: string): Promise<TaskView[]> {
    const filters = { service: [service], 'desired-state': ['running'] };
    const [tasks, nodes] = await Promise.all([
      this.call('list tasks', () => this.read<TaskWire[]>(`/tasks?filters=${encodeURIComponent(JSON.stringify(filters))}`)),
      this.call('list nodes', () => this.read<{ ID: string; Description?: { Hostname?: string } }[]>('/nodes')),
    ]);
    const hostnames = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
    return tasks.map((task) => {
      const ips: Record<string, string> = {};
      for (const attachment of task.NetworksAttachments ?? []) {
        const name = attachment.Network?.Spec?.Name;
        const address = attachment.Addresses?.[0]?.split('/')[0];
        if (name && address) ips[name] = address;
      }
      return {
        id: task.ID ?? '',
        serviceId: task.ServiceID ?? '',
        node: hostnames.get(task.NodeID ?? '') ?? task.NodeID ?? '',
        slot: task.Slot ?? 0,
        state: task.Status?.State ?? 'unknown',
        error: task.Status?.Err,
        ips,
        release: task.Spec?.ContainerSpec?.Labels?.[LABEL.release],
      };
    });
  }

  /** Containers carrying all of the given labels (running and stopped). */
  /**
   * From the listing alone (one call, as `docker ps`): what every step
   * reads is in it. An inspection of each container (`inspect`) added a
   * call per container, a third of `bluegreen status`; it is made for the
   * health check's last output, where a failure is explained.
   */
  async containers(labels: Record<string, string>): Promise<ContainerView[]> {
    const found = await this.list(labels, true);
    return found.map(listedView).sort((a, b) => compareText(a.name, b.name));
  }

  /** The labels of the running containers carrying the given labels: one call, no inspection. */
  async runningLabels(labels: Record<string, string>): Promise<Record<string, string>[]> {
    return (await this.list(labels, false)).map((c) => c.Labels ?? {});
  }

  private list(labels: Record<string, string>, all: boolean): Promise<Docker.ContainerInfo[]> {
    const filters = labelFilters(labels);
    const query = `all=${all ? 1 : 0}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
    return this.call('list containers', () => this.read(`/containers/json?${query}`));
  }

  async inspect(id: string): Promise<ContainerView> {
    const info = await this.read<Docker.ContainerInspectInfo>(`/containers/${encodeURIComponent(id)}/json`);
    const healthLog = info.State.Health?.Log ?? [];
    const ips: Record<string, string> = {};
    for (const [network, settings] of Object.entries(info.NetworkSettings.Networks ?? {})) {
      if (settings.IPAddress) ips[network] = settings.IPAddress;
    }
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      state: info.State.Status,
      health: (info.State.Health?.Status as HealthStatus | undefined) ?? 'none',
      labels: info.Config.Labels ?? {},
      ips,
      imageId: info.Image,
      exitCode: info.State.ExitCode,
      lastHealthOutput: healthLog.at(-1)?.Output?.trim(),
    };
  }

  /** Stops with a grace period (SIGTERM, then SIGKILL after it), then removes. */
  async stopAndRemove(id: string, graceSeconds: number): Promise<void> {
    return this.call(`stop container ${id.slice(0, 12)}`, async () => {
      // A stop answers only after the grace period: its own, longer bound.
      const container = (await this.dockerodeWith(graceSeconds * 1000 + ENGINE_CALL_BOUND_MS)).getContainer(id);
      await container.stop({ t: graceSeconds }).catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 304 && error.statusCode !== 404) throw error; // 304: already stopped
      });
      await container.remove({ force: true }).catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
    });
  }

  /**
   * Resumes these containers after `ms` from a detached process, in case
   * this one is killed while they are paused; `stop` when they were resumed.
   */
  unpauseLater(ids: string[], ms: number): { stop(): void } {
    const here = fileURLToPath(import.meta.url);
    const script = fileURLToPath(new URL(`./unpause-watchdog${extname(here)}`, import.meta.url));
    // execArgv carries a loader such as tsx when there is one.
    const child = spawn(process.execPath, [...process.execArgv, script, String(ms), ...ids], { detached: true, stdio: 'ignore' });
    child.unref();
    return { stop: () => void child.kill() };
  }

  async pause(id: string): Promise<void> {
    return this.call(`pause container ${id.slice(0, 12)}`, async () => {
      await (await this.docker).getContainer(id).pause();
    });
  }

  async unpause(id: string): Promise<void> {
    return this.call(`resume container ${id.slice(0, 12)}`, async () => {
      await (await this.docker)
        .getContainer(id)
        .unpause()
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 409) throw error; // 409: not paused (already stopped or resumed)
        });
    });
  }

  /**
   * Makes Traefik's docker provider relist the containers now: it refreshes
   * on container `start` and `die` events only. A throwaway container of the
   * given image, with the given command (the target's own healthcheck: cheap,
   * no side effects) and no network, is started and removed.
   */
  async triggerProviderRefresh(image: string, command: string[], labels: Record<string, string>): Promise<void> {
    return this.call('run a container that makes Traefik relist', async () => {
      const container = await (await this.docker).createContainer({
        Image: image,
        Entrypoint: command.slice(0, 1),
        Cmd: command.slice(1),
        Labels: { ...labels, 'traefik.enable': 'false' },
        Healthcheck: { Test: ['NONE'] },
        HostConfig: { NetworkMode: 'none' },
      });
      // Started, then removed at once: one start and one die event, bounded
      // whatever the command does (it is never waited for).
      try {
        await container.start();
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    });
  }

  /**
   * Creates and starts a small container in one network (the route
   * container): one create and one start through the engine's API, a
   * fraction of what `docker compose up` of it costs. Its labels say which
   * compose project and service it is, so compose's stop and down treat it
   * as theirs.
   */
  async runContainer(spec: RunSpec): Promise<string> {
    return this.call(`start ${spec.name}`, async () => {
      const container = await (await this.docker).createContainer({
        name: spec.name,
        Image: spec.image,
        Entrypoint: spec.entrypoint,
        Labels: spec.labels,
        StopSignal: 'SIGKILL',
        StopTimeout: 0,
        // In another container's network namespace (`container:<id>`): Traefik takes that container's address for it.
        HostConfig: { NetworkMode: spec.networkOf ? `container:${spec.networkOf}` : spec.network, ReadonlyRootfs: true, RestartPolicy: restartPolicy(spec.restart) },
        ...(spec.networkOf ? {} : { NetworkingConfig: { EndpointsConfig: { [spec.network!]: {} } } }),
      });
      await container.start();
      return container.id;
    });
  }

  /** The last lines a container wrote (stdout and stderr), for failure reports. */
  async logTail(id: string, lines = 30): Promise<string> {
    const buffer = (await (await this.docker).getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demultiplex(buffer);
  }

  /** The image ID a reference resolves to locally, or undefined. */
  async imageId(reference: string): Promise<string | undefined> {
    return (await this.localImage(reference)).id;
  }

  /** The image a reference names here, and when the tag last came to point at it (pulled, built, tagged). */
  async localImage(reference: string): Promise<{ id?: string; lastTaggedAt?: Date }> {
    try {
      const info = await this.imageInfo(reference);
      const tagged = (info as { Metadata?: { LastTagTime?: string } }).Metadata?.LastTagTime;
      const at = tagged ? new Date(tagged) : undefined;
      // Docker writes the zero time for images it never tagged itself.
      return { id: info.Id, lastTaggedAt: at && at.getFullYear() > 1 ? at : undefined };
    } catch {
      return {};
    }
  }

  /**
   * The route container's image (plan/route-holder.ts), made here on first
   * use from the program alone (`docker import` of a one-file archive): no
   * registry, no build. Its name, once it exists.
   */
  async ensureRouteImage(): Promise<string> {
    if ((await this.localImage(ROUTE_IMAGE)).id) return ROUTE_IMAGE;
    const { Architecture } = await this.info<{ Architecture: string }>();
    const program = routeProgram(Architecture);
    if (!program) {
      throw usageError(
        `the engine runs on ${Architecture}: bluegreen's route container is made for ${ROUTE_ARCHITECTURES.join(' and ')} only`,
        'deploy from an engine on one of those, or in swarm mode',
      );
    }
    await this.importFiles(ROUTE_IMAGE, [{ name: ROUTE_PROGRAM.slice(1), content: program, mode: 0o755 }]);
    return ROUTE_IMAGE;
  }

  /**
   * The maintenance page's image, made here from its server and the answer
   * it gives (plan/maintenance.ts): one image per page, named by digest, so
   * nothing is pulled and a page changed is a new image.
   */
  async ensureMaintenanceImage(response: Buffer): Promise<string> {
    const { Architecture } = await this.info<{ Architecture: string }>();
    if (!MAINTENANCE_ARCHITECTURES.includes(Architecture)) {
      throw usageError(
        `the engine runs on ${Architecture}: the maintenance page's server is built for x86_64 only`,
        'put the app in maintenance from an x86_64 engine (scripts/maintenance-page/responder.c is the server)',
      );
    }
    const image = `${MAINTENANCE_IMAGE}:${createHash('sha256').update(RESPONDER_X86_64).update(response).digest('hex').slice(0, 12)}`;
    if ((await this.localImage(image)).id) return image;
    await this.importFiles(image, [
      { name: 'responder', content: RESPONDER_X86_64, mode: 0o755 },
      { name: 'response', content: response, mode: 0o444 },
    ]);
    return image;
  }

  /** Removes an image, if no container uses it (nothing said otherwise: an image left costs disk only). */
  async removeImage(reference: string): Promise<void> {
    await this.docker.then((docker) => docker.getImage(reference).remove()).catch(() => undefined);
  }

  /** An image of these files alone (`docker import`): no registry, no build. */
  private async importFiles(image: string, files: TarFile[]): Promise<void> {
    const [repo, tag] = image.split(':') as [string, string];
    await this.call(`make the image ${image}`, async () => {
      const docker = await this.docker;
      const progress = await docker.importImage(Readable.from(await tarOf(files)), { repo, tag });
      await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (error: Error | null) => (error ? reject(error) : resolve())));
    });
  }

  /** The image's registry digests (`repo@sha256:...`): what it was pushed or pulled as; none for an image only built or loaded here. */
  async repoDigests(reference: string): Promise<string[]> {
    return this.imageInfo(reference).then(
      (info) => info.RepoDigests ?? [],
      () => [],
    );
  }

  async imageHasHealthcheck(reference: string): Promise<boolean> {
    return this.call(`inspect image ${reference}`, async () => {
      const info = await this.imageInfo(reference);
      const test = info.Config?.Healthcheck?.Test;
      return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
    });
  }

  /** What the image runs as PID 1 when the compose file does not say: its ENTRYPOINT then CMD. */
  async imageCommand(reference: string): Promise<string[]> {
    return this.call(`inspect image ${reference}`, async () => {
      const config = (await this.imageInfo(reference)).Config;
      return [...(config?.Entrypoint ?? []), ...(config?.Cmd ?? [])];
    });
  }

  /**
   * The Traefik processes this engine runs (containers of a traefik image):
   * each one's command line and environment, where its static
   * configuration shows (doctor reads the provider throttle from them).
   */
  async traefikProcesses(): Promise<{ name: string; args: string[]; env: string[]; publishedPorts: number[] }[]> {
    return this.call('list Traefik containers', async () => {
      const running = await this.read<Docker.ContainerInfo[]>('/containers/json?all=0');
      const traefiks = running.filter((c) => /(^|\/)traefik(:|@|$)/i.test(c.Image));
      return Promise.all(
        traefiks.map(async (c) => {
          const info = await this.read<Docker.ContainerInspectInfo>(`/containers/${c.Id}/json`);
          return {
            name: info.Name.replace(/^\//, ''),
            args: [...(info.Config.Entrypoint ?? []), ...(info.Config.Cmd ?? [])],
            env: info.Config.Env ?? [],
            publishedPorts: (c.Ports ?? []).map((p) => p.PublicPort).filter((port): port is number => Boolean(port)),
          };
        }),
      );
    });
  }

  private imageInfo(reference: string): Promise<Docker.ImageInspectInfo> {
    return this.read(`/images/${encodeURI(reference)}/json`);
  }

  /** The network's driver (bridge, overlay), or undefined when there is none of that name. */
  async networkDriver(name: string): Promise<string | undefined> {
    return this.read<{ Driver?: string }>(`/networks/${encodeURIComponent(name)}`).then(
      (n) => n.Driver ?? 'unknown',
      () => undefined,
    );
  }

  async networkExists(name: string): Promise<boolean> {
    return this.read(`/networks/${encodeURIComponent(name)}`).then(
      () => true,
      () => false,
    );
  }

  /** Creates the network unless it exists: a bridge, or in a swarm an attachable overlay (every node's tasks, and plain containers, can join it). */
  async ensureNetwork(name: string, labels: Record<string, string>, driver: 'bridge' | 'overlay' = 'bridge'): Promise<void> {
    return this.call(`create network ${name}`, async () => {
      try {
        await (await this.docker).getNetwork(name).inspect();
      } catch {
        const swarmWide = driver === 'overlay' ? { Attachable: true } : {};
        await (await this.docker).createNetwork({ Name: name, Driver: driver, Labels: labels, CheckDuplicate: true, ...swarmWide }).catch((error) => {
          if (!/already exists/.test(String(error))) throw error;
        });
      }
    });
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
    return this.call(`create volume ${name}`, async () => {
      try {
        await (await this.docker).getVolume(name).inspect();
      } catch {
        await (await this.docker).createVolume({ Name: name, Labels: labels });
      }
    });
  }

  /** Removes a volume bluegreen created for this app (labelled so); never a user's external one. */
  async removeVolume(name: string, app: string): Promise<boolean> {
    try {
      const volume = (await this.docker).getVolume(name);
      if ((await volume.inspect()).Labels?.['io.bluegreen.app'] !== app) return false;
      await volume.remove();
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw new BgError(`could not remove volume ${name}: ${(error as Error).message}`, ExitCode.failedReverted);
    }
  }

  /** Removes a network bluegreen created for this app (labelled so), when nothing uses it. */
  async removeNetwork(name: string, app: string): Promise<void> {
    const network = (await this.docker).getNetwork(name);
    const labels = await network.inspect().then(
      (info: { Labels?: Record<string, string> }) => info.Labels ?? {},
      () => ({}) as Record<string, string>,
    );
    if (labels['io.bluegreen.app'] === app) await network.remove().catch(() => undefined);
  }
}

/** Docker multiplexes stdout/stderr of a non-TTY container in 8-byte framed chunks. */
function demultiplex(buffer: Buffer): string {
  if (!Buffer.isBuffer(buffer)) return String(buffer);
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    chunks.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return (offset === 0 ? buffer : Buffer.concat(chunks)).toString('utf8').trimEnd();
}

/** A tar holding one executable file. */
interface TarFile {
  name: string;
  content: Buffer;
  mode: number;
}

async function tarOf(files: TarFile[]): Promise<Buffer> {
  const archive = pack();
  for (const file of files) archive.entry({ name: file.name, mode: file.mode }, file.content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** What runContainer starts. */
export interface RunSpec {
  name: string;
  image: string;
  entrypoint: string[];
  labels: Record<string, string>;
  /** The network it joins; or, with `networkOf`, none of its own. */
  network?: string;
  /** The container whose network namespace it shares (a canary step's server, plan/canary.ts). */
  networkOf?: string;
  /** compose's `restart:` value. */
  restart?: string;
}

/** compose's `restart:` as the engine's policy: no, always, unless-stopped, on-failure[:N]. */
export function restartPolicy(restart: string | undefined): { Name: string; MaximumRetryCount?: number } {
  if (!restart || restart === 'no') return { Name: 'no' };
  const [name, retries] = restart.split(':');
  return retries ? { Name: name!, MaximumRetryCount: Number(retries) } : { Name: name! };
}
