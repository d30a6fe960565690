import type { ChildProcess } from 'node:child_process';
import { cancellation } from './cancellation.js';

/** After a bound, a child gets SIGTERM, then SIGKILL this much later. */
const KILL_AFTER_MS = 5000;

/**
 * Waits until a child process this command started has exited and its
 * output is read ('close', not 'exit'). Past `boundMs` it is stopped with
 * `stop` (SIGTERM, then SIGKILL); a signal to the command stops it too
 * (runtime/cancellation.ts), which rejects with the cancellation.
 */
export function boundedChild(child: ChildProcess, boundMs: number, stop: (signal: NodeJS.Signals) => void = (signal) => child.kill(signal)): Promise<{ code: number | null; overran: boolean }> {
  return new Promise((resolve, reject) => {
    const untrack = cancellation.track(child);
    let overran = false;
    const bound = setTimeout(() => {
      overran = true;
      stop('SIGTERM');
      setTimeout(() => stop('SIGKILL'), KILL_AFTER_MS).unref();
    }, boundMs);
    child.on('error', (error) => {
      clearTimeout(bound);
      untrack();
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(bound);
      untrack();
      const cancelled = cancellation.stoppedBySignal(child);
      if (cancelled) reject(cancelled);
      else resolve({ code, overran });
    });
  });
}
