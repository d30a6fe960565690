// docs/options.md is generated from the option registry (scripts/options-doc.ts):
// CI runs the unit tests, so a reference left stale by a change to an option fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPTIONS, type OptionSpec } from '../../src/config/registry.js';
import { defaultOf, optionsDoc, OPTIONS_DOC } from '../../scripts/options-doc.js';

test('docs/options.md is what scripts/options-doc.ts generates from the registry', () => {
  const written = readFileSync(OPTIONS_DOC, 'utf8');
  assert.ok(written === optionsDoc(), 'docs/options.md is stale: run `npm run docs:options` and commit docs/options.md');
});

test('the reference names every option of the registry, with its variable and yml key', () => {
  const doc = optionsDoc();
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    assert.ok(doc.includes(`### \`${spec.flag ?? spec.env}\``), `${spec.key} has a section`);
    if (spec.env) assert.ok(doc.includes(`\`${spec.env}\``), `${spec.key}: ${spec.env}`);
    if (spec.yml) assert.ok(doc.includes(`\`${spec.yml}\``), `${spec.key}: ${spec.yml}`);
  }
});

test('a default built from the environment says which variables it reads, as given for an empty one', () => {
  const api = (OPTIONS as readonly OptionSpec[]).find((o) => o.key === 'traefikApi')!;
  assert.deepEqual(defaultOf(api), { text: 'http://127.0.0.1:8080', reads: ['BG_API_PORT'] });
  const drain = (OPTIONS as readonly OptionSpec[]).find((o) => o.key === 'drain')!;
  assert.deepEqual(defaultOf(drain), { text: '10s', reads: [] });
});
