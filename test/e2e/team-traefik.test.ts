// A team's own Traefik, as teams run it (test/fixtures/team-traefik): a
// TLS-only websecure entrypoint, web redirecting to it, the API behind basic
// auth on its own entrypoint, its own network name, the default 2 s provider
// throttle, metrics on their own entrypoint; on the oldest Traefik 3.x with
// exposedByDefault=false and on the newest with exposedByDefault=true. The app
// runs today under plain compose (`docker compose -p <app> up -d`, its own
// router on the team's network), its PID 1 ignores SIGTERM, a side target of
// it (`api`) routes `/api` of the same host with a router of its own, and
// another service of the team routes a narrower rule of the same host
// (`/orders`). The first deploy takes the app over from plain compose; then
// scale, rollback and ten deploys and rollbacks, all under HTTPS load.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { show, TestApp, type CliRun } from '../support/cli.js';
import { assertServedThrough, describeLoad, Load, type LoadReport } from '../support/load.js';
import { ask } from '../support/http.js';
import { docker } from '../support/containers.js';
import {
  composeContainerId,
  composeUpPlain,
  removeTeamLeftovers,
  runOtherService,
  startTeamTraefik,
  stopTeamTraefik,
  TEAM_NETWORK,
  TEAM_PASSWORD,
  TEAM_SUITE,
  TEAM_TRAEFIK_SETUPS,
  type TeamTraefik,
} from '../support/team-traefik.js';
import { TraefikApi } from '../../src/runtime/traefik-api.js';
import { eventually } from '../support/wait.js';
import { sampleHealthcheckYaml } from '../support/sample-compose.js';

const NEWEST = TEAM_TRAEFIK_SETUPS.at(-1)!.image;
/** Paths of the app's host: its side target's own route, and the narrower route of another service of the team. */
const API_PATH = '/api/cart';
const ORDERS_PATH = '/orders';
/**
 * Deploys and rollbacks in a row: 10 on the newest Traefik (issue 25: /api
 * through at least 10), 4 on the oldest, which still has the router added
 * before round 3 and then a deploy and a rollback (about 70 s less).
 */
const roundsOn = (image: string) => (image === NEWEST ? 10 : 4);
/** The round before which another router of the team appears on the app's host. */
const ADMIN_ROUND = 3;

/** Labels of a service that routes itself on the team's Traefik, as a team writes them. */
const routedLabels = (router: string, rule: string) => `      traefik.enable: "true"
      traefik.docker.network: ${TEAM_NETWORK}
      traefik.http.routers.${router}.rule: '${rule}'
      traefik.http.routers.${router}.entrypoints: websecure
      traefik.http.routers.${router}.tls: "true"
      traefik.http.services.${router}.loadbalancer.server.port: "8000"
`;

/**
 * The app's compose file as the team runs it with plain compose: `app` and
 * (with `api`) a side target routed on `/api` of the same host, both on the
 * team's network; every container and the app's network labelled for cleanup.
 */
const composeFor = (app: string, host: string, options: { api?: boolean } = {}) => `services:
  app:
    image: \${SAMPLE_IMAGE:-bluegreen-sample:latest}
    environment:
      RELEASE: \${RELEASE:-v1}
      IGNORE_SIGTERM: \${IGNORE_SIGTERM:-1}
      SIDE_URL: http://store:7000
    expose:
      - "8000"
    depends_on:
      store:
        condition: service_healthy
    networks: [default, ${TEAM_NETWORK}]
    labels:
      io.bluegreen.test: ${TEAM_SUITE}
${routedLabels(app, `Host(\`${host}\`)`)}${sampleHealthcheckYaml()}    stop_grace_period: 10s
${
  options.api
    ? `  api:
    image: \${SAMPLE_IMAGE:-bluegreen-sample:latest}
    environment:
      RELEASE: api
    expose:
      - "8000"
    networks: [default, ${TEAM_NETWORK}]
    labels:
      io.bluegreen.test: ${TEAM_SUITE}
${routedLabels(`${app}-api`, `Host(\`${host}\`) && PathPrefix(\`/api\`)`)}${sampleHealthcheckYaml('10s')}`
    : ''
}  store:
    image: \${SAMPLE_IMAGE:-bluegreen-sample:latest}
    command: ["side"]
    environment:
      PORT: "7000"
    expose:
      - "7000"
    labels:
      io.bluegreen.test: ${TEAM_SUITE}
${sampleHealthcheckYaml('10s')}
networks:
  default:
    labels:
      io.bluegreen.test: ${TEAM_SUITE}
  ${TEAM_NETWORK}:
    external: true
`;

