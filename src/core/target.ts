import { usageError } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';

/** The target: as configured, else `app`, else the only service that is not a side target. */
export function chooseTarget(config: ComposeConfig, configured: string | undefined, sideTargets: string[]): string {
  if (configured) return configured;
  const services = Object.keys(config.services);
  if (services.includes('app')) return 'app';
  const candidates = services.filter((s) => !sideTargets.includes(s));
  if (candidates.length === 1) return candidates[0]!;
  throw usageError(`which service to deploy? the compose file has ${services.join(', ')}`, 'pass --target (or set target in bluegreen.yml)');
}
