// A fake swarm at the adapter seam (core/select-runtime.ts Stacks, and the
// engine's swarm reads in core/ports.ts): services keep their labels and
// replica count in memory; a deploy whose task template (everything but
// `deploy`) is unchanged keeps the service's tasks, as swarm does, and one
// that changed replaces them. For unit tests of the commands' decisions in
// swarm mode only: test/e2e/swarm.test.ts is the proof on a 3-node swarm.
import type { ComposeConfig } from '../../../src/plan/compose-model.js';
import type { Stacks } from '../../../src/core/select-runtime.js';
import type { ServiceView, TaskView } from '../../../src/runtime/docker.js';
import { BgError, ExitCode } from '../../../src/errors.js';

const NETWORK = 'traefik_webgateway';
const STACK = 'com.docker.stack.namespace';

interface FakeService extends ServiceView {
  stack: string;
  /** The task template: tasks are replaced when it changes. */
  template: string;
  releaseLabel?: string;
  tasks: TaskView[];
}

export class FakeSwarm {
  readonly services = new Map<string, FakeService>();
  /** Stacks whose new tasks never pass their healthcheck (swarm holds them `starting`). */
  readonly unhealthy = new Set<string>();
  /** Stacks whose next deploy fails (once each). */
  readonly deployFails = new Set<string>();
  private nextId = 1;

  constructor(private readonly calls: string[]) {}

  readonly stacks: Stacks = {
    deploy: async (project: ComposeConfig, options = {}) => {
      this.calls.push(`stack deploy ${project.name}`);
      if (this.deployFails.delete(project.name)) throw new BgError(`docker stack deploy of ${project.name} failed: injected`, ExitCode.failedReverted);
      for (const [name, spec] of Object.entries(project.services)) {
        const { deploy = {}, ...task } = spec as typeof spec & { deploy?: { replicas?: number; labels?: Record<string, string> } };
        const full = `${project.name}_${name}`;
        const template = JSON.stringify(task);
        const existing = this.services.get(full);
        const service: FakeService = existing ?? { id: `s${this.nextId++}`, name: full, stack: project.name, labels: {}, replicas: 0, template, tasks: [] };
        if (existing && existing.template !== template) service.tasks = [];
        service.template = template;
        service.labels = { ...(deploy.labels ?? {}), [STACK]: project.name };
        service.replicas = deploy.replicas ?? 1;
        service.releaseLabel = (task.labels as Record<string, string> | undefined)?.['io.bluegreen.release'];
        this.services.set(full, service);
        this.settle(service);
      }
      if (options.prune) {
        for (const service of this.services.values()) {
          if (service.stack === project.name && !(service.name.slice(project.name.length + 1) in project.services)) this.services.delete(service.name);
        }
      }
    },
    remove: async (stack: string) => {
      this.calls.push(`stack rm ${stack}`);
      for (const service of [...this.services.values()]) if (service.stack === stack) this.services.delete(service.name);
    },
    scale: async (name: string, replicas: number) => {
      this.calls.push(`service scale ${name}=${replicas}`);
      const service = this.services.get(name);
      if (!service) throw new BgError(`docker scale of ${name} failed: no such service`, ExitCode.failedReverted);
      service.replicas = replicas;
      this.settle(service);
    },
  };

  /** Swarm's reconciliation, at once: as many tasks as replicas, each running (or held `starting`). */
  private settle(service: FakeService): void {
    service.tasks = service.tasks.slice(0, service.replicas);
    for (let slot = service.tasks.length + 1; slot <= service.replicas; slot++) {
      const id = `t${this.nextId++}`;
      service.tasks.push({
        id,
        serviceId: service.id,
        node: `node-${((slot - 1) % 3) + 1}`,
        slot,
        state: this.unhealthy.has(service.stack) ? 'starting' : 'running',
        ips: { [NETWORK]: `10.1.0.${this.nextId}` },
        release: service.releaseLabel,
      });
    }
  }

  /** The engine's swarm reads (core/ports.ts Engine). */
  list(labels: Record<string, string>): ServiceView[] {
    return [...this.services.values()]
      .filter((s) => Object.entries(labels).every(([k, v]) => (v === '' ? k in s.labels : s.labels[k] === v)))
      .map(({ id, name, labels: l, replicas }) => ({ id, name, labels: { ...l }, replicas }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  tasksOf(service: string): TaskView[] {
    const found = this.services.get(service) ?? [...this.services.values()].find((s) => s.id === service);
    return found ? found.tasks.map((t) => ({ ...t })) : [];
  }

  /** Each service with running tasks, as Traefik's swarm provider reads it: its labels, and its tasks' addresses. */
  routed(): { labels: Record<string, string>; addresses: string[] }[] {
    return [...this.services.values()].map((s) => ({ labels: s.labels, addresses: s.tasks.filter((t) => t.state === 'running').map((t) => t.ips[NETWORK]!) })).filter((s) => s.addresses.length > 0);
  }

  /** The colours' services as the test sees them: `blue:live:2`. */
  summary(app: string): string[] {
    return (['blue', 'green'] as const).flatMap((colour) => {
      const service = this.list({ 'io.bluegreen.app': app, 'io.bluegreen.colour': colour }).find((s) => !s.labels['io.bluegreen.companion-of']);
      if (!service) return [];
      const running = this.tasksOf(service.id).filter((t) => t.state === 'running').length;
      return [`${colour}:${running ? service.labels['io.bluegreen.routing'] : 'stopped'}:${running}`];
    });
  }
}
