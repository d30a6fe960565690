import { usageError } from '../errors.js';
import type { ComposeConfig } from '../plan/compose-model.js';
import { assertTargetsDistinct } from '../plan/release.js';

/**
 * The target: as configured, else `app`, else the only service that is not
 * a side target. The targets (companions too) and side targets must be
 * services of the file: checked before any image is pulled or built.
 */
export function chooseTarget(config: ComposeConfig, configured: string | undefined, sideTargets: string[], companions: string[] = []): string {
  const services = Object.keys(config.services);
  for (const [name, role] of [[configured, 'target'], ...companions.map((s) => [s, 'target']), ...sideTargets.map((s) => [s, 'side target'])] as const) {
    if (name !== undefined && !services.includes(name)) {
      throw usageError(`${role} "${name}" is not a service of the compose file`, `its services: ${services.join(', ')}`);
    }
  }
  if (configured) {
    assertTargetsDistinct(configured, companions, sideTargets);
    return configured;
  }
  if (services.includes('app')) return 'app';
  const candidates = services.filter((s) => !sideTargets.includes(s));
  if (candidates.length === 1) return candidates[0]!;
  throw usageError(`which service to deploy? the compose file has ${services.join(', ')}`, 'pass --target (or set target in bluegreen.yml)');
}
