import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainProjectName } from '../../src/plan/project-name.js';

const base = { projectDir: '/srv/My Shop_2', outsideInfluence: false };

test('a top-level name: is the app, the last file winning', () => {
  assert.equal(plainProjectName({ ...base, texts: ['name: shop\nservices:\n  app:\n    image: x\n'] }), 'shop');
  assert.equal(plainProjectName({ ...base, texts: ['name: shop\n', 'services: {}\nname: shop-prod # the override\n'] }), 'shop-prod');
});

test('without name: the directory, normalised as compose does', () => {
  assert.equal(plainProjectName({ ...base, texts: ['services:\n  app:\n    image: x\n    environment:\n      name: not-top-level\n'] }), 'myshop_2');
  assert.equal(plainProjectName({ ...base, projectDir: '/srv/_-App', texts: ['services: {}\n'] }), 'app');
});

test('anything compose would compute is left to compose', () => {
  for (const text of ['name: ${APP}\n', 'name: "shop"\n', "name: 'shop'\n", 'name: Shop\n', '{"name": "shop"}\n', 'name: &a shop\n', 'services: {}\n---\nname: x\n', 'name:\n']) {
    assert.equal(plainProjectName({ ...base, texts: [text] }), undefined, text);
  }
  assert.equal(plainProjectName({ ...base, outsideInfluence: true, texts: ['name: shop\n'] }), undefined);
  assert.equal(plainProjectName({ ...base, texts: [] }), undefined);
  assert.equal(plainProjectName({ ...base, projectDir: '/srv/---', texts: ['services: {}\n'] }), undefined);
});

test('read from the files: the directory compose would name (under a symlink, $PWD differs from the physical one: compose decides)', async () => {
  const { mkdtempSync, writeFileSync, symlinkSync, realpathSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { projectNameFromFiles } = await import('../../src/runtime/compose-files.js');
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'bg-pn-')));
  const release = join(root, 'r1');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(release);
  writeFileSync(join(release, 'compose.yaml'), 'services:\n  app:\n    image: x\n');
  symlinkSync(release, join(root, 'current'));
  assert.equal(projectNameFromFiles([], release, { PWD: release }), 'r1');
  assert.equal(projectNameFromFiles([], release, { PWD: join(root, 'current') }), undefined);
  assert.equal(projectNameFromFiles([], release, { PWD: release, COMPOSE_PROJECT_NAME: 'x' }), undefined);
  writeFileSync(join(release, 'docker-compose.yml'), 'services: {}\n');
  assert.equal(projectNameFromFiles([], release, { PWD: release }), undefined, 'two default files: compose warns and picks');
});
