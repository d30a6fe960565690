// A team's own Traefik, as teams run it (test/fixtures/team-traefik): a
// TLS-only websecure entrypoint, web redirecting to it, the API behind basic
// auth on its own entrypoint, exposedByDefault=true, its own network name,
// the default 2 s provider throttle, metrics on their own entrypoint; on the
// oldest and the newest Traefik 3.x. The app was already routed by that
// Traefik (its own labels), its PID 1 ignores SIGTERM, and another service
// routes a narrower rule of the same host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { show, TestApp } from '../support/cli.js';
import { describeLoad, Load } from '../support/load.js';
import { ask } from '../support/http.js';
import { removeSuite } from '../support/containers.js';
import { runOtherService, startTeamTraefik, stopTeamTraefik, TEAM_NETWORK, TEAM_TRAEFIK_IMAGES, type TeamTraefik } from '../support/team-traefik.js';
import { TraefikApi } from '../../src/runtime/traefik-api.js';
import { eventually } from '../support/wait.js';
import { sampleHealthcheckYaml } from '../support/sample-compose.js';

const SUITE = 'team-traefik';
const PASSWORD = 's3cret-ops';
const NEWEST = TEAM_TRAEFIK_IMAGES.at(-1)!;

const composeFor = (host: string) => `name: shop
services:
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
    labels:
      traefik.enable: "true"
      traefik.http.routers.shop.rule: Host(\`${host}\`)
      traefik.http.routers.shop.entrypoints: websecure
      traefik.http.routers.shop.tls: "true"
      traefik.http.services.shop.loadbalancer.server.port: "8000"
${sampleHealthcheckYaml()}    stop_grace_period: 10s
  store:
    image: \${SAMPLE_IMAGE:-bluegreen-sample:latest}
    command: ["side"]
    environment:
      PORT: "7000"
${sampleHealthcheckYaml('10s')}`;

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

