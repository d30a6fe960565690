// Canary by weight (issue 29): `deploy --canary 10%,50%` sends those shares
// of live requests to the candidate, step by step, each judged for --bake;
// then the switch. Under load: the share each step gives, as the clients
// measure it (the sample names its release), within 3 points of the step's;
// nothing failed. A release failing 30% is taken out at the 10% step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { ask } from '../support/http.js';
import { show, TestApp, type CliRun } from '../support/cli.js';
import { assertServedThrough, describeLoad, Load, within } from '../support/load.js';

const app = new TestApp('bgt-canary');

before(async () => {
  await ensureTestTraefik();
  const first = await app.run(['deploy'], { RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(() => app.destroy());

const canaryContainers = async () => {
  const of = (role: string) => docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.role=${role}`] } });
  return [...(await of('canary')), ...(await of('canary-server'))];
};

/** Each step's window, from its --json events: its router in Traefik (the `canary` step's end) until its judgement ended. */
function stepWindows(run: CliRun): { from: number; to: number }[] {
  const done = (step: string) => run.events.filter((e) => e.event === 'step' && e.step === step && e.state === 'done').map((e) => Date.parse(e.at));
  const started = done('canary');
  const judged = done('canary-judge');
  return judged.map((to, i) => ({ from: started[i]!, to }));
}

test('deploy --canary 10%,50% under load: each step sends its share (within 3 points, over at least 2,000 requests), nothing fails, then the switch', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const startedAt = Date.now();
  const run = await app.run(['deploy', '--canary', '10%,50%', '--bake', '6s', '--json'], { RELEASE: 'v2' });
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const report = await load.stop();
  assert.equal(run.code, 0, show(run));
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 2000, what: 'the canary deploy' });
  const windows = stepWindows(run);
  assert.equal(windows.length, 2, show(run));
  const measured = windows.map(({ from, to }, i) => {
    const inStep = within(report, from, to).samples;
    const v2 = inStep.filter((s) => s.release === 'v2').length;
    const share = v2 / inStep.length;
    assert.ok(inStep.length >= 2000, `step ${i + 1}: ${inStep.length} requests, at least 2,000 needed`);
    return { requests: inStep.length, share };
  });
  assert.ok(Math.abs(measured[0]!.share - 0.1) <= 0.03, `10% step measured ${(measured[0]!.share * 100).toFixed(1)}%`);
  assert.ok(Math.abs(measured[1]!.share - 0.5) <= 0.03, `50% step measured ${(measured[1]!.share * 100).toFixed(1)}%`);
  assert.equal((await ask(app.host)).release, 'v2');
  assert.deepEqual(await canaryContainers(), [], 'the canary is out after the switch');
  console.log(
    `canary: 10% step ${(measured[0]!.share * 100).toFixed(1)}% of ${measured[0]!.requests}, 50% step ${(measured[1]!.share * 100).toFixed(1)}% of ${measured[1]!.requests}; ${describeLoad(during)} during the deploy (${run.ms} ms)`,
  );
});

test('a release failing 30% is taken out at the 10% step: exit 1, at most 10% x 30% of the requests failed meanwhile (with the binomial margin), live untouched after', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const startedAt = Date.now();
  const run = await app.run(['deploy', '--canary', '10%,50%', '--bake', '20s', '--max-error-rate', '5%', '--json'], { RELEASE: 'v3', FAIL_RATE: '0.3' });
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const report = await load.stop();
  assert.equal(run.code, 1, show(run));
  const error = run.events.find((e) => e.event === 'error');
  assert.match(error?.message ?? '', /canary at 10%: the candidate's 5xx (2\d|3\d)\.\d% of \d+ answers .*above 5\.0%; live traffic is all on (blue|green) again/, show(run));
  const [window] = stepWindows(run).length ? stepWindows(run) : [];
  const stepStarted = Date.parse(run.events.find((e) => e.event === 'step' && e.step === 'canary' && e.state === 'done')?.at ?? 'NaN');
  const takenOut = Date.parse(run.events.find((e) => e.event === 'step' && e.step === 'canary-judge' && e.state !== 'start')?.at ?? 'NaN');
  const inStep = within(report, stepStarted, window?.to ?? takenOut).samples;
  const failed = inStep.filter((s) => s.status === 500).length;
  const expected = 0.1 * 0.3;
  const margin = 3 * Math.sqrt((expected * (1 - expected)) / Math.max(1, inStep.length));
  assert.ok(inStep.length > 0, 'requests during the step');
  assert.ok(failed / inStep.length <= expected + margin, `${failed} of ${inStep.length} failed during the 10% step (${((failed / inStep.length) * 100).toFixed(1)}%)`);
  // Nothing else failed: no error and no other status at all (no 502: the candidate went once Traefik no longer
  // sent it anything), and no 5xx once the command was over.
  assertServedThrough(report, { startedAt, endedAt }, { min: 200, allowed: (s) => s.status === 500 && s.startedAt < endedAt, what: 'the failed canary deploy' });
  const live = (await ask(app.host)).release;
  assert.ok(live === 'v1' || live === 'v2');
  for (let i = 0; i < 10; i++) assert.equal((await ask(app.host)).release, live, 'the live release answers, only it');
  assert.deepEqual(await canaryContainers(), [], 'the canary is out');
  console.log(
    `canary breach: ${failed} of ${inStep.length} requests failed during the 10% step (${((failed / inStep.length) * 100).toFixed(2)}%, bound 3% + ${(margin * 100).toFixed(2)}); ${error?.message}; ${describeLoad(report)} in all`,
  );
});

test('Ctrl-C during a canary step, then kill -9 during another: the step is taken out (by the undo, then by the next command), the candidate removed, live served throughout', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const startedAt = Date.now();
  const live = (await ask(app.host)).release!;
  const cancelled = await app.runAndSignal(
    ['deploy', '--canary', '20%', '--bake', '30s'],
    { RELEASE: 'v4' },
    { at: (e) => e.event === 'step' && e.step === 'canary-judge' && e.state === 'started', signals: ['SIGINT'] },
  );
  assert.ok(cancelled.signalled, show(cancelled));
  assert.equal(cancelled.code, 1, show(cancelled));
  assert.deepEqual(await canaryContainers(), [], 'the undo took the step out');
  // kill -9 while a step is in: nothing undoes it, the next command takes it out first.
  const killed = await app.runAndSignal(
    ['deploy', '--canary', '20%', '--bake', '30s'],
    { RELEASE: 'v5' },
    { at: (e) => e.event === 'step' && e.step === 'canary-judge' && e.state === 'started', signals: ['SIGKILL'] },
  );
  assert.ok(killed.signalled, show(killed));
  assert.ok((await canaryContainers()).length > 0, 'a killed command left its step in');
  const status = await app.run(['status']);
  assert.match(status.stdout, /canary: 20% of live requests go to the candidate/);
  const next = await app.run(['stop-old']);
  assert.match(next.stderr, /took the canary step out first/, show(next));
  assert.deepEqual(await canaryContainers(), [], 'the next command took it out');
  const endedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const report = await load.stop();
  const during = assertServedThrough(report, { startedAt, endedAt }, { min: 1000, what: 'the cancelled and killed canaries' });
  for (let i = 0; i < 5; i++) assert.equal((await ask(app.host)).release, live, 'the live release answers, only it');
  console.log(`canary cancelled (exit ${cancelled.code} ${cancelled.exitAfterSignalMs} ms after Ctrl-C) and killed: ${describeLoad(during)}`);
});
