import { COLOURS } from '../plan/colour.js';
import { LABEL } from '../plan/names.js';
import { summarise, type Colours } from '../plan/reality.js';
import type { ContainerView } from '../runtime/docker.js';
import type { Context } from './context.js';

/** Both colours of the app as Docker shows them now. */
export async function observeColours(ctx: Context): Promise<Colours> {
  // One listing of both colours ('' matches any colour): one engine round trip fewer.
  return coloursOf(await ctx.docker.containers({ [LABEL.app]: ctx.app, [LABEL.colour]: '' }));
}

/** Both colours from a listing of the app's containers (side targets carry no colour). */
export function coloursOf(containers: ContainerView[]): Colours {
  const [blue, green] = COLOURS.map((colour) =>
    summarise(
      colour,
      containers.filter((c) => c.labels[LABEL.colour] === colour),
    ),
  );
  return { blue: blue!, green: green! };
}
