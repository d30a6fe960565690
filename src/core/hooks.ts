import { dirname, resolve } from 'node:path';
import type { HookName } from '../config/hooks.js';
import { BgError, ExitCode } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import { COLOUR_HEADER, PREVIEW_KEY_HEADER } from '../plan/names.js';
import type { ProbeRequest } from '../plan/probe.js';
import { runHookProcess } from '../runtime/hook-process.js';
import type { Context } from './context.js';

/** What a hook is told about the operation it runs in (its environment). */
export interface HookFacts {
  release?: number;
  colour?: string;
  previousRelease?: number;
  liveColour?: string;
  /** The candidate's preview route (URL, Host and headers), where there is one. */
  preview?: { colour: string; key?: string; probe: ProbeRequest };
  /** on_failure: the operation, its message and exit code. */
  failure?: { operation: string; message: string; exitCode: number };
}

/** A pre_* hook said no: the operation stops before it changes anything (exit 1). */
export class HookVetoError extends BgError {
  constructor(
    readonly hook: HookName,
    message: string,
    details: string,
  ) {
    super(message, ExitCode.failedReverted, `the ${hook} hook decides: its output is above; fix what it checks, or the hook`, { details });
    this.name = 'HookVetoError';
  }
}

const text = (value: unknown) => (value === undefined ? '' : String(value));

function hookEnv(ctx: Context, facts: HookFacts): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    // `docker` in a hook reaches the engine the command works on.
    ...ctx.engine.childEnv(process.env),
    BG_APP: ctx.app,
    BG_RELEASE: text(facts.release),
    BG_COLOUR: text(facts.colour),
    BG_PREVIOUS_RELEASE: text(facts.previousRelease),
    BG_LIVE_COLOUR: text(facts.liveColour),
    BG_TRAEFIK_URL: ctx.options.traefikUrl,
  };
  if (facts.preview) {
    const { probe } = facts.preview;
    const headers = { [COLOUR_HEADER]: facts.preview.colour, ...(facts.preview.key ? { [PREVIEW_KEY_HEADER]: facts.preview.key } : {}), ...(probe.host ? { Host: probe.host } : {}) };
    Object.assign(env, {
      BG_PREVIEW_URL: `${ctx.options.traefikUrl}${probe.path}`,
      BG_PREVIEW_HOST: probe.host ?? '',
      BG_PREVIEW_KEY: facts.preview.key ?? '',
      // One "Name: value" per line: `curl $(printf -- '-H\n%s\n' ...)` or read line by line.
      BG_PREVIEW_HEADERS: Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n'),
    });
  }
  if (facts.failure) Object.assign(env, { BG_OPERATION: facts.failure.operation, BG_ERROR: facts.failure.message, BG_EXIT_CODE: String(facts.failure.exitCode) });
  return env;
}

/** The directory of the compose file: where a hook runs, as `./migrate.sh` beside compose.yaml expects. */
const hookDir = (ctx: Context) => (ctx.options.files[0] ? dirname(resolve(ctx.options.cwd, ctx.options.files[0])) : ctx.options.cwd);

/**
 * Runs the hook as a step of the operation (shown, timed, in --json), which
 * fails when the hook fails or runs past its timeout, with its output.
 */
async function runHook(ctx: Context, name: HookName, facts: HookFacts): Promise<void> {
  const hook = ctx.options.hooks[name];
  if (!hook) return;
  await ctx.out.step(
    `hook ${name}: ${hook.run}`,
    async () => {
      const run = await runHookProcess(hook.run, { cwd: hookDir(ctx), env: hookEnv(ctx, facts), timeoutMs: hook.timeoutMs });
      if (run.code === 0 && !run.timedOut) return;
      const what = run.timedOut ? `ran past its timeout (${formatDuration(hook.timeoutMs)}) and was stopped` : `failed (exit ${run.code ?? 'by a signal'})`;
      throw new HookVetoError(name, `the ${name} hook ${what}`, run.output.trimEnd().split('\n').slice(-20).join('\n') || '(no output)');
    },
    {},
    `hook-${name.replace(/_/g, '-')}`,
  );
}

/** A pre_* hook: its failure or timeout fails the operation here, before this step changes anything (exit 1), with its output. */
export async function preHook(ctx: Context, name: Extract<HookName, `pre_${string}`>, facts: HookFacts): Promise<void> {
  await runHook(ctx, name, facts);
}

/** A post_* or on_failure hook: its failure is a warning, with its output; what happened stands. */
export async function warningHook(ctx: Context, name: Extract<HookName, 'post_switch' | 'on_failure'>, facts: HookFacts): Promise<void> {
  await runHook(ctx, name, facts).catch((error: unknown) => {
    if (!(error instanceof HookVetoError)) throw error;
    ctx.out.warn(`${error.message} (a warning: what happened stands)${error.details ? `:\n${error.details}` : ''}`);
  });
}
