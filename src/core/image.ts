import { BgError, ExitCode } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { parseComposePullPolicy, pullStep } from '../plan/pull.js';
import type { Context } from './context.js';

/**
 * The image ID the target resolves to now, after the pull or build its pull
 * policy asks for (plan/pull.ts). Pinning the ID is what makes a release run
 * the same bits on rollback, whatever the tag points to later.
 */
export async function resolveImage(ctx: Context, config: ComposeConfig, target: string): Promise<{ image: string; imageId: string }> {
  const service = config.services[target]!;
  const image = service.image ?? `${config.name}-${target}`;
  const policy = ctx.options.pull ?? parseComposePullPolicy(service.pull_policy, target);
  const local = await ctx.docker.localImage(image);
  const step = pullStep(policy, { present: local.id !== undefined, lastTaggedAt: local.lastTaggedAt }, Boolean(service.build), new Date(), image);
  const { files, cwd, project } = ctx.options;
  if (step === 'build') await ctx.out.step(`build ${target}`, () => ctx.compose.build(files, cwd, project, target));
  if (step === 'pull') await ctx.out.step(`pull ${image}`, () => ctx.compose.pull(files, cwd, project, target));
  const imageId = step === 'none' ? local.id : await ctx.docker.imageId(image);
  if (!imageId) throw new BgError(`image ${image} is not here and could not be pulled`, ExitCode.failedReverted, 'build or pull it, or fix the image name');
  return { image, imageId };
}
