import { BgError, ExitCode } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import type { Context } from './context.js';

/**
 * The image ID the target resolves to now: built first when the service has
 * a build section, pulled when it is not here. Pinning the ID is what makes a
 * release run the same bits on rollback, whatever the tag points to later.
 */
export async function resolveImage(ctx: Context, config: ComposeConfig, target: string): Promise<{ image: string; imageId: string }> {
  const service = config.services[target]!;
  const image = service.image ?? `${config.name}-${target}`;
  if (service.build) {
    await ctx.out.step(`build ${target}`, () => ctx.compose.build(ctx.options.files, ctx.options.cwd, ctx.options.project, target));
  }
  let imageId = await ctx.docker.imageId(image);
  if (!imageId) {
    await ctx.out.step(`pull ${image}`, () => ctx.compose.pull(ctx.options.files, ctx.options.cwd, ctx.options.project, target));
    imageId = await ctx.docker.imageId(image);
  }
  if (!imageId) throw new BgError(`image ${image} is not here and could not be pulled`, ExitCode.failedReverted, 'build or pull it, or fix the image name');
  return { image, imageId };
}
