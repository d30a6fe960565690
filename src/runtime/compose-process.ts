import { spawn } from 'node:child_process';
import { BgError, ExitCode } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import { boundedChild } from './bounded-child.js';

export interface ComposeRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `docker compose ARGS` and resolves when it has exited and its output
 * is read ('close', not 'exit'). The docker-compose npm package waits a
 * further 500 ms after every exit (its index.js), which costs a deploy of
 * five compose calls 2.5 s: measured, and the reason for this wrapper.
 *
 * Every call has a bound (`boundMs`): a compose that hangs (an engine that
 * stops answering, a registry that never ends a pull) is stopped and fails
 * the step, so no command holds the app's lock forever. A signal to the
 * command stops the call in flight (runtime/cancellation.ts).
 */
export function runCompose(args: string[], options: DockerRunOptions): Promise<ComposeRun> {
  return runDocker(['compose', ...args], options);
}

export interface DockerRunOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  stdin?: string;
  boundMs: number;
  what: string;
}

/** Runs `docker ARGS` (compose, stack, service) with runCompose's bound and cancellation. */
export async function runDocker(args: string[], options: DockerRunOptions): Promise<ComposeRun> {
  const child = spawn('docker', args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  child.stdin.on('error', () => undefined); // a compose that died before reading its project
  const exited = boundedChild(child, options.boundMs);
  child.stdin.end(options.stdin ?? '');
  const { code, overran } = await exited;
  if (overran)
    throw new BgError(
      `docker ${args[0]} ${options.what} did not finish in ${formatDuration(options.boundMs)}: stopped it`,
      ExitCode.failedReverted,
      'see `docker info` and the engine log; the bound is there so that no command holds the lock forever',
    );
  return { code: code ?? 1, out, err };
}
