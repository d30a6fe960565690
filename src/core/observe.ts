import { COLOURS } from '../plan/colour.js';
import { LABEL } from '../plan/names.js';
import { summarise, type Colours } from '../plan/reality.js';
import type { Context } from './context.js';

/** Both colours of the app as Docker shows them now. */
export async function observeColours(ctx: Context): Promise<Colours> {
  const views = await Promise.all(
    COLOURS.map(async (colour) => {
      const containers = await ctx.docker.containers({ [LABEL.app]: ctx.app, [LABEL.colour]: colour });
      return summarise(colour, containers);
    }),
  );
  return { blue: views[0]!, green: views[1]! };
}
