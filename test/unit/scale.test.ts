import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyScale, formatScale, parseScale, type ScaleSpec } from '../../src/plan/scale.js';
import { assertUsageError } from './usage-error.js';

test('parseScale reads N as a count and +N / -N as changes', () => {
  const cases: [string, ScaleSpec][] = [
    ['3', { kind: 'absolute', count: 3 }],
    ['1', { kind: 'absolute', count: 1 }],
    ['0', { kind: 'absolute', count: 0 }],
    ['12', { kind: 'absolute', count: 12 }],
    ['+2', { kind: 'relative', delta: 2 }],
    ['-1', { kind: 'relative', delta: -1 }],
    ['-10', { kind: 'relative', delta: -10 }],
    [' 4 ', { kind: 'absolute', count: 4 }],
    ['007', { kind: 'absolute', count: 7 }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseScale(text), expected, `"${text}"`);
});

test('parseScale refuses what is not a count, naming the option', () => {
  for (const bad of ['', 'three', '1.5', '++1', '+-1', '2x', '+', '- 1', '1e2', '0x3']) {
    assertUsageError(() => parseScale(bad), `--scale: "${bad}" is not a count`);
  }
  assertUsageError(() => parseScale('many', 'BG_SCALE'), 'BG_SCALE: "many" is not a count');
});

test('applyScale: an absolute count ignores what runs, a relative one counts from it', () => {
  const cases: [ScaleSpec, number, number][] = [
    [{ kind: 'absolute', count: 3 }, 1, 3],
    [{ kind: 'absolute', count: 1 }, 5, 1],
    [{ kind: 'absolute', count: 2 }, 0, 2],
    [{ kind: 'relative', delta: 2 }, 1, 3],
    [{ kind: 'relative', delta: -1 }, 3, 2],
    [{ kind: 'relative', delta: -2 }, 3, 1],
    [{ kind: 'relative', delta: 0 }, 4, 4],
    [{ kind: 'relative', delta: 1 }, 0, 1],
  ];
  for (const [spec, running, expected] of cases) {
    assert.equal(applyScale(spec, running), expected, `${formatScale(spec)} from ${running}`);
  }
});

test('applyScale: below 1 is an error, never a floor', () => {
  const cases: [ScaleSpec, number, string][] = [
    [{ kind: 'absolute', count: 0 }, 3, 'scale 0 from 3 running would leave 0'],
    [{ kind: 'relative', delta: -2 }, 2, 'scale -2 from 2 running would leave 0'],
    [{ kind: 'relative', delta: -5 }, 2, 'scale -5 from 2 running would leave -3'],
    [{ kind: 'relative', delta: -1 }, 0, 'scale -1 from 0 running would leave -1'],
    [{ kind: 'relative', delta: 0 }, 0, 'scale 0 from 0 running would leave 0'],
  ];
  for (const [spec, running, message] of cases) {
    const error = assertUsageError(() => applyScale(spec, running), message);
    assert.equal(error.hint, 'a colour needs at least 1 container; use `bluegreen down` to remove the app');
  }
});

test('formatScale writes a spec back as users write it', () => {
  assert.equal(formatScale({ kind: 'absolute', count: 3 }), '3');
  assert.equal(formatScale({ kind: 'relative', delta: 2 }), '+2');
  assert.equal(formatScale({ kind: 'relative', delta: -1 }), '-1');
  assert.equal(formatScale({ kind: 'relative', delta: 0 }), '+0');
  for (const text of ['5', '+3', '-4']) assert.equal(formatScale(parseScale(text)), text);
});
