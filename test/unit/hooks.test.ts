import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_FILE, fromYmlFile } from '../../src/config/sources.js';
import type { Context } from '../../src/core/context.js';
import { HookVetoError, preHook, warningHook } from '../../src/core/hooks.js';
import { type BgError, ExitCode } from '../../src/errors.js';
import { runHookProcess } from '../../src/runtime/hook-process.js';
import { assertUsageError } from './usage-error.js';

const dir = () => mkdtempSync(join(tmpdir(), 'bg-hooks-'));

function ymlFile(text: string): string {
  const path = join(dir(), CONFIG_FILE);
  writeFileSync(path, text);
  return path;
}

/** What the hook functions read of a command's context; warnings collected. */
function hookContext(hooks: Record<string, { run: string; timeoutMs: number }>, cwd: string) {
  const warnings: string[] = [];
  const ctx = {
    app: 'shop',
    engine: { name: 'ssh://deploy@prod', childEnv: (base: NodeJS.ProcessEnv) => ({ ...base, DOCKER_HOST: 'unix:///tmp/bg-ssh-test/docker.sock' }) },
    options: { hooks, files: ['compose.yaml'], cwd, traefikUrl: 'http://127.0.0.1:18080', probe: { statuses: [[200, 499]] } },
    out: { step: (_title: string, run: () => Promise<unknown>) => run(), warn: (text: string) => warnings.push(text) },
  } as unknown as Context;
  return { ctx, warnings };
}

test('hooks in bluegreen.yml: a command, or {run, timeout}; the default timeout is 10 minutes', () => {
  const raw = fromYmlFile(ymlFile(['hooks:', '  pre_up: ./migrate.sh', '  pre_switch: {run: "curl -f $BG_PREVIEW_URL", timeout: 30s}', '  post_switch: {run: notify, timeout: 5}'].join('\n')));
  assert.deepEqual(raw.hooks, {
    pre_up: { run: './migrate.sh', timeoutMs: 600_000 },
    pre_switch: { run: 'curl -f $BG_PREVIEW_URL', timeoutMs: 30_000 },
    post_switch: { run: 'notify', timeoutMs: 5_000 },
  });
});

test('an unknown hook, an empty command or a timeout that is not a duration is exit 2 naming it', () => {
  assertUsageError(() => fromYmlFile(ymlFile('hooks:\n  before_up: x\n')), /hooks: unknown key before_up/);
  assertUsageError(() => fromYmlFile(ymlFile('hooks:\n  pre_up: ""\n')), /hooks\.pre_up/);
  assertUsageError(() => fromYmlFile(ymlFile('hooks:\n  pre_up: {run: x, timeout: soon}\n')), /hooks\.pre_up\.timeout: "soon" is not a duration/);
});

test('a hook runs with sh -c: its exit code and output; one past its timeout is stopped with what it started', async () => {
  const ok = await runHookProcess('echo out; echo err >&2; exit 3', { cwd: dir(), env: process.env, timeoutMs: 5000 });
  assert.deepEqual([ok.code, ok.timedOut, ok.output.split('\n').sort().join(' ').trim()], [3, false, 'err out']);
  const started = Date.now();
  const slow = await runHookProcess('sleep 30 & sleep 30', { cwd: dir(), env: process.env, timeoutMs: 300 });
  assert.equal(slow.timedOut, true);
  assert.ok(Date.now() - started < 5000, `the whole group was ended at the timeout (${Date.now() - started} ms)`);
});

test("a pre hook that fails vetoes with exit 1 and its output; it runs in the compose file's directory with the operation's facts", async () => {
  const cwd = dir();
  const { ctx } = hookContext({ pre_switch: { run: 'env | grep -E "^(BG_|DOCKER_HOST=)" > facts; pwd >> facts; echo "smoke test: 503"; exit 1', timeoutMs: 5000 } }, cwd);
  const veto = await preHook(ctx, 'pre_switch', {
    release: 7,
    colour: 'green',
    previousRelease: 6,
    liveColour: 'blue',
    preview: { colour: 'green', key: 'k3y', probe: { method: 'GET', host: 'shop.test', path: '/health', headers: {} } },
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(veto instanceof HookVetoError, String(veto));
  assert.equal((veto as BgError).exitCode, ExitCode.failedReverted);
  assert.match((veto as BgError).message, /the pre_switch hook failed \(exit 1\)/);
  assert.match((veto as BgError).details ?? '', /smoke test: 503/);
  const facts = readFileSync(join(cwd, 'facts'), 'utf8');
  for (const line of [
    'BG_APP=shop',
    'BG_RELEASE=7',
    'BG_COLOUR=green',
    'BG_PREVIOUS_RELEASE=6',
    'BG_LIVE_COLOUR=blue',
    'BG_PREVIEW_URL=http://127.0.0.1:18080/health',
    'BG_PREVIEW_HOST=shop.test',
    'BG_PREVIEW_KEY=k3y',
    cwd,
    'DOCKER_HOST=unix:///tmp/bg-ssh-test/docker.sock',
  ]) {
    assert.ok(facts.includes(line), `${line} in:\n${facts}`);
  }
  assert.match(facts, /BG_PREVIEW_HEADERS=X-Bluegreen-Color: green/);
});

test('a post hook that fails, or runs past its timeout, is a warning with its output; none configured runs nothing', async () => {
  const { ctx, warnings } = hookContext({ post_switch: { run: 'echo chat is down; exit 2', timeoutMs: 5000 }, on_failure: { run: 'sleep 5', timeoutMs: 200 } }, dir());
  await warningHook(ctx, 'post_switch', { release: 7, colour: 'green' });
  await warningHook(ctx, 'on_failure', { failure: { operation: 'deploy', message: 'boom', exitCode: 1 } });
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[0]!, /post_switch hook failed \(exit 2\).*\n.*chat is down/s);
  assert.match(warnings[1]!, /on_failure hook ran past its timeout \(200ms\)/);
  await preHook(hookContext({}, dir()).ctx, 'pre_up', {});
});
