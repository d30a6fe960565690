import type { ComposeService } from './compose-model.js';
import { parseDuration } from './duration.js';

/**
 * How long the preview containers may keep running after the live ones of a
 * switch have started: they must be gone before Traefik can route to the live
 * ones, which it does only once Docker calls them healthy. The engine stops
 * and removes a container in ~0.1-0.3 s (measured, 2 cores, under load).
 */
export const OVERLAP_NEEDS_MS = 250;

/**
 * The earliest a new container of the service can be healthy: Docker runs its
 * first probe after start_interval within a start period, else after
 * interval (defaults 5 s and 30 s). Undefined when compose does not say (the
 * image's own healthcheck, or none).
 */
export function firstProbeAfterMs(service: ComposeService): number | undefined {
  const check = service.healthcheck;
  if (!check || check.disable || check.test === undefined || [check.test].flat()[0] === 'NONE') return undefined;
  const ms = (text: string | undefined, fallback: number) => (text === undefined ? fallback : parseDuration(text));
  try {
    return ms(check.start_period, 0) > 0 ? ms(check.start_interval, 5000) : ms(check.interval, 30_000);
  } catch {
    return undefined;
  }
}

/** Whether a switch may start the live containers beside the preview ones, and remove those after. */
export const mayOverlap = (service: ComposeService) => (firstProbeAfterMs(service) ?? 0) >= OVERLAP_NEEDS_MS;
