import type { Context } from '../core/context.js';
import type { HistorySubject } from '../plan/state.js';
import { usageError } from '../errors.js';
import { verifyLive } from './verify-live.js';
import { scaleLive } from './scale.js';
import { stopOld } from './stop-old.js';
import { switchLive } from './switch.js';
import { bringUp } from './up.js';
import { observeColours } from '../core/observe.js';
import { liveColour } from '../plan/reality.js';
import { otherColour } from '../plan/colour.js';

/** Docker Flow's steps, and what each one is here. */
export const FLOW_STEPS = ['deploy', 'proxy', 'stop-old', 'scale'] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

export function parseFlow(steps: string[]): FlowStep[] {
  return steps.map((step) => {
    if (!(FLOW_STEPS as readonly string[]).includes(step)) throw usageError(`--flow: unknown step "${step}"`, `steps: ${FLOW_STEPS.join(', ')}`);
    return step as FlowStep;
  });
}

/**
 * Runs Docker Flow's steps in the order given: deploy -> up, proxy ->
 * switch (or, with no candidate waiting, a check that Traefik routes the
 * live colour, as Docker Flow's proxy step after a scale), stop-old ->
 * stop-old, scale -> scale. `--flow deploy --flow proxy --flow stop-old`
 * is `bluegreen deploy`.
 */
export async function runFlow(ctx: Context, steps: FlowStep[]): Promise<{ done: string[]; about: HistorySubject }> {
  const done: string[] = [];
  // History records the flow as about what its last step was about.
  let subject: HistorySubject = {};
  for (const step of steps) {
    if (step === 'deploy') {
      const up = await bringUp(ctx);
      subject = up.about;
      done.push(`deploy: ${up.colour} runs release ${up.release.number} on its preview route`);
    } else if (step === 'proxy') {
      const colours = await observeColours(ctx);
      const live = liveColour(colours);
      const waiting = colours[live ? otherColour(live) : 'blue'].routing === 'preview' && colours[live ? otherColour(live) : 'blue'].running > 0;
      if (waiting) {
        const switched = await switchLive(ctx);
        subject = switched.about;
        done.push(`proxy: live is ${switched.colour} release ${switched.release.number}`);
      } else {
        const checked = await verifyLive(ctx);
        done.push(`proxy: Traefik routes ${checked.colour} to ${checked.servers} server${checked.servers > 1 ? 's' : ''}`);
      }
    } else if (step === 'stop-old') {
      const stopped = await stopOld(ctx, { remove: false });
      subject = stopped.about;
      done.push(`stop-old: ${stopped.colour ? `${stopped.colour} stopped` : 'nothing to stop'}`);
    } else {
      const scaled = await scaleLive(ctx, ctx.options.scale);
      subject = scaled.about;
      done.push(`scale: ${scaled.colour} from ${scaled.from} to ${scaled.to}`);
    }
  }
  return { done, about: subject };
}
