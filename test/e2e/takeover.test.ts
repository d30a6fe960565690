// Day one for a team (issue 25): the app runs today under plain
// `docker compose up -d`, routed by its own labels; its database-like side
// target runs in the same project. The first `bluegreen deploy` takes it
// over under load: nothing dropped, the plain app container drained and
// stopped (kept until `down`), the side target left running as it was
// (the same container: side targets run in the app's own project).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { show, TestApp } from '../support/cli.js';
import { docker } from '../support/containers.js';
import { assertServedThrough, describeLoad, Load } from '../support/load.js';
import { ask } from '../support/http.js';
import { ensureTestTraefik } from '../support/traefik.js';
import { eventually } from '../support/wait.js';
import { NETWORK } from '../support/ports.js';
import { sampleHealthcheckYaml } from '../support/sample-compose.js';

const run = promisify(execFile);
const NAME = 'bgt-takeover';

/** The team's file: the app routed by its own labels on Traefik's network, beside its store. */
const teamFile = (host: string) => `name: ${NAME}
services:
  app:
    image: \${SAMPLE_IMAGE:-bluegreen-sample:latest}
    environment:
      RELEASE: \${RELEASE:-v0}
      SIDE_URL: http://store:7000
    expose:
      - "8000"
    depends_on:
      store:
        condition: service_healthy
    networks: [default, gateway]
    labels:
      traefik.enable: "true"
      traefik.docker.network: ${NETWORK}
      traefik.http.routers.shop.rule: Host(\`${host}\`)
      traefik.http.services.shop.loadbalancer.server.port: "8000"
      io.bluegreen.test: takeover
${sampleHealthcheckYaml()}  store:
    image: \${SAMPLE_IMAGE:-bluegreen-sample:latest}
    command: ["side"]
    environment:
      PORT: "7000"
    labels:
      io.bluegreen.test: takeover
${sampleHealthcheckYaml('10s')}
networks:
  gateway:
    name: ${NETWORK}
    external: true
`;

const app = new TestApp(NAME, teamFile(`${NAME}.test`));
const containerOf = async (service: string) => (await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${NAME}`, `com.docker.compose.service=${service}`] } }))[0];

before(async () => {
  await ensureTestTraefik();
  await run('docker', ['compose', '-p', NAME, 'up', '-d', '--wait'], { cwd: app.dir, env: { ...process.env, RELEASE: 'v0' } });
  await eventually("the team's own router answers", async () => ((await ask(app.host).catch(() => undefined))?.release === 'v0' ? true : undefined));
});
after(() => app.destroy());

test('the first deploy takes over the app plain compose runs, under load: nothing dropped, the plain container drained and stopped (kept), its store untouched, said by up, status and history', async () => {
  const [plainApp, store] = [await containerOf('app'), await containerOf('store')];
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const startedAt = Date.now();
  const deploy = await app.run(['deploy', '--json'], { RELEASE: 'v1' });
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const report = await load.stop();
  assert.equal(deploy.code, 0, show(deploy));
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 200, what: 'the takeover' });
  console.log(`takeover under load: ${describeLoad(during)} during the deploy (${deploy.ms} ms), ${describeLoad(report)} in all`);
  assert.ok(report.samples.some((s) => s.release === 'v0') && report.samples.at(-1)?.release === 'v1', 'v0 answered until the switch, v1 after');

  const warnings = deploy.events.filter((e) => e.event === 'warning').map((e) => e.message as string);
  assert.ok(
    warnings.some((w) => w.startsWith(`${NAME} runs today under plain compose (${NAME}-app-1)`)),
    warnings.join('\n'),
  );
  const steps = deploy.events.filter((e) => e.event === 'step' && e.state === 'done').map((e) => `${e.step} ${e.elapsed_ms}`);
  console.log(`steps: ${steps.join(', ')}`);
  assert.deepEqual(deploy.result?.taken_over, [`${NAME}-app-1`]);
  const after = await docker.getContainer(plainApp!.Id).inspect();
  assert.equal(after.State.Status, 'exited', 'stopped, not removed: kept until down');
  assert.equal(after.State.ExitCode, 0, 'it stopped on SIGTERM, after its drain');
  const storeNow = await containerOf('store');
  assert.equal(storeNow?.Id, store!.Id, 'the side target is the one plain compose started: not recreated');
  assert.equal(storeNow?.State, 'running');

  const status = await app.run(['status', '--json']);
  assert.deepEqual(status.result?.plain, [{ name: `${NAME}-app-1`, service: 'app', state: 'exited' }], show(status));
  const human = await app.run(['status']);
  assert.match(human.stdout, new RegExp(`plain  ${NAME}-app-1 of compose project ${NAME}: exited \\(taken over`));
  const history = await app.run(['history']);
  assert.match(history.stdout, new RegExp(`took over ${NAME}-app-1 from plain compose`));
  const full = await app.run(['history', '--json']);
  assert.equal(full.result?.entries[0].detail, `took over ${NAME}-app-1 from plain compose (project ${NAME}): drained and stopped`);

  const second = await app.run(['deploy', '--json'], { RELEASE: 'v2' });
  assert.equal(second.code, 0, show(second));
  assert.deepEqual(second.result?.taken_over, [], 'nothing left to take over');
  assert.equal((await ask(app.host)).release, 'v2');

  const down = await app.run(['down']);
  assert.equal(down.code, 0, show(down));
  assert.equal(await containerOf('app'), undefined, 'down removes the taken-over container');
  assert.equal(await containerOf('store'), undefined, 'and the side target');
});
