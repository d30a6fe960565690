// A fake of the outside world at the adapter seam (core/ports.ts): the
// engine and compose keep containers in memory; the Traefik adapter and the
// entrypoint route from those containers' labels the way Traefik does for
// bluegreen's own rules (the highest-priority router whose Header()
// conditions a request meets, over the running healthy servers). For unit
// tests of the commands' decisions only: the end-to-end tests are the proof
// against the real engine, compose, Traefik and Consul.
import type { ComposeConfig } from '../../../src/plan/compose-model.js';
import type { Compose, Engine, Traefik, TraefikEntrypoint } from '../../../src/core/ports.js';
import type { ContainerView, HealthStatus } from '../../../src/runtime/docker.js';
import type { RouterView, ServiceView } from '../../../src/runtime/traefik-api.js';
import type { EntrypointAnswer } from '../../../src/runtime/entrypoint.js';
import { BgError, ExitCode } from '../../../src/errors.js';
import { createHash } from 'node:crypto';
import { FakeSwarm } from './swarm.js';

const NETWORK = 'traefik_webgateway';

/** Stands in for compose's configuration hash: any change to the service changes it. */
const configHash = (definition: unknown) => createHash('sha256').update(JSON.stringify(definition)).digest('hex');

/** What a test makes go wrong: by compose project. */
export interface Faults {
  /** Containers of these projects start unhealthy. */
  unhealthy: Set<string>;
  /** `compose up` of these projects, or the start of a container in them, fails (once each, then the set entry is removed). */
  upFails: Set<string>;
  /** `compose down` of these projects fails. */
  downFails: Set<string>;
  /** Routers Traefik has not loaded (yet): absent from its API and from routing. */
  hiddenRouters: Set<string>;
}

export class FakeWorld {
  readonly containers = new Map<string, ContainerView>();
  /** A swarm manager's services (`new FakeWorld({ swarm: true })`): the engine then says it is one. */
  readonly swarm?: FakeSwarm;
  readonly faults: Faults = { unhealthy: new Set(), upFails: new Set(), downFails: new Set(), hiddenRouters: new Set() };
  /** Every compose call, in order: what the command did. */
  readonly calls: string[] = [];
  private nextId = 1;

  constructor(options: { swarm?: boolean } = {}) {
    if (options.swarm) this.swarm = new FakeSwarm(this.calls);
  }

  private create(project: string, service: string, labels: Record<string, string>, index: number): ContainerView {
    const id = `c${this.nextId++}`.padEnd(12, '0');
    const health: HealthStatus = this.faults.unhealthy.has(project) ? 'unhealthy' : 'healthy';
    const view: ContainerView = {
      id,
      name: `${project}-${service}-${index}`,
      state: 'running',
      health,
      labels: { ...labels, 'com.docker.compose.project': project, 'com.docker.compose.service': service },
      ips: { [NETWORK]: `10.0.0.${this.nextId}` },
      imageId: 'sha256:feedface',
      exitCode: 0,
      startedAt: new Date().toISOString(),
    };
    this.containers.set(id, view);
    return view;
  }

  /** A container bluegreen did not start (a team's, an impostor's), running and healthy with these labels. */
  runForeign(name: string, labels: Record<string, string>): void {
    const id = `${name}`.padEnd(12, '0');
    this.containers.set(id, { id, name, state: 'running', health: 'healthy', exitCode: 0, startedAt: '', ips: { [NETWORK]: '10.9.9.9' }, imageId: 'sha256:0', labels });
  }

  of(labels: Record<string, string>): ContainerView[] {
    return [...this.containers.values()].filter((c) => Object.entries(labels).every(([k, v]) => (v === '' ? k in c.labels : c.labels[k] === v)));
  }

