import type { ComposeConfig } from '../plan/compose-model.js';
import { LABEL } from '../plan/names.js';
import { externalResources } from '../plan/side-project.js';
import type { Context } from './context.js';

/** Creates the shared networks and named volumes rendered projects expect to exist. */
export async function ensureResources(ctx: Context, ...projects: ComposeConfig[]): Promise<void> {
  const labels = { [LABEL.managed]: 'true', [LABEL.app]: ctx.app };
  const { networks, volumes } = externalResources(...projects);
  for (const name of networks) if (name !== ctx.options.network) await ctx.docker.ensureNetwork(name, labels);
  for (const name of volumes) await ctx.docker.ensureVolume(name, labels);
}
