// Ctrl-C and SIGTERM (a cancelled CI job) during a deploy, under load: the
// deploy undoes like a failure (exit 1, the candidate gone, live answering
// throughout), the compose call in flight dies with it, no temporary
// directory is left, and the lock is free for the next command. A second
// signal stops at once (exit 5) and the next command reconciles.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestTraefik } from '../support/traefik.js';
import { docker } from '../support/containers.js';
import { show, TestApp, type SignalledRun } from '../support/cli.js';
import { assertServedThrough, describeLoad, Load, type LoadReport } from '../support/load.js';
import { ask } from '../support/http.js';
import { SAMPLE_IMAGE } from '../support/ports.js';

const BUILT_IMAGE = 'bgt-cancel-app:latest';
// The sample's compose file, with a build for the target that takes a minute:
// a deploy without --pull builds it; with --pull missing it uses the tag.
const composeText = readFileSync(fileURLToPath(new URL('../../compose/docker-compose.yml', import.meta.url)), 'utf8').replace(
  'image: ${SAMPLE_IMAGE:-bluegreen-sample:latest}\n',
  `image: ${BUILT_IMAGE}\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM ${SAMPLE_IMAGE}\n        ARG NONCE\n        RUN echo "$$NONCE" && sleep 60\n      args:\n        NONCE: \${NONCE:-0}\n`,
);
const app = new TestApp('bgt-cancel', composeText);
// The CLI's own temporary directory: what it leaves there is what it leaked.
const cliTmp = mkdtempSync(join(tmpdir(), 'bgt-cancel-tmp-'));
const base = { TMPDIR: cliTmp };
const usingTheTag = { ...base, BG_PULL: 'missing' };

before(async () => {
  await ensureTestTraefik();
  await docker.getImage(SAMPLE_IMAGE).tag({ repo: BUILT_IMAGE.split(':')[0], tag: 'latest' });
  const first = await app.run(['deploy'], { ...usingTheTag, RELEASE: 'v1' });
  assert.equal(first.code, 0, show(first));
});
after(async () => {
  await app.destroy();
  await docker
    .getImage(BUILT_IMAGE)
    .remove({ force: true })
    .catch(() => undefined);
  rmSync(cliTmp, { recursive: true, force: true });
});

const step =
  (name: string, state = 'started') =>
  (e: any) =>
    e.event === 'step' && e.step.startsWith(name) && e.state === state;
const containersOf = async (colour: string) => docker.listContainers({ all: true, filters: { label: [`io.bluegreen.app=${app.app}`, `io.bluegreen.colour=${colour}`] } });
/** Processes whose command line names the app: compose calls the CLI left behind. */
const leftoverProcesses = () =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(app.app) && /compose|buildx/.test(line));
const leftoverTempDirs = () => readdirSync(cliTmp).filter((name) => name.startsWith('bluegreen-'));

/** Runs a deploy under load, signalled at a point; returns the run, when it ran, and what the clients saw. */
async function cancelledDeploy(env: Record<string, string>, at: (e: any) => boolean, signals: NodeJS.Signals[], nth = 1) {
  const load = new Load(app.host, { clients: 8 }).start();
  const startedAt = Date.now();
  const run = await app.runAndSignal(['deploy'], env, { at, nth, signals });
  const endedAt = Date.now();
  // The clients keep going a moment after the exit: what the undo left must serve too.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const seen = await load.stop();
  return { run, seen, operation: { startedAt, endedAt } };
}

/** `min`: the requests that must have started while the cancelled deploy ran. Returns those. */
function assertUndone(run: SignalledRun, seen: LoadReport, operation: { startedAt: number; endedAt: number }, signal: string, min: number, alsoAnswered?: string) {
  assert.ok(run.signalled, `the signal point was reached: ${show(run)}`);
  assert.equal(run.code, 1, show(run));
  assert.match(run.stderr, new RegExp(`cancelled \\(${signal}\\)`));
  const during = assertServedThrough(seen, operation, { min, what: `the deploy cancelled by ${signal}` });
  // A signal acted on after the step under way ends: a route container started (one engine call, not a
  // process to stop) may have carried the new release for the moment until the undo removed it.
  const releases = [...new Set(seen.samples.map((s) => s.release))].sort();
  assert.deepEqual(releases, alsoAnswered && releases.includes(alsoAnswered) ? ['v1', alsoAnswered] : ['v1'], 'every answer came from the live release');
  const after = seen.samples.filter((s) => s.startedAt > operation.endedAt);
  assert.ok(after.length > 0 && after.every((s) => s.release === 'v1'), `once undone, only the live release answers (${after.length} after)`);
  assert.deepEqual(leftoverProcesses(), [], 'no compose process outlives the command');
  assert.deepEqual(leftoverTempDirs(), [], 'no temporary directory is left');
  return during;
}

