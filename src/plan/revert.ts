import { ExitCode } from '../errors.js';

/**
 * What a failed operation whose undo failed too ends as. Exit 5 (needs a
 * person) where what was left may carry live traffic or its state is
 * unknown; but where the launch left only a colour on its preview route
 * (never live) and the undo failed because the engine was out of reach
 * (an ssh connection cut, the host gone), live traffic is untouched and
 * the next command reconciles: exit 4, a dependency unreachable.
 */
export function failedUndoExit(launched: 'preview' | 'live', undoError: { exitCode?: number }): ExitCode {
  return launched === 'preview' && undoError.exitCode === ExitCode.unreachable ? ExitCode.unreachable : ExitCode.needsPerson;
}
