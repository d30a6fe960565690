import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_ERROR_EXIT, reportError } from '../../src/cli/report.js';
import { BgError, ExitCode } from '../../src/errors.js';

function capture(error: unknown, options: { json?: boolean; debug?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const code = reportError(error, { json: options.json ?? false, debug: options.debug ?? false, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

test('a known failure: its message, details and hint, and its exit code', () => {
  const error = new BgError('Traefik is unreachable', ExitCode.unreachable, 'start it');
  const { code, stderr } = capture(error);
  assert.equal(code, 4);
  assert.equal(stderr, 'error: Traefik is unreachable\nhint: start it\n');
});

test('an internal error (a bug): one line naming where, a hint, exit 70, no stack unless BG_DEBUG', () => {
  const bug = (() => {
    try {
      (undefined as unknown as { x: number }).x;
    } catch (error) {
      return error;
    }
  })();
  const { code, stderr } = capture(bug);
  assert.equal(code, INTERNAL_ERROR_EXIT);
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, stderr);
  assert.match(lines[0]!, /^error: internal error: TypeError: Cannot read properties of undefined .*\(at test\/unit\/report\.test\.ts:\d+\)$/);
  assert.match(lines[1]!, /^hint: this is a bug in bluegreen; `bluegreen status` .* BG_DEBUG=1 shows the stack$/);
  assert.doesNotMatch(stderr, /^\s+at /m);
  assert.match(capture(bug, { debug: true }).stderr, /^\s+at /m, 'BG_DEBUG=1 shows the stack');
  assert.equal(capture('thrown string').stderr.split('\n')[0], 'error: internal error: thrown string');
});

test('--json: an error event with the exit code, message and hint', () => {
  const { stdout } = capture(new Error('boom'), { json: true });
  const event = JSON.parse(stdout);
  assert.equal(event.event, 'error');
  assert.equal(event.exit_code, 70);
  assert.match(event.message, /^internal error: Error: boom/);
  assert.match(event.hint, /bug in bluegreen/);
});
