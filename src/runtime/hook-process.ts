import { spawn } from 'node:child_process';
import { boundedChild } from './bounded-child.js';

export interface HookRun {
  /** The exit code, or undefined when it was stopped. */
  code?: number;
  timedOut: boolean;
  /** stdout and stderr as they came, the last 64 KiB. */
  output: string;
  ms: number;
}

const KEEP_BYTES = 64 * 1024;

/**
 * Runs a user's hook with `sh -c` in its own process group, so that a hook
 * past its timeout is ended with everything it started (SIGTERM, then
 * SIGKILL), and a signal to bluegreen stops it too.
 */
export async function runHookProcess(run: string, options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<HookRun> {
  const started = Date.now();
  const child = spawn('sh', ['-c', run], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > KEEP_BYTES) output = output.slice(-KEEP_BYTES);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group has ended.
    }
  };
  const { code, overran } = await boundedChild(child, options.timeoutMs, group);
  return { code: code ?? undefined, timedOut: overran, output, ms: Date.now() - started };
}
