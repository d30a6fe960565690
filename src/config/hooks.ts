import * as z from 'zod/mini';
import { parseDuration } from '../plan/duration.js';

/**
 * Hooks (bluegreen.yml `hooks:`): a user's command run on the host at a
 * point of an operation. A pre_* hook can veto (its failure fails the
 * operation before it changes anything); a post_* hook and on_failure only warn.
 */
export const HOOK_NAMES = ['pre_up', 'pre_switch', 'post_switch', 'pre_stop_old', 'on_failure'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export interface Hook {
  /** Run with `sh -c`, in the directory of the compose file. */
  run: string;
  timeoutMs: number;
}

export type Hooks = Partial<Record<HookName, Hook>>;

/** Long enough for a migration; a hook that needs longer says so with `timeout:`. */
export const DEFAULT_HOOK_TIMEOUT = '10m';

const command = z.string().check(z.minLength(1));
const hookValue = z.union([command, z.strictObject({ run: command, timeout: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))) })]);

/** The `hooks:` key's type in bluegreen.yml: `pre_up: ./migrate.sh`, or `pre_up: {run: ./migrate.sh, timeout: 2m}`. */
export const hooksSchema = z.partial(z.strictObject(Object.fromEntries(HOOK_NAMES.map((name) => [name, hookValue])) as Record<HookName, typeof hookValue>));

/** The hooks as bluegreen runs them; a timeout that does not parse is exit 2 naming the hook. */
export function parseHooks(value: z.infer<typeof hooksSchema> | undefined): Hooks {
  const hooks: Hooks = {};
  for (const name of HOOK_NAMES) {
    const given = value?.[name];
    if (given === undefined) continue;
    const { run, timeout } = typeof given === 'string' ? { run: given, timeout: undefined } : given;
    hooks[name] = { run, timeoutMs: parseDuration(timeout ?? DEFAULT_HOOK_TIMEOUT, `hooks.${name}.timeout`) };
  }
  return hooks;
}
