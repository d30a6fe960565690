import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHistory } from '../../src/commands/history.js';
import type { HistoryEntry } from '../../src/plan/state.js';

const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  at: '2026-12-06T10:00:00.000Z',
  operation: 'deploy',
  outcome: 'ok',
  release: 3,
  colour: 'green',
  image: 'shop:3',
  durationMs: 4200,
  by: 'ci@runner',
  ...over,
});

test('history says why each row that did not simply succeed ended: its first line, cut to fit the width', () => {
  const baked = 'release 4 failed the bake window: 31% of 420 requests answered 5xx (limit 5%); release 3 is live again in blue';
  const text = formatHistory(
    [
      entry({}),
      entry({ release: 4, outcome: 'failed', detail: `${baked}\nmore detail on a second line` }),
      entry({ operation: 'deploy', release: 1, detail: 'took over shop-app-1 from plain compose (project shop): drained and stopped' }),
    ],
    130,
  );
  const lines = text.split('\n');
  assert.match(lines[0]!, /^when\s+operation\s+outcome\s+release\s+colour\s+image\s+took\s+by\s+why$/);
  assert.equal(lines[1]!.trimEnd().endsWith('ci@runner'), true, 'a plain success has nothing to say');
  assert.match(lines[2]!, /failed .* release 4 failed the bake window: 31%/);
  assert.ok(
    lines.every((line) => line.length <= 130),
    lines.map((l) => l.length).join(','),
  );
  assert.match(lines[2]!, /…$/);
  assert.doesNotMatch(text, /second line/);
  assert.match(lines[3]!, /took over shop-app-1 from plain compose/);
});

test('history without a row to explain has no why column; a narrow terminal still shows 30 characters of it', () => {
  assert.doesNotMatch(formatHistory([entry({})]), /why/);
  const narrow = formatHistory([entry({ outcome: 'failed', detail: 'x'.repeat(200) })], 40).split('\n')[1]!;
  assert.match(narrow, /x{29}…$/);
});
