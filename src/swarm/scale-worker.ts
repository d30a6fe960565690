import type { Context } from '../core/context.js';
import { about } from '../core/operation.js';
import { usageError } from '../errors.js';
import type { Colour } from '../plan/colour.js';
import type { Release } from '../plan/release.js';
import { applyScale, type ScaleSpec } from '../plan/scale.js';
import { Deadline } from '../waiting/retry.js';
import { waitTasksRunning, type SwarmParts } from './launch.js';
import { workerService } from './workers.js';

/**
 * `scale worker +1` in swarm mode: the live colour's worker service gets
 * the new count (no route to verify; each task must run, healthy; down,
 * swarm stops tasks within their stop_grace_period). Undefined when
 * `target` is the release's first target: the plain scale runs.
 */
export async function scaleWorker(ctx: Context, swarm: SwarmParts, release: Release, live: Colour, target: string, spec: ScaleSpec) {
  if (target === release.target) return undefined;
  if (!release.companions?.[target]) {
    throw usageError(
      `${target} is not a target of release ${release.number} (its targets: ${[release.target, ...Object.keys(release.companions ?? {})].join(', ')})`,
      `name one of them, or give the count alone to scale ${release.target}`,
    );
  }
  const service = workerService(ctx.app, live, target);
  const from = (await swarm.engine.tasks(service)).filter((t) => t.state === 'running').length;
  const to = applyScale(spec, from);
  const subject = { colour: live, release: release.number, image: release.image, detail: `${target} ${from} -> ${to}` };
  if (to === from) {
    ctx.out.info(`${target} of ${live} already runs ${to}`);
    return { colour: live, from, to, target, about: subject };
  }
  return about(subject, async () => {
    const deadline = Deadline.after(ctx.options.timeoutMs);
    await ctx.out.step(`scale ${service} from ${from} to ${to}`, () => swarm.stacks.scale(service, to), { colour: live }, 'scale');
    await ctx.out.step(`wait until its tasks run`, () => waitTasksRunning(ctx, swarm, service, to, deadline), { colour: live }, 'healthy');
    return { colour: live, from, to, target, about: subject };
  });
}