for (const image of TEAM_TRAEFIK_IMAGES) {
  describe(`a team's Traefik (${image})`, () => {
    const tag = tagOf(image);
    const host = `shop-${tag}.team.test`;
    const app = new TestApp(`bgt-team-${tag}`, composeFor(host));
    let team: TeamTraefik;
    let env: Record<string, string>;
    const https = () => ({ baseUrl: team.httpsUrl, ca: team.caPem });

    before(async () => {
      await removeSuite(SUITE);
      team = await startTeamTraefik({ image });
      env = teamEnv(team);
      await runOtherService(SUITE, { name: `bgt-team-other-${tag}`, rule: `Host(\`${host}\`) && PathPrefix(\`/api\`)` });
    });
    after(async () => {
      await app.destroy();
      await removeSuite(SUITE);
    });

    test('deploys through the TLS entrypoint with the API behind basic auth, on the team network; then v2 under HTTPS load: zero failed, the other service keeps its route, the password is never shown', async () => {
      const first = await app.run(['deploy', '--json'], { ...env, RELEASE: 'v1' });
      assert.equal(first.code, 0, show(first));
      assert.equal((await ask(host, '/', {}, 5000, https())).release, 'v1');

      const load = new Load(host, { clients: 8, ...https() }).start();
      const other = new Load(host, { clients: 1, path: '/api/orders', ...https() }).start();
      const second = await app.run(['deploy', '--json'], { ...env, RELEASE: 'v2' });
      const [result, otherResult] = [await load.stop(), await other.stop()];
      assert.equal(second.code, 0, show(second));
      console.log(`${image}: HTTPS deploy under load: ${describeLoad(result)}; /api of the other service: ${describeLoad(otherResult)}`);
      assert.equal(result.non2xx.length + result.errors.length, 0, describeLoad(result));
      assert.ok(result.sent > 100, describeLoad(result));
      assert.deepEqual([...new Set(otherResult.samples.map((s) => s.release))], ['other-api'], 'the narrower route of another service kept answering');
      assert.equal((await ask(host, '/', {}, 5000, https())).release, 'v2');
      for (const run of [first, second]) assert.ok(!`${run.stdout}${run.stderr}`.includes(PASSWORD), 'the API password is never printed');
    });

    test('PID 1 ignores SIGTERM: scale +1, scale -1 and a rollback under HTTPS load lose nothing; the switch does not wait out the grace period', async () => {
      const load = new Load(host, { clients: 8, ...https() }).start();
      const upScale = await app.run(['scale', '+1', '--json'], env);
      const downScale = await app.run(['scale', '-1', '--json'], env);
      const rollback = await app.run(['rollback', '--json'], env);
      const result = await load.stop();
      for (const run of [upScale, downScale, rollback]) assert.equal(run.code, 0, show(run));
      console.log(`${image}: SIGTERM-deaf scale +1, -1, rollback under HTTPS load: ${describeLoad(result)}`);
      assert.equal(result.non2xx.length + result.errors.length, 0, describeLoad(result));
      assert.equal((await ask(host, '/', {}, 5000, https())).release, 'v1');

      const deploy = await app.run(['deploy', '--json'], { ...env, RELEASE: 'v3' });
      assert.equal(deploy.code, 0, show(deploy));
      const starts = deploy.events.filter((e) => e.event === 'step' && e.step === 'start' && e.state === 'done');
      assert.equal(starts.length, 2, 'up, then switch');
      assert.ok(starts[1]!.elapsed_ms < 5000, `the switch replaced the preview container at once, not after its 10 s grace period (${starts[1]!.elapsed_ms} ms)`);
    });

    test('30 deploys and rollbacks in a row: the narrower route of another service keeps winning throughout', async () => {
      // Releases that drain on SIGTERM from here on: each stop-old is quick.
      assert.equal((await app.run(['deploy'], { ...env, RELEASE: 'r0', IGNORE_SIGTERM: '0' })).code, 0);
      const other = new Load(host, { clients: 1, path: '/api/orders', ...https() }).start();
      const rounds = 30;
      for (let i = 1; i <= rounds; i++) {
        const run = i % 2 === 1 ? await app.run(['deploy'], { ...env, RELEASE: `r${i}`, IGNORE_SIGTERM: '0' }) : await app.run(['rollback'], env);
        assert.equal(run.code, 0, `round ${i}: ${show(run)}`);
        assert.equal((await ask(host, '/api/x', {}, 5000, https())).release, 'other-api', `round ${i}`);
      }
      const result = await other.stop();
      const strays = result.samples.filter((s) => s.release !== 'other-api');
      console.log(`${image}: ${rounds} deploys and rollbacks; /api of the other service: ${describeLoad(result)}, ${strays.length} answered by the app`);
      assert.equal(strays.length, 0, describeLoad(result));
      const status = await app.run(['status', '--json'], env);
      assert.deepEqual(status.result?.shadowed, [], show(status));
    });

    if (image !== NEWEST) return;

    test('exposedByDefault=true: no container bluegreen created gets a router it did not ask for', async () => {
      const api = new TraefikApi(team.apiUrl);
      const routers = (await api.routers()).filter((r) => r.name.endsWith('@docker')).map((r) => r.name);
      const stray = routers.filter((name) => name.includes(app.app) && !/-(blue|green)-(live|preview)@docker$/.test(name));
      assert.deepEqual(stray, [], `routers: ${routers.join(', ')}`);
    });

    test("status names a router added since the switch that the live router shadows; the next deploy leaves it alone", async () => {
      await runOtherService(SUITE, { name: `bgt-team-admin-${tag}`, rule: `Host(\`${host}\`) && PathPrefix(\`/admin\`)`, release: 'other-admin' });
      const api = new TraefikApi(team.apiUrl);
      await eventually('Traefik lists the new router', async () => ((await api.router(`bgt-team-admin-${tag}@docker`))?.status === 'enabled' ? true : undefined));
      const status = await app.run(['status', '--json'], env);
      assert.deepEqual(status.result?.shadowed.map((r: { name: string }) => r.name), [`bgt-team-admin-${tag}@docker`], show(status));
      const human = await app.run(['status'], env);
      assert.match(human.stdout, /shadowed: bgt-team-admin-.* fix: `bluegreen deploy`/);
      const deploy = await app.run(['deploy'], { ...env, RELEASE: 'v4' });
      assert.equal(deploy.code, 0, show(deploy));
      const admin = await ask(host, '/admin', {}, 5000, https());
      assert.equal(admin.release, 'other-admin', `${JSON.stringify(admin)}\n${show(deploy)}`);
      const root = await ask(host, '/', {}, 5000, https());
      assert.equal(root.release, 'v4', JSON.stringify(root));
    });

    test("TLS: Traefik's default certificate is refused (exit 2, nothing changed) unless --traefik-insecure; the redirecting web entrypoint fails within seconds", async () => {
      const plain = new TestApp(`bgt-team-plain-${tag}`, composeFor(`plain-${tag}.other.test`));
      try {
        const refused = await plain.run(['deploy'], { ...env, BG_TRAEFIK_CA: '', RELEASE: 'p1' });
        assert.equal(refused.code, 2, show(refused));
        assert.match(refused.stderr, /does not verify .*\n(.*\n)*hint: .*--traefik-insecure/);
        const insecure = await plain.run(['deploy', '--traefik-insecure'], { ...env, BG_TRAEFIK_CA: '', RELEASE: 'p1' });
        assert.equal(insecure.code, 0, show(insecure));

        const redirected = await plain.run(['deploy'], { ...env, BG_TRAEFIK_URL: team.webUrl, RELEASE: 'p2' });
        assert.equal(redirected.code, 1, show(redirected));
        assert.match(redirected.stderr, /redirecting to https:/);
        assert.match(redirected.stderr, /hint: this entrypoint redirects to TLS/);
        assert.ok(redirected.ms < 30_000, `failed within seconds, not after --timeout (${redirected.ms} ms)`);
        assert.equal((await ask(`plain-${tag}.other.test`, '/', {}, 5000, { baseUrl: team.httpsUrl })).release, 'p1', 'live traffic untouched');
      } finally {
        await plain.destroy();
      }
    });

    test('a HostRegexp rule holding $ deploys with --probe-host', async () => {
      const regexp = new TestApp(`bgt-team-re-${tag}`, composeFor(`unused-${tag}.team.test`));
      try {
        const rule = `HostRegexp(\`^(eu|us)-${tag}\\.team\\.test$\`)`;
        const run = await regexp.run(['deploy', '--rule', rule, '--probe-host', `eu-${tag}.team.test`], { ...env, RELEASE: 're1' });
        assert.equal(run.code, 0, show(run));
        assert.equal((await ask(`us-${tag}.team.test`, '/', {}, 5000, https())).release, 're1');
      } finally {
        await regexp.destroy();
      }
    });

    test('metrics off: the drain says so and waits its bound', async () => {
      await app.destroy();
      team = await startTeamTraefik({ image, metrics: false });
      const fresh = new TestApp(`bgt-team-nometrics-${tag}`, composeFor(`nometrics-${tag}.team.test`));
      try {
        const offEnv = { ...teamEnv(team), BG_DRAIN: '2s', IGNORE_SIGTERM: '0' };
        assert.equal((await fresh.run(['deploy'], { ...offEnv, RELEASE: 'm1' })).code, 0);
        const second = await fresh.run(['deploy', '--json'], { ...offEnv, RELEASE: 'm2' });
        assert.equal(second.code, 0, show(second));
        assert.match(second.stdout, /per-service request metrics are not at/);
        const drain = second.events.find((e) => e.event === 'step' && e.step === 'drain' && e.state === 'done');
        assert.ok(drain && drain.elapsed_ms >= 2000, `waited the whole 2s bound: ${JSON.stringify(drain)}`);
      } finally {
        await fresh.destroy();
        await stopTeamTraefik();
      }
    });
  });
}

after(() => stopTeamTraefik());
