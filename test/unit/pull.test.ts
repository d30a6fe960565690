import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseComposePullPolicy, parsePullOption, pullStep } from '../../src/plan/pull.js';
import { BgError } from '../../src/errors.js';

const now = new Date('2026-11-25T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
const present = (lastTaggedAt?: Date) => ({ present: true, lastTaggedAt });
const absent = { present: false };
const step = (policy: string | undefined, local: { present: boolean; lastTaggedAt?: Date }, hasBuild = false) => pullStep(parseComposePullPolicy(policy, 'app'), local, hasBuild, now, 'shop:latest');
const exit2 = (error: unknown) => error instanceof BgError && error.exitCode === 2;

test('no pull_policy: pull only what is missing; a service with a build section is built', () => {
  assert.equal(step(undefined, present()), 'none');
  assert.equal(step(undefined, absent), 'pull');
  assert.equal(step(undefined, present(), true), 'build');
});

test('always pulls even when the tag is here (a moving tag gets what the registry holds now)', () => {
  assert.equal(step('always', present(hoursAgo(0.1))), 'pull');
  assert.equal(step('always', absent, true), 'pull');
});

test('missing and if_not_present pull (or build) only an image that is not here', () => {
  for (const policy of ['missing', 'if_not_present']) {
    assert.equal(step(policy, present()), 'none', policy);
    assert.equal(step(policy, absent), 'pull', policy);
    assert.equal(step(policy, absent, true), 'build', policy);
  }
});

test('never uses what is here, and without it is exit 2 before anything runs', () => {
  assert.equal(step('never', present()), 'none');
  assert.throws(
    () => step('never', absent),
    (e) => exit2(e) && /not here and the pull policy is never/.test((e as Error).message),
  );
});

test('build builds, and needs a build section', () => {
  assert.equal(step('build', present(), true), 'build');
  assert.throws(() => step('build', present()), exit2);
});

test('daily, weekly and every_<duration> pull when the tag is older than that, or its age is unknown', () => {
  assert.equal(step('daily', present(hoursAgo(23))), 'none');
  assert.equal(step('daily', present(hoursAgo(25))), 'pull');
  assert.equal(step('weekly', present(hoursAgo(24 * 6))), 'none');
  assert.equal(step('weekly', present(hoursAgo(24 * 8))), 'pull');
  assert.equal(step('every_12h', present(hoursAgo(11))), 'none');
  assert.equal(step('every_12h', present(hoursAgo(13))), 'pull');
  assert.equal(step('every_30m', present()), 'pull', 'no tag time: pulled');
  assert.equal(step('daily', absent), 'pull');
});

test('pull policies compose does not know, and --pull values other than always|missing|never, are exit 2 naming the accepted ones', () => {
  assert.throws(
    () => parseComposePullPolicy('sometimes', 'app'),
    (e) => exit2(e) && /app: pull_policy "sometimes"/.test((e as Error).message),
  );
  assert.throws(() => parseComposePullPolicy('every_soon', 'app'), exit2);
  assert.deepEqual(parsePullOption('always'), { kind: 'always' });
  assert.throws(
    () => parsePullOption('build'),
    (e) => exit2(e) && /--pull: "build"/.test((e as Error).message),
  );
});
