import { compareText } from '../plan/compare.js';
import { COLOURS, type Colour } from '../plan/colour.js';
import { LABEL } from '../plan/names.js';
import { summarise, type ColourView } from '../plan/reality.js';
import type { ServiceView, TaskView } from '../runtime/docker.js';
import type { Engine } from '../core/ports.js';

/** One colour in swarm mode: its target service (if any) and the tasks swarm means to run. */
export interface SwarmColour extends ColourView {
  service?: ServiceView;
  tasks: TaskView[];
}

/**
 * Each colour as the swarm shows it, in the shape single-host commands
 * read (plan/reality.ts): a task is `running` once its healthcheck passed
 * (swarm holds it in `starting` before), which is also when Traefik's swarm
 * provider starts routing it. The routing labels are the service's.
 */
export async function readSwarmColours(engine: Pick<Engine, 'services' | 'tasks'>, app: string): Promise<Record<Colour, SwarmColour>> {
  const services = (await engine.services({ [LABEL.app]: app, [LABEL.colour]: '' })).filter((s) => s.labels[LABEL.role] !== 'side');
  const views = await Promise.all(
    COLOURS.map(async (colour): Promise<SwarmColour> => {
      const service = services.find((s) => s.labels[LABEL.colour] === colour);
      const tasks = service ? await engine.tasks(service.id) : [];
      const containers = tasks.map((task) => ({
        id: task.id,
        name: `${service!.name}.${task.slot}`,
        state: task.state,
        health: task.state === 'running' ? 'healthy' : 'starting',
        labels: service!.labels,
      }));
      const view = summarise(colour, containers);
      // A colour scaled to 0 (stopped, kept for rollback) has no task: its service still says which release it runs.
      const release = view.release ?? (service?.labels[LABEL.release] ? Number(service.labels[LABEL.release]) : undefined);
      return { ...view, release, service, tasks };
    }),
  );
  return { blue: views[0]!, green: views[1]! };
}

/** Tasks per node, for `status`: "bgswarm-1: 1, bgswarm-2: 2". */
export function tasksPerNode(tasks: TaskView[]): string {
  const counts = new Map<string, number>();
  for (const task of tasks) counts.set(task.node, (counts.get(task.node) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => compareText(a, b))
    .map(([node, count]) => `${node}: ${count}`)
    .join(', ');
}
