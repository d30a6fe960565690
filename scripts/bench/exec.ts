import { spawn, type ChildProcess } from 'node:child_process';

export interface Command {
  cmd: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Part of the cleanup: still runs after the benchmark was aborted. */
  cleanup?: boolean;
}

export interface CommandRun {
  code: number;
  startedAt: number;
  ms: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Children still running, so that an interrupted benchmark can end exactly those. */
const children = new Set<ChildProcess>();
let aborted = false;

/**
 * Ends the children this process started, each with what it started in
 * turn (children lead their own process group), and refuses to start more
 * but for the cleanup's.
 */
export function abortChildren(): void {
  aborted = true;
  for (const child of children) killGroup(child, 'SIGKILL');
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

export function assertNotAborted(): void {
  if (aborted) throw new Error('benchmark aborted');
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs a command to its end (killed after timeoutMs), timing it from spawn to exit. */
export function runTimed(command: Command, timeoutMs = 120_000): Promise<CommandRun> {
  const startedAt = performance.now();
  if (aborted && !command.cleanup) return Promise.resolve({ code: -1, startedAt, ms: 0, stdout: '', stderr: 'benchmark aborted', timedOut: false });
  return new Promise((resolve) => {
    const child = track(spawn(command.cmd, command.args, { cwd: command.cwd, env: command.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 5000).unref();
    }, timeoutMs);
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const done = (code: number) => {
      clearTimeout(timer);
      resolve({ code, startedAt, ms: performance.now() - startedAt, stdout, stderr, timedOut });
    };
    child.on('error', (error) => {
      stderr += String(error);
      done(-1);
    });
    child.on('close', (code) => done(code ?? -1));
  });
}

/** Runs a command that must succeed; its output on failure. */
export async function run(command: Command, timeoutMs = 120_000): Promise<string> {
  const result = await runTimed(command, timeoutMs);
  if (result.code !== 0) throw new Error(`${describe(command)} exited ${result.code}${result.timedOut ? ' (timed out)' : ''}: ${lastLines(result)}`);
  return result.stdout;
}

export const describe = (command: Command) => [command.cmd, ...command.args].join(' ');

export function lastLines(result: CommandRun, count = 6): string {
  return `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-count).join('\n');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The promise's value, or undefined after `ms` (the timer does not hold the process). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
