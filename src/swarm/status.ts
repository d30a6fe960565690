import type { Context } from '../core/context.js';
import { COLOURS } from '../plan/colour.js';
import { liveColour } from '../plan/reality.js';
import { runningColourServicesLabels, type SwarmParts } from './launch.js';
import { shadowedLine, shadowedRouters } from '../commands/status.js';
import { readSwarmColours, tasksPerNode } from './reality.js';

/** `status` in swarm mode: each colour's release, routing and tasks per node, and what the store says. */
export async function swarmStatus(ctx: Context, swarm: SwarmParts) {
  const [colours, state] = await Promise.all([readSwarmColours(swarm.engine, ctx.app), ctx.store.read()]);
  const live = liveColour(colours);
  const lines = [`${ctx.app} (swarm mode): live ${live ?? 'none'}${state.live ? `, release ${state.live.release}` : ''}`];
  const entries = COLOURS.map((colour) => {
    const view = colours[colour];
    const routing = view.routing === 'live' ? `live (generation ${view.generation})` : (view.routing ?? 'not running');
    const wanted = view.service?.replicas ?? 0;
    const nodes = tasksPerNode(view.tasks);
    lines.push(`  ${colour}: ${view.service ? `release ${view.release ?? '?'}, ${routing}, ${view.running}/${wanted} tasks running${nodes ? ` (${nodes})` : ''}` : 'no service'}`);
    return { colour, release: view.release, routing: view.routing, generation: view.generation, replicas: wanted, running: view.running, tasks: view.tasks.map((t) => ({ id: t.id, node: t.node, state: t.state })) };
  });
  // A team's router added since the live colour was deployed loses to it: said, as on one host.
  const shadowed = live ? await shadowedRouters(ctx, colours[live], { managed: runningColourServicesLabels(swarm) }, 'swarm') : [];
  for (const router of shadowed) lines.push(`  ${shadowedLine(ctx.app, router)}`);
  return { line: lines.join('\n'), event: { app: ctx.app, mode: 'swarm', live, colours: entries, state, shadowed } };
}
