import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { Cancellation } from '../../src/runtime/cancellation.js';

function harness() {
  const ended: { code: number; message: string }[] = [];
  const said: string[] = [];
  const cancellation = new Cancellation(
    (code, message) => ended.push({ code, message }),
    (message) => said.push(message),
  );
  return { cancellation, ended, said };
}

const fakeChild = () => {
  const signals: string[] = [];
  return { child: { kill: (signal: string) => signals.push(signal) } as unknown as ChildProcess, signals };
};

test('outside an operation a signal ends the command at once, exit 1: nothing was being changed', () => {
  const { cancellation, ended } = harness();
  cancellation.request('SIGINT');
  assert.deepEqual(
    ended.map((e) => e.code),
    [1],
  );
  assert.doesNotThrow(() => cancellation.checkpoint());
});

test('during an operation the first signal is thrown once, at the next checkpoint; what runs after (the undo) is not cancelled again', () => {
  const { cancellation, ended, said } = harness();
  cancellation.arm();
  assert.doesNotThrow(() => cancellation.checkpoint());
  cancellation.request('SIGTERM');
  assert.equal(ended.length, 0);
  assert.match(said[0]!, /SIGTERM: cancelling/);
  assert.throws(
    () => cancellation.checkpoint(),
    (error: any) => error.exitCode === 1 && /cancelled \(SIGTERM\)/.test(error.message),
  );
  assert.doesNotThrow(() => cancellation.checkpoint());
});

test('a second signal ends the command at once with exit 5 and kills the compose children', () => {
  const { cancellation, ended } = harness();
  const { child, signals } = fakeChild();
  cancellation.arm();
  cancellation.request('SIGINT');
  cancellation.track(child);
  cancellation.request('SIGINT');
  assert.deepEqual(
    ended.map((e) => e.code),
    [5],
  );
  assert.deepEqual(signals, ['SIGKILL']);
});

test('the compose call in flight is stopped by the signal, and that failure is the cancellation (not thrown again at a checkpoint)', () => {
  const { cancellation } = harness();
  const { child, signals } = fakeChild();
  const other = fakeChild();
  cancellation.arm();
  const untrack = cancellation.track(child);
  cancellation.track(other.child);
  cancellation.request('SIGTERM');
  assert.deepEqual(signals, ['SIGTERM']);
  assert.match(cancellation.stoppedBySignal(child)!.message, /cancelled \(SIGTERM\)/);
  untrack();
  assert.doesNotThrow(() => cancellation.checkpoint());
  const later = fakeChild();
  cancellation.track(later.child);
  assert.equal(cancellation.stoppedBySignal(later.child), undefined, 'a compose call of the undo runs');
});

test('exit hooks run once, when the command ends', () => {
  const { cancellation } = harness();
  let runs = 0;
  cancellation.onExit(() => runs++);
  cancellation.finish();
  cancellation.finish();
  assert.equal(runs, 1);
});