test('SIGTERM while the candidate starts (deploy waiting for health): exit 1, the candidate removed, live served throughout', async () => {
  const { run, seen, operation } = await cancelledDeploy({ ...usingTheTag, RELEASE: 'v2', START_DELAY: '20s' }, step('healthy'), ['SIGTERM']);
  const during = assertUndone(run, seen, operation, 'SIGTERM', 400);
  assert.ok(run.exitAfterSignalMs! < 15_000, `undone in ${run.exitAfterSignalMs} ms, not after the 20 s start`);
  assert.deepEqual(await containersOf('green'), [], 'the candidate is gone');
  const history = await app.run(['history', '--json']);
  assert.match(JSON.stringify(history.result?.entries.at(-1)), /"outcome":"failed".*cancelled \(SIGTERM\)/);
  console.log(`SIGTERM during up's health wait: exit ${run.code} ${run.exitAfterSignalMs} ms after the signal; ${describeLoad(during)} during the deploy (${run.ms} ms); ${describeLoad(seen)} in all`);
});

test('Ctrl-C during the switch (its route container starting): back out, exit 1, live served throughout', async () => {
  const { run, seen, operation } = await cancelledDeploy({ ...usingTheTag, RELEASE: 'v3' }, step('route'), ['SIGINT']);
  const during = assertUndone(run, seen, operation, 'SIGINT', 1500, 'v3');
  assert.deepEqual(await containersOf('green'), [], 'the candidate is gone');
  assert.equal((await ask(app.host)).release, 'v1');
  console.log(
    `SIGINT during the switch's route start: exit ${run.code} ${run.exitAfterSignalMs} ms after the signal; ${describeLoad(during)} during the deploy (${run.ms} ms), ${seen.samples.filter((s) => s.release === 'v3').length} answered by v3 before the undo; ${describeLoad(seen)} in all`,
  );
});

test('SIGTERM during a build: the compose build dies with the command at once, exit 1, nothing launched', async () => {
  const { run, seen, operation } = await cancelledDeploy({ ...base, RELEASE: 'v4', NONCE: String(Date.now()) }, step('build'), ['SIGTERM']);
  const during = assertUndone(run, seen, operation, 'SIGTERM', 300);
  assert.ok(run.exitAfterSignalMs! < 15_000, `stopped in ${run.exitAfterSignalMs} ms, not after the 60 s build`);
  assert.deepEqual(await containersOf('green'), []);
  console.log(`SIGTERM during a build: exit ${run.code} ${run.exitAfterSignalMs} ms after the signal; ${describeLoad(during)} during the deploy (${run.ms} ms); ${describeLoad(seen)} in all`);
});

test('a second signal stops at once (exit 5); the next deploy reconciles and succeeds, live served throughout', async () => {
  const load = new Load(app.host, { clients: 8 }).start();
  const startedAt = Date.now();
  const run = await app.runAndSignal(
    ['deploy'],
    { ...usingTheTag, RELEASE: 'v5', START_DELAY: '20s' },
    {
      at: step('healthy'),
      signals: ['SIGTERM'],
      // The second while the undo runs: after a fixed gap it could find the undo done (~0.2 s) and the command ended.
      again: { at: step('remove'), signal: 'SIGTERM' },
    },
  );
  const endedAt = Date.now();
  assert.ok(run.signalled, show(run));
  assert.equal(run.code, 5, show(run));
  assert.match(run.stderr, /SIGTERM again: stopped at once/);
  assert.deepEqual(leftoverProcesses(), [], 'the compose call in flight was killed with the command');
  assert.deepEqual(leftoverTempDirs(), []);
  const nextStartedAt = Date.now();
  const next = await app.run(['deploy'], { ...usingTheTag, RELEASE: 'v6' });
  const nextEndedAt = Date.now();
  const seen = await load.stop();
  assert.equal(next.code, 0, show(next));
  assert.equal((await ask(app.host)).release, 'v6');
  const duringSignalled = assertServedThrough(seen, { startedAt, endedAt }, { min: 500, what: 'the deploy signalled twice' });
  const duringNext = assertServedThrough(seen, { startedAt: nextStartedAt, endedAt: nextEndedAt }, { min: 1100, what: 'the next deploy' });
  console.log(
    `two SIGTERMs: exit ${run.code} ${run.exitAfterSignalMs} ms after the first (${describeLoad(duringSignalled)} during it, ${run.ms} ms); next deploy exit ${next.code} in ${next.ms} ms (${describeLoad(duringNext)} during it); ${describeLoad(seen)} in all`,
  );
});
