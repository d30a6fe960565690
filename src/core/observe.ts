import { COLOURS } from '../plan/colour.js';
import { LABEL } from '../plan/names.js';
import { summarise, type Colours } from '../plan/reality.js';
import type { ContainerView } from '../runtime/docker.js';
import type { Context } from './context.js';

/** Both colours of the app as Docker shows them now. */
export async function observeColours(ctx: Context): Promise<Colours> {
  // One listing of the app's containers (both colours, their route containers): one engine round trip.
  return coloursOf(await ctx.docker.containers({ [LABEL.app]: ctx.app }));
}

/** Both colours from a listing of the app's containers (side targets carry no colour), each with its route container apart. */
export function coloursOf(containers: ContainerView[]): Colours {
  const [blue, green] = COLOURS.map((colour) => {
    // The route container carries the colour's live router: one a colour has (compose keeps one).
    return summarise(
      colour,
      containers.filter((c) => c.labels[LABEL.colour] === colour),
      containers.find((c) => c.labels[LABEL.routeOf] === colour),
    );
  });
  return { blue: blue!, green: green! };
}
