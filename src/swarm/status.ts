import type { Context } from '../core/context.js';
import { COLOURS } from '../plan/colour.js';
import { liveColour } from '../plan/reality.js';
import { runningColourServicesLabels, type SwarmParts } from './launch.js';
import { shadowedLine, shadowedRouters } from '../commands/status.js';
import { readSwarmColours, tasksPerNode } from './reality.js';
import { workerServices } from './workers.js';
import { LABEL } from '../plan/names.js';

/** `status` in swarm mode: each colour's release, routing and tasks per node, and what the store says. */
export async function swarmStatus(ctx: Context, swarm: SwarmParts) {
  const [colours, state, workers] = await Promise.all([readSwarmColours(swarm.engine, ctx.app), ctx.store.read(), workerServices(swarm, ctx.app)]);
  const workerTasks = await Promise.all(workers.map(async (service) => ({ service, running: (await swarm.engine.tasks(service.id)).filter((t) => t.state === 'running').length })));
  const live = liveColour(colours);
  const lines = [`${ctx.app} (swarm mode): live ${live ?? 'none'}${state.live ? `, release ${state.live.release}` : ''}`, `  engine ${ctx.engine.name}   store ${ctx.store.location}`];
  const entries = COLOURS.map((colour) => {
    const view = colours[colour];
    const routing = view.routing === 'live' ? `live (generation ${view.generation})` : (view.routing ?? 'not running');
    const wanted = view.service?.replicas ?? 0;
    const nodes = tasksPerNode(view.tasks);
    lines.push(`  ${colour}: ${view.service ? `release ${view.release ?? '?'}, ${routing}, ${view.running}/${wanted} tasks running${nodes ? ` (${nodes})` : ''}` : 'no service'}`);
    const companions = workerTasks
      .filter(({ service }) => service.labels[LABEL.companionOf] === colour)
      .map(({ service, running }) => ({ service: service.name, release: Number(service.labels[LABEL.release]), replicas: service.replicas, running }));
    for (const worker of companions) lines.push(`    ${worker.service}: release ${worker.release}, ${worker.running}/${worker.replicas} tasks running (worker: no route)`);
    return {
      colour,
      release: view.release,
      routing: view.routing,
      generation: view.generation,
      replicas: wanted,
      running: view.running,
      tasks: view.tasks.map((t) => ({ id: t.id, node: t.node, state: t.state })),
      companions,
    };
  });
  // A team's router added since the live colour was deployed loses to it: said, as on one host.
  const shadowed = live ? await shadowedRouters(ctx, colours[live], { managed: runningColourServicesLabels(swarm) }, 'swarm') : [];
  for (const router of shadowed) lines.push(`  ${shadowedLine(ctx.app, router)}`);
  return { line: lines.join('\n'), event: { app: ctx.app, engine: ctx.engine.name, store: ctx.store.location, mode: 'swarm', live, colours: entries, state, shadowed } };
}
