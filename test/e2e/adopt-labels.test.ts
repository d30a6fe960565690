// A compose file that already works with Traefik (its own rule, entrypoint
// and middleware) deploys unchanged and keeps them; `docker bg` runs bluegreen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestTraefik } from '../support/traefik.js';
import { show, TestApp } from '../support/cli.js';
import { TraefikApi } from '../../src/runtime/traefik-api.js';
import { TEST_TRAEFIK_API, TEST_TRAEFIK_URL } from '../support/ports.js';
import got from 'got';

const run = promisify(execFile);
const sample = readFileSync(fileURLToPath(new URL('../../compose/docker-compose.yml', import.meta.url)), 'utf8');
const labelled = sample.replace(
  '    expose:\n      - "8000"\n',
  [
    '    expose:',
    '      - "8000"',
    '    labels:',
    '      traefik.enable: "true"',
    '      traefik.http.routers.shop.rule: Host(`shop.bgt-adopt.test`)',
    '      traefik.http.routers.shop.entrypoints: web',
    '      traefik.http.routers.shop.middlewares: shop-stamp',
    '      traefik.http.middlewares.shop-stamp.headers.customresponseheaders.X-Shop: stamped',
    '      traefik.http.services.shop.loadbalancer.server.port: "8000"',
    '',
  ].join('\n'),
);
const app = new TestApp('bgt-adopt', labelled);
const api = new TraefikApi(TEST_TRAEFIK_API);

before(() => ensureTestTraefik());
after(() => app.destroy());

test("the target's own Traefik labels are adopted per colour: rule, entrypoint, middleware", async () => {
  const env = { RELEASE: 'v1', BG_RULE: '' };
  const first = await app.run(['deploy'], env);
  assert.equal(first.code, 0, show(first));
  // The next release changes its middleware: each colour has its own copy,
  // so the live colour's routers never see a middleware defined two ways.
  writeFileSync(join(app.dir, 'docker-compose.yml'), labelled.replace('X-Shop: stamped', 'X-Shop: stamped-v2'));
  const second = await app.run(['deploy'], { ...env, RELEASE: 'v2' });
  assert.equal(second.code, 0, show(second));

  const router = await api.router('bgt-adopt-green-live@docker');
  assert.equal(router?.rule, 'Host(`shop.bgt-adopt.test`)');
  assert.deepEqual(router?.entryPoints, ['web']);
  assert.ok(router?.middlewares.includes('bgt-adopt-green-shop-stamp@docker'), `middlewares: ${router?.middlewares}`);
  assert.equal(await api.router('shop@docker'), undefined, 'the original router name is not defined twice');

  const response = await got(`${TEST_TRAEFIK_URL}/`, { headers: { host: 'shop.bgt-adopt.test' }, throwHttpErrors: false, retry: { limit: 0 } });
  assert.equal(response.statusCode, 200);
  assert.equal(JSON.parse(response.body).release, 'v2');
  assert.equal(response.headers['x-shop'], 'stamped-v2', "the user's middleware applies, as the new release defines it");
  assert.equal(response.headers['x-bluegreen-color'], 'green');
});

test('docker bg status runs bluegreen as a Docker CLI plugin', async () => {
  const { stdout } = await run('docker', ['bg', 'status', '--json'], { cwd: app.dir, env: app.env({ BG_RULE: '' }) });
  const status = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(status.app, 'bgt-adopt');
  assert.equal(status.live, 'green');
});
