// Hooks (issue 12): a pre_* hook vetoes (exit 1, live untouched), a post_*
// hook warns, on_failure reports; each runs with sh -c in the compose file's
// directory, with the operation's facts and the candidate's preview route.
// One script plays every hook; the test's environment decides what it does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { show, TestApp } from '../support/cli.js';
import { ask } from '../support/http.js';
import { assertServedThrough, describeLoad, Load } from '../support/load.js';

const app = new TestApp('bgt-hooks');
const log = join(app.dir, 'hooks.log');

// $1: the hook. FAIL=<hook> makes that hook fail, SLOW=<hook> outlast its timeout.
const SCRIPT = `#!/bin/sh
echo "$1 app=$BG_APP release=$BG_RELEASE colour=$BG_COLOUR previous=$BG_PREVIOUS_RELEASE live=$BG_LIVE_COLOUR op=$BG_OPERATION exit=$BG_EXIT_CODE dir=$(pwd)" >> hooks.log
[ "$SLOW" = "$1" ] && sleep 30
if [ "$1" = pre_switch ]; then
  # A smoke test of the preview route, as a team's pre_switch would do it.
  curl -sf -o /dev/null -H "Host: $BG_PREVIEW_HOST" -H "X-Bluegreen-Color: $BG_COLOUR" -H "X-Bluegreen-Preview-Key: $BG_PREVIEW_KEY" "$BG_PREVIEW_URL" || { echo "preview did not answer"; exit 7; }
  echo "preview of release $BG_RELEASE answered" >> hooks.log
fi
[ "$FAIL" = "$1" ] && { echo "$1 says no"; exit 3; }
exit 0
`;

const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
const running = async (colour: string) => (await docker.listContainers({ filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`] } })).length;

before(async () => {
  writeFileSync(join(app.dir, 'hook.sh'), SCRIPT, { mode: 0o755 });
  appendFileSync(
    join(app.dir, 'bluegreen.yml'),
    [
      'hooks:',
      '  pre_up: ./hook.sh pre_up',
      '  pre_switch: ./hook.sh pre_switch',
      '  post_switch: ./hook.sh post_switch',
      '  pre_stop_old: {run: ./hook.sh pre_stop_old, timeout: 2s}',
      '  on_failure: ./hook.sh on_failure',
      '',
    ].join('\n'),
  );
  await ensureTestTraefik();
});
after(() => app.destroy());

test("every hook runs in order, in the compose file's directory, with the release, colours and the preview route (pre_switch asks it)", async () => {
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
  const second = await app.run(['deploy'], { RELEASE: 'v2' });
  assert.equal(second.code, 0, show(second));
  const seen = lines();
  assert.deepEqual(
    seen.slice(-5).map((l) => l.split(' ')[0]),
    ['pre_up', 'pre_switch', 'preview', 'post_switch', 'pre_stop_old'],
    seen.join('\n'),
  );
  assert.match(seen.at(-5)!, new RegExp(`^pre_up app=${app.app} release=2 colour=green previous=1 live=blue .*dir=${app.dir}$`));
  assert.equal(seen.at(-3), 'preview of release 2 answered');
  assert.match(seen.at(-2)!, /^post_switch .*release=2 colour=green previous=1 live=green/);
  assert.match(seen.at(-1)!, /^pre_stop_old .*colour=blue .*live=green/);
});

test('a pre_switch veto under load: exit 1 with its output, the candidate removed, live untouched; on_failure reports it', async () => {
  rmSync(log, { force: true });
  const load = new Load(app.host, { clients: 4 }).start();
  const startedAt = Date.now();
  const vetoed = await app.run(['deploy'], { RELEASE: 'v3', FAIL: 'pre_switch' });
  const endedAt = Date.now();
  const report = await load.stop();
  assert.equal(vetoed.code, 1, show(vetoed));
  assert.match(vetoed.stderr, /the pre_switch hook failed \(exit 3\)/);
  assert.match(vetoed.stderr, /pre_switch says no/, 'its output is shown');
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 300, what: 'the vetoed deploy' });
  assert.ok(
    report.samples.every((s) => s.release === undefined || s.release === 'v2'),
    'live stayed v2 throughout',
  );
  console.log(`pre_switch veto under load: exit ${vetoed.code} in ${vetoed.ms} ms; ${describeLoad(during)} during the deploy, ${describeLoad(report)} in all`);
  assert.equal(await running('blue'), 0, 'the candidate was removed');
  assert.match(lines().at(-1)!, /^on_failure .*op=deploy exit=1/);
});

test('a pre_up veto starts nothing', async () => {
  const vetoed = await app.run(['up'], { RELEASE: 'v3', FAIL: 'pre_up' });
  assert.equal(vetoed.code, 1, show(vetoed));
  assert.match(vetoed.stderr, /pre_up hook failed \(exit 3\)/);
  assert.equal(await running('blue'), 0);
  assert.equal((await ask(app.host)).release, 'v2');
});

test("a pre_stop_old veto after a deploy's switch: exit 1, the new release live, the old colour kept running; a post_switch failure only warns", async () => {
  const deployed = await app.run(['deploy'], { RELEASE: 'v4', FAIL: 'post_switch', SLOW: 'pre_stop_old' });
  assert.equal(deployed.code, 1, show(deployed));
  assert.match(deployed.stderr, /warning: the post_switch hook failed \(exit 3\) \(a warning: what happened stands\)/);
  assert.match(deployed.stderr, /release \d+ is live in blue; the pre_stop_old hook ran past its timeout \(2(\.0)?s\) and was stopped, so the old colour keeps running/);
  assert.equal((await ask(app.host)).release, 'v4');
  assert.ok((await running('green')) > 0, 'green (v2) still runs, shadowed');
  const stopped = await app.run(['stop-old']);
  assert.equal(stopped.code, 0, show(stopped));
  assert.equal(await running('green'), 0);
});