  readonly engine: Engine = {
    ping: async () => undefined,
    containers: async (labels) =>
      this.of(labels)
        .map((c) => ({ ...c }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    runningLabels: async (labels) =>
      this.of(labels)
        .filter((c) => c.state === 'running')
        .map((c) => c.labels),
    inspect: async (id) => ({ ...this.containers.get(id)! }),
    stopAndRemove: async (id) => void this.containers.delete(id),
    pause: async (id) => void (this.containers.get(id)!.state = 'paused'),
    unpause: async (id) => {
      const c = this.containers.get(id);
      if (c?.state === 'paused') c.state = 'running';
    },
    unpauseLater: () => ({ stop: () => undefined }),
    triggerProviderRefresh: async () => undefined,
    logTail: async () => '',
    imageId: async () => 'sha256:feedface',
    localImage: async () => ({ id: 'sha256:feedface' }),
    imageHasHealthcheck: async () => true,
    imageCommand: async () => [],
    traefikProcesses: async () => [],
    networkExists: async () => true,
    ensureNetwork: async () => undefined,
    ensureVolume: async () => undefined,
    removeVolume: async () => false,
    removeNetwork: async () => undefined,
    ensureRouteImage: async () => 'bluegreen-route:1',
    ensureMaintenanceImage: async () => 'bluegreen-maintenance:test',
    removeImage: async () => undefined,
    runContainer: async (spec) => {
      this.calls.push(`run ${spec.name}`);
      const project = spec.labels['com.docker.compose.project']!;
      if (this.faults.upFails.delete(project)) throw new BgError(`start ${spec.name} failed: injected`, ExitCode.failedReverted);
      return this.create(project, spec.labels['com.docker.compose.service']!, spec.labels, 1).id;
    },
    swarmRole: async () => (this.swarm ? 'manager' : 'none'),
    services: async (labels) => this.swarm?.list(labels) ?? [],
    tasks: async (service) => this.swarm?.tasksOf(service) ?? [],
    repoDigests: async () => [],
    networkDriver: async () => (this.swarm ? 'overlay' : 'bridge'),
  };

  readonly compose: Compose = {
    build: async () => undefined,
    pull: async () => undefined,
    up: async (spec: ComposeConfig, options = {}) => {
      this.calls.push(`up ${spec.name}`);
      if (this.faults.upFails.delete(spec.name)) throw new BgError(`docker compose up of ${spec.name} failed: injected`, ExitCode.failedReverted);
      for (const [service, definition] of Object.entries(spec.services)) {
        if (options.services && !options.services.includes(service)) continue;
        const labels = { ...Object.fromEntries(Object.entries(definition.labels ?? {}).map(([k, v]) => [k, v.replaceAll('$$', '$')])), 'com.docker.compose.config-hash': configHash(definition) };
        const count = options.scale?.service === service ? options.scale.count : 1;
        const existing = this.of({ 'com.docker.compose.project': spec.name, 'com.docker.compose.service': service });
        const same = (c: ContainerView) =>
          JSON.stringify({ ...c.labels, 'com.docker.compose.project': undefined, 'com.docker.compose.service': undefined }) ===
          JSON.stringify({ ...labels, 'com.docker.compose.project': undefined, 'com.docker.compose.service': undefined });
        // Compose recreates what changed, keeps the rest (--no-recreate: keeps all), scales to the count.
        const kept = existing.filter((c) => options.noRecreate || (same(c) && c.state === 'running'));
        existing.filter((c) => !kept.includes(c)).forEach((c) => this.containers.delete(c.id));
        kept.slice(count).forEach((c) => this.containers.delete(c.id));
        for (let i = kept.length; i < count; i++) this.create(spec.name, service, labels, i + 1);
      }
    },
    serviceHashes: async (spec: ComposeConfig) => Object.fromEntries(Object.entries(spec.services).map(([name, definition]) => [name, configHash(definition)])),
    stop: async (project, _timeout, services = []) => {
      this.calls.push(`stop ${project}${services.length ? ` ${services.join(' ')}` : ''}`);
      for (const c of this.ofServices(project, services)) c.state = 'exited';
    },
    down: async (project, options = {}) => {
      this.calls.push(`down ${project}${options.services ? ` ${options.services.join(' ')}` : ''}`);
      if (this.faults.downFails.has(project)) throw new BgError(`docker compose down of ${project} failed: injected`, ExitCode.failedReverted);
      for (const c of this.ofServices(project, options.services ?? [])) this.containers.delete(c.id);
    },
  };

  /** A project's containers, or only those of the services named. */
  ofServices(project: string, services: string[]): ContainerView[] {
    return this.of({ 'com.docker.compose.project': project }).filter((c) => services.length === 0 || services.includes(c.labels['com.docker.compose.service'] ?? ''));
  }

  /** What Traefik reads labels from, per provider: running, healthy containers; swarm services with running tasks. */
  private routedLabels(): { provider: 'docker' | 'swarm'; labels: Record<string, string>; addresses: string[] }[] {
    const containers = [...this.containers.values()]
      .filter((c) => c.state === 'running' && c.health !== 'unhealthy')
      .map((c) => ({ provider: 'docker' as const, labels: c.labels, addresses: [c.ips[NETWORK]!] }));
    return [...containers, ...(this.swarm?.routed() ?? []).map((s) => ({ provider: 'swarm' as const, ...s }))];
  }

  /** Routers as Traefik would list them: from running, healthy containers' labels, and swarm services'. */
  routerViews(): RouterView[] {
    const routers = new Map<string, RouterView>();
    for (const { provider, labels } of this.routedLabels()) {
      const c = { labels };
      for (const [key, value] of Object.entries(c.labels)) {
        const match = /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(key);
        if (!match) continue;
        const name = match[1]!;
        const label = (prop: string) => c.labels[`traefik.http.routers.${name}.${prop}`];
        routers.set(`${name}@${provider}`, {
          name: `${name}@${provider}`,
          status: 'enabled',
          rule: value,
          priority: Number(label('priority') ?? 0),
          service: `${label('service')}@${provider}`,
          entryPoints: (label('entrypoints') ?? 'web').split(','),
          middlewares: (label('middlewares') ?? '').split(',').filter(Boolean),
          error: [],
        });
      }
    }
    return [...routers.values()].filter((r) => !this.faults.hiddenRouters.has(r.name));
  }

  serviceView(name: string): ServiceView | undefined {
    const [bare, provider] = name.split('@') as [string, string];
    const port = `traefik.http.services.${bare}.loadbalancer.server.port`;
    const servers = this.routedLabels()
      .filter((r) => r.provider === provider && r.labels[port])
      .flatMap((r) => r.addresses.map((address) => `http://${address}:${r.labels[port]}`));
    return servers.length ? { name, servers, serverStatus: Object.fromEntries(servers.map((s) => [s, 'UP'])) } : undefined;
  }

  readonly traefik: Traefik = {
    version: async () => '3.7.0',
    router: async (name) => this.routerViews().find((r) => r.name === name),
    routers: async () => this.routerViews(),
    service: async (name) => this.serviceView(name),
    services: async () => {
      const names = new Set(
        this.routedLabels().flatMap((r) =>
          Object.keys(r.labels).flatMap((key) => (/^traefik\.http\.services\.([^.]+)\./.exec(key) ? [`${/^traefik\.http\.services\.([^.]+)\./.exec(key)![1]}@${r.provider}`] : [])),
        ),
      );
      return [...names].flatMap((name) => this.serviceView(name) ?? []);
    },
    metrics: async () => undefined,
  };

  /** Who answers a request with these headers: the router Traefik would pick, and the colour header its middleware adds. */
  answer(headers: Record<string, string>): EntrypointAnswer {
    const matching = this.routerViews()
      .filter((r) => [...r.rule.matchAll(/Header\(`([^`]+)`, `([^`]*)`\)/g)].every(([, name, value]) => headers[name!] === value))
      .filter((r) => this.serviceView(r.service))
      .sort((a, b) => b.priority - a.priority);
    const router = matching[0];
    if (!router) return { status: 404, headers: {} };
    const headerMiddleware = router.middlewares.find((m) => /-header@(docker|swarm)$/.test(m))?.replace(/@(docker|swarm)$/, '');
    const holder = this.routedLabels().find((c) => headerMiddleware && c.labels[`traefik.http.middlewares.${headerMiddleware}.headers.customresponseheaders.X-Bluegreen-Color`]);
    const colour = holder?.labels[`traefik.http.middlewares.${headerMiddleware}.headers.customresponseheaders.X-Bluegreen-Color`];
    return { status: 200, headers: colour ? { 'x-bluegreen-color': colour } : {} };
  }

  readonly entrypoint: TraefikEntrypoint = {
    url: 'http://fake-traefik',
    secure: false,
    request: async (_probe, headers = {}) => this.answer(headers),
    reachable: async () => this.answer({}),
  };

  /** The colours' containers as the test sees them: `blue:live:2` per running group (live: its route container runs, or, launched before those, its own label). */
  summary(app: string): string[] {
    return (['blue', 'green'] as const).flatMap((colour) => {
      const containers = this.of({ 'io.bluegreen.app': app, 'io.bluegreen.colour': colour });
      if (!containers.length) return [];
      const running = containers.filter((c) => c.state === 'running');
      const routed = this.of({ 'io.bluegreen.app': app, 'io.bluegreen.route-of': colour }).some((c) => c.state === 'running');
      const label = running[0]?.labels['io.bluegreen.routing'];
      const routing = label === 'held' ? (routed ? 'live' : 'preview') : label;
      return [`${colour}:${running.length ? routing : 'stopped'}:${running.length}`];
    });
  }
}
