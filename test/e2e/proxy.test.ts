// `bluegreen proxy up|status|down`: the project's Traefik from traefik/,
// started only when none answers, on the ports the environment names.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { runCli, show } from '../support/cli.js';
import { ensureTestTraefik } from '../support/traefik.js';
import { TEST_TRAEFIK_API } from '../support/ports.js';
import { TraefikApi } from '../../src/runtime/traefik-api.js';

// A second Traefik of its own, on ports no other test uses.
const own = { BG_TRAEFIK_PROJECT: 'bgtest-proxy', BG_HTTP_BIND: '127.0.0.1', BG_HTTP_PORT: '18280', BG_API_PORT: '18281', BG_TRAEFIK_API: '', BG_TRAEFIK_URL: '' };
const proxy = (action: string, env: Record<string, string | undefined>) => runCli(['proxy', action, '--json'], { cwd: tmpdir(), env: { ...process.env, ...env } });

after(() => proxy('down', own));

test('proxy up starts Traefik on BG_HTTP_PORT / BG_API_PORT; status sees it; down removes it', async () => {
  const before = await proxy('status', own);
  assert.equal(before.code, 4, show(before));
  assert.match(before.stderr, /no Traefik answers at http:\/\/127\.0\.0\.1:18281/);

  const up = await proxy('up', own);
  assert.equal(up.code, 0, show(up));
  assert.match(up.result?.outcome, /ok/);
  assert.match(await new TraefikApi('http://127.0.0.1:18281').version(), /^3\./);
  const status = await proxy('status', own);
  assert.equal(status.code, 0, show(status));
  assert.match(status.result?.traefik, /^3\./);

  const again = await proxy('up', own);
  assert.equal(again.code, 0, show(again));
  assert.match(again.result?.message, /already answers/);

  const down = await proxy('down', own);
  assert.equal(down.code, 0, show(down));
  await assert.rejects(new TraefikApi('http://127.0.0.1:18281').version(), (error: any) => error.exitCode === 4);
});

test('proxy up leaves a Traefik that already answers alone', async () => {
  await ensureTestTraefik();
  const run = await proxy('up', { BG_TRAEFIK_API: TEST_TRAEFIK_API });
  assert.equal(run.code, 0, show(run));
  assert.match(run.result?.message, /already answers at http:\/\/127\.0\.0\.1:18081: using it/);
});
