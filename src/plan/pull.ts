import { usageError } from '../errors.js';
import { parseDuration } from './duration.js';

/**
 * Whether the target's image is pulled (or built) before a release pins its
 * ID. compose's `pull_policy` on the target is honoured; --pull (always,
 * missing, never) overrides it. A moving tag (`app:latest`) only ever
 * deploys what the registry holds now with `always` or a refresh interval.
 */
export type PullPolicy = { kind: 'always' | 'missing' | 'never' | 'build' } | { kind: 'refresh'; everyMs: number; as: string };

export const PULL_OPTION_VALUES = ['always', 'missing', 'never'] as const;

/** The --pull option (config/registry.ts): the policies that make sense for every service. */
export function parsePullOption(value: string): PullPolicy {
  if ((PULL_OPTION_VALUES as readonly string[]).includes(value)) return { kind: value as 'always' | 'missing' | 'never' };
  throw usageError(`--pull: "${value}" is not a pull policy`, `use ${PULL_OPTION_VALUES.join(', ')} (or set pull_policy on the service)`);
}

/** compose's pull_policy values (https://docs.docker.com/reference/compose-file/services/#pull_policy). */
export function parseComposePullPolicy(value: unknown, service: string): PullPolicy | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value);
  if (text === 'always' || text === 'never' || text === 'build' || text === 'missing') return { kind: text };
  if (text === 'if_not_present') return { kind: 'missing' };
  if (text === 'daily') return { kind: 'refresh', everyMs: 24 * 3600_000, as: text };
  if (text === 'weekly') return { kind: 'refresh', everyMs: 7 * 24 * 3600_000, as: text };
  const every = /^every_(.+)$/.exec(text);
  if (every) {
    try {
      return { kind: 'refresh', everyMs: parseDuration(every[1]!, `${service}: pull_policy`), as: text };
    } catch {
      // Falls through to the error below, which names the accepted forms.
    }
  }
  throw usageError(`${service}: pull_policy "${text}" is not one compose knows`, 'use always, missing, never, build, daily, weekly or every_<duration> (e.g. every_12h)');
}

export interface LocalImage {
  present: boolean;
  /** When the tag last pointed here (pulled or built), if Docker knows. */
  lastTaggedAt?: Date;
}

export type PullStep = 'pull' | 'build' | 'none';

/**
 * What to do before pinning the image. Without a policy: build a service that
 * has a build section (compose's cache makes that cheap), else pull only a
 * missing image (compose's own default). `never` with no image is exit 2.
 */
export function pullStep(policy: PullPolicy | undefined, local: LocalImage, hasBuild: boolean, now: Date, image: string): PullStep {
  switch (policy?.kind) {
    case undefined:
      return hasBuild ? 'build' : local.present ? 'none' : 'pull';
    case 'always':
      return 'pull';
    case 'missing':
      return local.present ? 'none' : hasBuild ? 'build' : 'pull';
    case 'never':
      if (!local.present) throw usageError(`image ${image} is not here and the pull policy is never`, `pull or build it first, or deploy with --pull missing`);
      return 'none';
    case 'build':
      if (!hasBuild) throw usageError(`pull_policy build, but the target has no build section`, 'add a build section or use another pull_policy');
      return 'build';
    case 'refresh': {
      const stale = !local.present || !local.lastTaggedAt || now.getTime() - local.lastTaggedAt.getTime() >= policy.everyMs;
      return stale ? 'pull' : 'none';
    }
  }
}
