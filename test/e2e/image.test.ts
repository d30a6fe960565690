// The CLI's image (the top-level Dockerfile, built by scripts/image.sh) run
// as a user runs it: `docker run` with the engine's socket and the app's
// directory mounted. Two deploys under load, then status, all through the
// image: what the image can lack (the compose plugin, a library, /bin/sh,
// a writable home) fails here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestTraefik } from '../support/traefik.js';
import { ask } from '../support/http.js';
import { TestApp } from '../support/cli.js';
import { removeSuite } from '../support/containers.js';
import { describeLoad, Load, type LoadReport, within } from '../support/load.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SUITE = 'image';
const app = new TestApp('bgt-image');
const socket = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/var/run/docker.sock';
/** BG_TEST_IMAGE names an image built already; else scripts/image.sh builds it (or finds it up to date). */
let image = process.env.BG_TEST_IMAGE ?? '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The --json result event, if any. */
  result?: Record<string, any>;
  startedAt: number;
  endedAt: number;
}

const show = (run: Run) => `exit ${run.code}\n--- stderr\n${run.stderr}\n--- stdout\n${run.stdout}`;

function exec(file: string, args: string[], timeoutMs: number): Promise<Run> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const result = stdout
        .split('\n')
        .flatMap((line) => {
          try {
            return [JSON.parse(line)];
          } catch {
            return [];
          }
        })
        .find((event) => event.event === 'result');
      resolve({ code, stdout, stderr, result, startedAt, endedAt: Date.now() });
    });
  });
}

/**
 * `docker run --rm <image> ARGS` in the app's directory, with the BG_*
 * variables app.env() gives the CLI run on the host, but not its
 * BG_STATE_DIR: in a container the state is kept on the engine (the volume
 * bluegreen-state), which is what outlives each `docker run --rm`.
 */
function inImage(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const forwarded = Object.entries(app.env(env)).filter(([name]) => (name.startsWith('BG_') && name !== 'BG_STATE_DIR') || name in env || name === 'SAMPLE_IMAGE');
  return exec(
    'docker',
    [
      'run',
      '--rm',
      '--label',
      'io.bluegreen.managed=true',
      '--label',
      `io.bluegreen.test=${SUITE}`,
      // The tests' Traefik publishes its API (BG_TRAEFIK_API, 127.0.0.1:18081)
      // and entrypoint on the host's loopback only: the CLI reaches them from
      // the host's network namespace, not from a bridge network's.
      '--network',
      'host',
      '-v',
      `${socket}:/var/run/docker.sock`,
      // At its own path: the engine resolves what the compose file names
      // relative to it as a path on the host.
      '-v',
      `${app.dir}:${app.dir}`,
      '-w',
      app.dir,
      ...forwarded.flatMap(([name, value]) => ['-e', `${name}=${value}`]),
      image,
      ...args,
    ],
    180_000,
  );
}

before(async () => {
  await ensureTestTraefik();
  if (!image) {
    const built = await exec('bash', [join(ROOT, 'scripts', 'image.sh')], 600_000);
    assert.equal(built.code, 0, `scripts/image.sh failed:\n${show(built)}`);
    image = built.stdout.trim().split('\n').at(-1)!;
    console.log(`image ${image}: scripts/image.sh took ${((built.endedAt - built.startedAt) / 1000).toFixed(1)} s`);
  }
});

after(async () => {
  // down through the image first: it reads the state the image's runs kept.
  if (image) await inImage(['down', '--volumes']);
  await app.destroy();
  await removeSuite(SUITE);
});

/**
 * A deploy through the image while 8 clients ask through Traefik, from half
 * a second before it to half a second after. Every request is answered 2xx,
 * except, on the app's first deploy, Traefik's 404 before the app has a
 * route; from the switch on, only the new release answers.
 */
async function deployUnderLoad(release: string, live: string, first: boolean): Promise<{ load: LoadReport; during: LoadReport; ms: number }> {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const deploy = await inImage(['deploy', '--json'], { RELEASE: release });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const result = await load.stop();
  assert.equal(deploy.code, 0, show(deploy));
  const switchedAt = Date.parse(deploy.result?.switched_at);
  assert.ok(Number.isFinite(switchedAt), `the result says when it switched:\n${show(deploy)}`);

  const during = within(result, deploy.startedAt, deploy.endedAt);
  assert.ok(during.sent >= 100, `enough requests while the deploy ran: ${describeLoad(during)}`);
  assert.equal(result.errors.length, 0, describeLoad(result));
  const failed = result.non2xx.filter((s) => !(first && s.status === 404 && s.startedAt < switchedAt));
  assert.equal(failed.length, 0, `failed requests: ${describeLoad(result)}`);

  const before = result.samples.filter((s) => s.startedAt < switchedAt);
  const after = result.samples.filter((s) => s.startedAt > switchedAt);
  assert.ok(before.length > 0 && after.length > 0, `requests on both sides of the switch: ${before.length} before, ${after.length} after`);
  if (!first)
    assert.ok(
      before.some((s) => s.status === 200 && s.release !== release),
      'the old release answered until the switch',
    );
  const stray = after.filter((s) => s.status !== 200 || s.colour !== live || s.release !== release);
  assert.deepEqual(stray.slice(0, 3), [], `every response after the switch comes from ${live} ${release}`);
  assert.equal((await ask(app.host)).release, release);
  return { load: result, during, ms: deploy.endedAt - deploy.startedAt };
}

test('deploys v1 then v2 through the image under 8 concurrent clients with zero failed requests; status through the image says green is live', async () => {
  const first = await deployUnderLoad('v1', 'blue', true);
  console.log(`deploy v1 through the image in ${(first.ms / 1000).toFixed(1)} s: ${describeLoad(first.during)} while it ran (404s before the first switch: no route yet)`);
  const second = await deployUnderLoad('v2', 'green', false);
  console.log(`deploy v2 through the image in ${(second.ms / 1000).toFixed(1)} s: ${describeLoad(second.during)} while it ran`);

  const status = await inImage(['status', '--json']);
  assert.equal(status.code, 0, show(status));
  assert.equal(status.result?.live, 'green', show(status));
});
