import type { ChildProcess } from 'node:child_process';
import { BgError, ExitCode } from '../errors.js';

/**
 * Ctrl-C or SIGTERM (a cancelled CI job) while a command changes things.
 *
 * The first signal is delivered once, as a failure, at the next checkpoint:
 * before a step, in a wait, or to the compose call in flight (which is
 * stopped). The command then undoes what it started exactly as it undoes
 * any failure, and that undo is left to run: a deploy cancelled before its
 * switch removes its candidate and exits 1, live untouched. A second signal
 * ends the command at once; the next command reconciles what it left.
 *
 * Outside a command that changes things (a read, or waiting for the lock)
 * nothing needs undoing: the first signal ends the command at once.
 */
export class Cancellation {
  private requested?: NodeJS.Signals;
  private delivered = false;
  private armed = false;
  private readonly children = new Set<ChildProcess>();
  private readonly stoppedChildren = new WeakSet<ChildProcess>();
  private readonly exitHooks: (() => void)[] = [];

  /** `end` ends the process, `say` tells the person (stderr); both replaced in tests. */
  constructor(
    private readonly end: (code: number, message: string) => void,
    private readonly say: (message: string) => void,
  ) {}

  /** Between taking the app's lock and releasing it: a signal then undoes rather than ends. */
  arm(): void {
    this.armed = true;
  }

  disarm(): void {
    this.armed = false;
  }

  request(signal: NodeJS.Signals): void {
    if (!this.armed || this.requested) {
      const again = Boolean(this.requested);
      this.stopChildren('SIGKILL');
      this.runExitHooks();
      this.end(
        again ? ExitCode.needsPerson : ExitCode.failedReverted,
        again
          ? `${signal} again: stopped at once, half-way; the next bluegreen command reconciles what is left (check \`bluegreen status\`)`
          : `${signal}: stopped (no operation on the app was under way)`,
      );
      return;
    }
    this.requested = signal;
    this.say(`${signal}: cancelling; what this command started is being undone (send it again to stop at once)`);
    // The compose call in flight is stopped; its failure is the cancellation.
    if (this.children.size) {
      this.delivered = true;
      this.stopChildren('SIGTERM');
    }
  }

  /** Throws the cancellation, once: what runs after it (the undo) is not cancelled again. */
  checkpoint(): void {
    if (!this.requested || this.delivered) return;
    this.delivered = true;
    throw cancelledError(this.requested);
  }

  /** Follows a child process (docker compose): stopped on a signal, killed when the command ends. Returns the untrack call. */
  track(child: ChildProcess): () => void {
    this.children.add(child);
    return () => this.children.delete(child);
  }

  /** Whether this child was stopped by a signal to the command, and what to report then. */
  stoppedBySignal(child: ChildProcess): BgError | undefined {
    return this.stoppedChildren.has(child) ? cancelledError(this.requested ?? 'SIGTERM') : undefined;
  }

  /** Runs at exit, however the command ends (a temporary directory's removal). */
  onExit(hook: () => void): void {
    this.exitHooks.push(hook);
  }

  /** Kills what is still running and runs the exit hooks: the command is ending. */
  finish(): void {
    this.stopChildren('SIGKILL');
    this.runExitHooks();
  }

  private stopChildren(signal: NodeJS.Signals): void {
    for (const child of this.children) {
      this.stoppedChildren.add(child);
      child.kill(signal);
    }
  }

  private runExitHooks(): void {
    for (const hook of this.exitHooks.splice(0)) {
      try {
        hook();
      } catch {
        // Best effort: the command is ending either way.
      }
    }
  }
}

export const cancelledError = (signal: NodeJS.Signals) =>
  new BgError(`cancelled (${signal})`, ExitCode.failedReverted, 'what this command had started was undone; live traffic is as it was: run it again');

/** The process's one cancellation: signals are per process. cli.ts installs the handlers. */
export const cancellation = new Cancellation(
  (code, message) => {
    process.stderr.write(`${message}\n`);
    process.exit(code);
  },
  (message) => process.stderr.write(`${message}\n`),
);