/** The team's settings, as a user would put them in the environment of a CI job. */
const teamEnv = (team: TeamTraefik) => ({
  BG_RULE: '',
  BG_TRAEFIK_URL: team.httpsUrl,
  BG_TRAEFIK_API: team.apiUrl,
  BG_TRAEFIK_METRICS: team.metricsUrl ?? '',
  BG_TRAEFIK_CA: team.caFile,
  BG_NETWORK: TEAM_NETWORK,
  BG_DRAIN: '5s',
});

const tagOf = (image: string) => image.replace(/[^a-z0-9]/gi, '').toLowerCase();

/** A CLI run and when it ran: the window a load assertion looks at. */
interface Timed {
  run: CliRun;
  startedAt: number;
  endedAt: number;
}
const timed = async (what: () => Promise<CliRun>): Promise<Timed> => {
  const startedAt = Date.now();
  const run = await what();
  return { run, startedAt, endedAt: Date.now() };
};

const releasesOf = (report: LoadReport) => [...new Set(report.samples.map((s) => s.release))];

for (const { image, exposedByDefault } of TEAM_TRAEFIK_SETUPS) {
  describe(`a team's Traefik (${image}, exposedByDefault=${exposedByDefault})`, () => {
    const tag = tagOf(image);
    const rounds = roundsOn(image);
    const host = `shop-${tag}.team.test`;
    const app = new TestApp(`bgt-team-${tag}`, composeFor(`bgt-team-${tag}`, host, { api: true }));
    const plainName = `${app.app}-app-1`;
    let team: TeamTraefik;
    let env: Record<string, string>;
    const https = () => ({ baseUrl: team.httpsUrl, ca: team.caPem });
    /** The side targets' containers as plain compose started them: never recreated. */
    let sideIds: { api: string; store: string };
    /** Every run of the CLI, for the check that the API's password is never printed. */
    const runs: CliRun[] = [];
    const cli = async (args: string[], extra: Record<string, string> = {}) => {
      const run = await timed(() => app.run(args, { ...env, ...extra }));
      runs.push(run.run);
      return run;
    };
    /** `clients` (8) on the app's `/`, 1 on its side target's `/api`, 1 on the other service's `/orders`; all HTTPS. */
    const startLoads = (clients = 8) => ({
      app: new Load(host, { clients, maxMs: 600_000, ...https() }).start(),
      api: new Load(host, { clients: 1, path: API_PATH, maxMs: 600_000, ...https() }).start(),
      orders: new Load(host, { clients: 1, path: ORDERS_PATH, maxMs: 600_000, ...https() }).start(),
    });
    const stopLoads = async (loads: ReturnType<typeof startLoads>) => ({ app: await loads.app.stop(), api: await loads.api.stop(), orders: await loads.orders.stop() });
    /** The side target's route and the other service's narrower one answered every request through the whole window, by themselves. */
    const assertOthersServed = (reports: Awaited<ReturnType<typeof stopLoads>>, window: { startedAt: number; endedAt: number }, what: string) => {
      assertServedThrough(reports.api, window, { min: 10, what: `${what} (${API_PATH}, the side target's own route)` });
      assertServedThrough(reports.orders, window, { min: 10, what: `${what} (${ORDERS_PATH}, another service's narrower route)` });
      assert.deepEqual(releasesOf(reports.api), ['api'], `${API_PATH} answered by the side target only: ${describeLoad(reports.api)}`);
      assert.deepEqual(releasesOf(reports.orders), ['other-api'], `${ORDERS_PATH} answered by the other service only: ${describeLoad(reports.orders)}`);
    };
    const assertPasswordNeverPrinted = () => {
      assert.ok(runs.length > 0);
      for (const run of runs) assert.ok(!`${run.stdout}${run.stderr}`.includes(TEAM_PASSWORD), `the API password is never printed:\n${show(run)}`);
    };
    const assertSideTargetsKept = async (when: string) => {
      assert.deepEqual({ api: await composeContainerId(app.app, 'api'), store: await composeContainerId(app.app, 'store') }, sideIds, `the side targets run in the same containers ${when}`);
    };

    before(async () => {
      await removeTeamLeftovers();
      team = await startTeamTraefik({ image, exposedByDefault });
      env = teamEnv(team);
      await runOtherService(TEAM_SUITE, { name: `bgt-team-other-${tag}`, rule: `Host(\`${host}\`) && PathPrefix(\`${ORDERS_PATH}\`)` });
    });
    after(async () => {
      await app.destroy();
      await removeTeamLeftovers();
    });

    test('takes over the app that plain compose runs (SIGTERM-deaf) through the TLS entrypoint, the API behind basic auth: under HTTPS load nothing fails, the plain container is drained, then stopped after its grace period and kept; the side target keeps its own route and container', async () => {
      writeFileSync(join(app.dir, 'bluegreen.yml'), 'target: app\nside_targets: [store, api]\n');
      await composeUpPlain(app.dir, app.app, { RELEASE: 'v0' });
      for (const [path, release] of [
        ['/', 'v0'],
        [API_PATH, 'api'],
        [ORDERS_PATH, 'other-api'],
      ]) {
        await eventually(`the team's Traefik answers ${path} with ${release}`, async () => ((await ask(host, path!, {}, 5000, https())).release === release ? true : undefined));
      }
      sideIds = { api: await composeContainerId(app.app, 'api'), store: await composeContainerId(app.app, 'store') };
      const anonymous = await fetch(`${new URL('/api/version', team.apiUrl.replace(/\/\/[^@]*@/, '//'))}`);
      assert.equal(anonymous.status, 401, "the team's API asks for its password");

      const loads = startLoads();
      // The plain container ignores SIGTERM (the compose file's default); v1 drains on it, so that stopping it later is quick.
      const deploy = await cli(['deploy', '--json'], { RELEASE: 'v1', IGNORE_SIGTERM: '0' });
      const reports = await stopLoads(loads);
      assert.equal(deploy.run.code, 0, show(deploy.run));
      const during = assertServedThrough(reports.app, deploy, { min: 200, what: 'the deploy that took the app over' });
      console.log(
        `${image}: takeover of plain compose under HTTPS load (${deploy.run.ms} ms): / ${describeLoad(reports.app)} (${during.sent} while the deploy ran); ${API_PATH} ${describeLoad(reports.api)}; ${ORDERS_PATH} ${describeLoad(reports.orders)}`,
      );
      assertOthersServed(reports, deploy, 'the takeover');
      assert.deepEqual(releasesOf(reports.app), ['v0', 'v1'], 'the plain app answered, then the release deployed');
      const switchedAt = Date.parse(deploy.run.result?.switched_at);
      const late = reports.app.samples.filter((s) => s.startedAt > switchedAt && s.release !== 'v1');
      assert.equal(late.length, 0, `after the switch (${deploy.run.result?.switched_at}) only v1 answers: ${late.length} did not`);

      // What the deploy said and did to the plain container.
      assert.deepEqual(deploy.run.result?.taken_over, [plainName], show(deploy.run));
      // With --json, the line a human deploy prints on stderr is a warning event.
      const notice = deploy.run.events.find((e) => e.event === 'warning' && e.message.startsWith(`${app.app} runs today under plain compose (${plainName})`));
      assert.match(notice?.message ?? '', /the switch takes its traffic over, then stop-old drains and stops/, show(deploy.run));
      const plain = await docker.getContainer(plainName).inspect();
      assert.equal(plain.State.Status, 'exited', 'taken over: stopped, not removed');
      assert.equal(plain.State.ExitCode, 137, 'its PID 1 ignored SIGTERM: killed at the end of its grace period');
      const finishedAt = Date.parse(plain.State.FinishedAt);
      assert.ok(finishedAt - switchedAt >= 9_500, `stopped after the switch, once its 10 s grace period was over (${finishedAt - switchedAt} ms after it)`);
      const step = (name: string, state: string) => deploy.run.events.find((e) => e.event === 'step' && e.step === name && e.state === state);
      const [drained, stopping, stopped] = [step('drain-plain', 'done'), step('stop-plain', 'started'), step('stop-plain', 'done')];
      assert.ok(drained && stopping && Date.parse(drained.at) <= Date.parse(stopping.at), `drained, then stopped: ${show(deploy.run)}`);
      assert.ok(stopped && stopped.elapsed_ms >= 9_500, `the stop waited out the grace period: ${JSON.stringify(stopped)}`);
      await assertSideTargetsKept('after the takeover');

      const status = await cli(['status', '--json']);
      assert.deepEqual(status.run.result?.plain, [{ name: plainName, service: 'app', state: 'exited' }], show(status.run));
      assert.match((await cli(['status'])).run.stdout, new RegExp(`plain  ${plainName} of compose project ${app.app}: exited \\(taken over; `));
      const history = await cli(['history', '--json']);
      const entry = history.run.result?.entries.find((e: { operation: string; release?: number }) => e.operation === 'deploy' && e.release === 1);
      // The wording is the product's; what it must say: took over, which container, from which plain compose project, stopped.
      for (const says of ['took over', plainName, 'plain compose', `project ${app.app}`, 'stopped'])
        assert.ok(entry?.detail?.includes(says), `history's deploy entry says "${says}": ${show(history.run)}`);
      const table = (await cli(['history'])).run.stdout;
      assert.match(table.split('\n')[0]!, /\bwhy$/, table);
      assert.match(table, /\bdeploy +ok +1 .* took over /, table);
      assertPasswordNeverPrinted();
    });

    // On the newest Traefik only: what a SIGTERM-deaf app costs is Docker's grace period, not Traefik's
    // version (the takeover above stops a SIGTERM-deaf container on both); 1 min less per suite.
    if (image === NEWEST)
      test('PID 1 ignores SIGTERM: its deploy, scale +1, scale -1 and the rollback that stops it lose nothing under HTTPS load; the switch does not wait out the grace period', async () => {
        const loads = startLoads();
        const deploy = await cli(['deploy', '--json'], { RELEASE: 'v2', IGNORE_SIGTERM: '1' });
        const up = await cli(['scale', '+1', '--json']);
        const down = await cli(['scale', '-1', '--json']);
        const rollback = await cli(['rollback', '--json']);
        const reports = await stopLoads(loads);
        for (const op of [deploy, up, down, rollback]) assert.equal(op.run.code, 0, show(op.run));
        const figures = [
          ['deploy', deploy],
          ['scale +1', up],
          ['scale -1', down],
          ['rollback', rollback],
        ] as const;
        const counts = figures.map(([what, op]) => `${what} ${assertServedThrough(reports.app, op, { min: 50, what }).sent} in ${op.run.ms} ms`);
        console.log(
          `${image}: SIGTERM-deaf deploy, scale +1, -1, rollback under HTTPS load: / ${describeLoad(reports.app)} (${counts.join(', ')}); ${API_PATH} ${describeLoad(reports.api)}; ${ORDERS_PATH} ${describeLoad(reports.orders)}`,
        );
        assertOthersServed(reports, { startedAt: deploy.startedAt, endedAt: rollback.endedAt }, 'deploy, scale and rollback');
        assert.deepEqual([up.run.result?.from, up.run.result?.to, down.run.result?.from, down.run.result?.to], [1, 2, 2, 1]);
        assert.equal((await ask(host, '/', {}, 5000, https())).release, 'v1', 'rolled back');

        const starts = deploy.run.events.filter((e) => e.event === 'step' && e.step === 'start' && e.state === 'done');
        assert.equal(starts.length, 1, 'up starts the candidate; the switch starts no container of the app');
        const route = deploy.run.events.find((e) => e.event === 'step' && e.step === 'route' && e.state === 'done');
        assert.ok(route && route.elapsed_ms < 5000, `the switch started its route container at once (${route?.elapsed_ms} ms)`);
        await assertSideTargetsKept('after scale and rollback');
        assertPasswordNeverPrinted();
      });

    test(`${rounds} deploys and rollbacks in a row under HTTPS load: the side target's /api and another service's narrower route keep winning, a router added meanwhile is named by status and left alone from the next deploy on`, async () => {
      const admin = `bgt-team-admin-${tag}`;
      // Continuous, but lighter: on 2 cores, 8 clients would slow every round by half.
      const loads = startLoads(2);
      // Releases that drain on SIGTERM (v1 and these): each stop-old is quick; every rollback brings v1 back.
      let [live, previous] = ['v1', 'v2'];
      const ops: { what: string; op: Timed }[] = [];
      for (let i = 1; i <= rounds; i++) {
        if (i === ADMIN_ROUND) {
          // A route of the team added since the live colour was launched: the live router shadows it until the next deploy.
          await runOtherService(TEAM_SUITE, { name: admin, rule: `Host(\`${host}\`) && PathPrefix(\`/admin\`)`, release: 'other-admin' });
          const api = new TraefikApi(team.apiUrl);
          await eventually('Traefik lists the new router', async () => ((await api.router(`${admin}@docker`))?.status === 'enabled' ? true : undefined));
          const status = await cli(['status', '--json']);
          assert.deepEqual(
            status.run.result?.shadowed.map((r: { name: string }) => r.name),
            [`${admin}@docker`],
            show(status.run),
          );
          assert.match((await cli(['status'])).run.stdout, /shadowed: bgt-team-admin-.* fix: `bluegreen deploy`/);
        }
        const deploying = i % 2 === 1;
        const op = deploying ? await cli(['deploy', '--json'], { RELEASE: `r${i}`, IGNORE_SIGTERM: '0' }) : await cli(['rollback', '--json']);
        assert.equal(op.run.code, 0, `round ${i}: ${show(op.run)}`);
        ops.push({ what: `round ${i} (${deploying ? 'deploy' : 'rollback'})`, op });
        [live, previous] = deploying ? [`r${i}`, live] : [previous, live];
        assert.equal((await ask(host, '/', {}, 5000, https())).release, live, `round ${i}: / answered by the live release`);
        assert.equal((await ask(host, ORDERS_PATH, {}, 5000, https())).release, 'other-api', `round ${i}: the other service's narrower route`);
        assert.equal((await ask(host, API_PATH, {}, 5000, https())).release, 'api', `round ${i}: the side target's own route`);
        if (i >= ADMIN_ROUND) assert.equal((await ask(host, '/admin', {}, 5000, https())).release, 'other-admin', `round ${i}: the router added before round ${ADMIN_ROUND} is left alone`);
      }
      const reports = await stopLoads(loads);
      for (const { what, op } of ops) assertServedThrough(reports.app, op, { min: 20, what });
      assertOthersServed(reports, { startedAt: ops[0]!.op.startedAt, endedAt: ops.at(-1)!.op.endedAt }, `${rounds} deploys and rollbacks`);
      const strays = releasesOf(reports.app).filter((release) => !/^(v1|r\d+)$/.test(release ?? ''));
      assert.deepEqual(strays, [], `/ answered only by the app's releases: ${describeLoad(reports.app)}`);
      const took = ops.map(({ op }) => (op.run.ms / 1000).toFixed(1));
      console.log(
        `${image}: ${rounds} deploys and rollbacks under HTTPS load (${took.join(', ')} s): / ${describeLoad(reports.app)}; ${API_PATH} ${describeLoad(reports.api)}; ${ORDERS_PATH} ${describeLoad(reports.orders)}`,
      );
      await assertSideTargetsKept(`after ${rounds} deploys and rollbacks`);
      const status = await cli(['status', '--json']);
      assert.deepEqual(status.run.result?.shadowed, [], show(status.run));
      assertPasswordNeverPrinted();
    });

    test(`exposedByDefault=${exposedByDefault}: no container bluegreen created gets a router or service it did not ask for; the side targets get what their labels and Traefik give them`, async () => {
      const api = new TraefikApi(team.apiUrl);
      const status = await cli(['status', '--json']);
      const live = status.run.result?.live as string;
      assert.ok(live, show(status.run));
      const routers = (await api.routers()).filter((r) => r.name.endsWith('@docker')).map((r) => r.name);
      const expected = [
        `${app.app}-${live}-live@docker`,
        `${app.app}-${live}-preview@docker`,
        `${app.app}-api@docker`,
        // Traefik routes a container without labels when exposedByDefault is true: the store, as plain compose runs it
        // (on every entrypoint: websecure's TLS makes it a router of its own).
        ...(exposedByDefault ? [`store-${app.app}@docker`, `websecure-store-${app.app}@docker`] : []),
      ];
      assert.deepEqual(routers.filter((name) => name.includes(app.app)).sort(), expected.sort(), `routers: ${routers.join(', ')}`);
      // By the servers: every service holding a container bluegreen created is one of its own.
      const ours = await docker.listContainers({ filters: { label: [`io.bluegreen.app=${app.app}`, 'io.bluegreen.colour'] } });
      const addresses = new Set(ours.map((c) => c.NetworkSettings.Networks[TEAM_NETWORK]?.IPAddress).filter(Boolean));
      assert.ok(addresses.size > 0, 'the live colour runs on the team network');
      const services = (await api.services()).filter((s) => s.servers.some((url) => addresses.has(new URL(url).hostname))).map((s) => s.name);
      const stray = services.filter((name) => !new RegExp(`^${app.app}-(blue|green)(-preview)?@docker$`).test(name));
      assert.deepEqual(stray, [], `services: ${services.join(', ')}`);
      // doctor sees exposedByDefault by what Traefik routes, and names the service it exposes (the store).
      const doctor = await cli(['doctor', '--json']);
      const exposed = ((doctor.run.result?.findings ?? []) as { rule: string; message: string }[]).filter((f) => f.rule === 'exposed-by-default');
      if (exposedByDefault)
        assert.ok(
          exposed.some((f) => /store gets a route of its own/.test(f.message)),
          show(doctor.run),
        );
      else assert.deepEqual(exposed, [], show(doctor.run));
    });

    if (image !== NEWEST) return;

    test("TLS: Traefik's default certificate is refused (exit 2, nothing changed) unless --traefik-insecure; the redirecting web entrypoint fails within seconds", async () => {
      const other = new TestApp(`bgt-team-tls-${tag}`, composeFor(`bgt-team-tls-${tag}`, `tls-${tag}.other.test`));
      try {
        const refused = await other.run(['deploy'], { ...env, BG_TRAEFIK_CA: '', RELEASE: 'p1' });
        assert.equal(refused.code, 2, show(refused));
        assert.match(refused.stderr, /does not verify .*\n(.*\n)*hint: .*--traefik-insecure/);
        const insecure = await other.run(['deploy', '--traefik-insecure'], { ...env, BG_TRAEFIK_CA: '', RELEASE: 'p1' });
        assert.equal(insecure.code, 0, show(insecure));

        const redirected = await other.run(['deploy'], { ...env, BG_TRAEFIK_URL: team.webUrl, RELEASE: 'p2' });
        assert.equal(redirected.code, 1, show(redirected));
        assert.match(redirected.stderr, /redirecting to https:/);
        assert.match(redirected.stderr, /hint: this entrypoint redirects to TLS/);
        assert.ok(redirected.ms < 30_000, `failed within seconds, not after --timeout (${redirected.ms} ms)`);
        assert.equal((await ask(`tls-${tag}.other.test`, '/', {}, 5000, { baseUrl: team.httpsUrl })).release, 'p1', 'live traffic untouched');
        runs.push(refused, insecure, redirected);
        assertPasswordNeverPrinted();
      } finally {
        await other.destroy();
      }
    });

    test('a HostRegexp rule holding $ deploys with --probe-host', async () => {
      const regexp = new TestApp(`bgt-team-re-${tag}`, composeFor(`bgt-team-re-${tag}`, `unused-${tag}.team.test`));
      try {
        const rule = `HostRegexp(\`^(eu|us)-${tag}\\.team\\.test$\`)`;
        const run = await regexp.run(['deploy', '--rule', rule, '--probe-host', `eu-${tag}.team.test`], { ...env, RELEASE: 're1' });
        runs.push(run);
        assert.equal(run.code, 0, show(run));
        assert.equal((await ask(`us-${tag}.team.test`, '/', {}, 5000, https())).release, 're1');
        assertPasswordNeverPrinted();
      } finally {
        await regexp.destroy();
      }
    });

    test('metrics off: the drain says so and waits its bound', async () => {
      team = await startTeamTraefik({ image, exposedByDefault, metrics: false });
      const deploy = await cli(['deploy', '--json'], { ...teamEnv(team), BG_DRAIN: '2s', RELEASE: 'm1', IGNORE_SIGTERM: '0' });
      assert.equal(deploy.run.code, 0, show(deploy.run));
      assert.match(deploy.run.stdout, /per-service request metrics are not at/);
      const drain = deploy.run.events.find((e) => e.event === 'step' && e.step === 'drain' && e.state === 'done');
      assert.ok(drain && drain.elapsed_ms >= 2000, `waited the whole 2s bound: ${JSON.stringify(drain)}`);
      assertPasswordNeverPrinted();
    });
  });
}

after(async () => {
  await stopTeamTraefik();
  await removeTeamLeftovers({ withTeamNetwork: true });
});
