import { formatDuration } from '../plan/duration.js';
import type { Options } from '../config/options.js';
import { createContext, type Context } from '../core/context.js';
import { runLocked } from '../core/operation.js';
import { Reporter } from '../output/reporter.js';
import { previewHeaders } from '../plan/names.js';
import { releaseProbe } from '../plan/probe.js';
import { needsPersonError, usageError } from '../errors.js';

/** What a takeover of the app from plain compose did, as a result line says it. */
const takenOverLine = (names: string[] | undefined) => (names?.length ? `took over from plain compose: ${names.join(', ')} stopped (kept until \`bluegreen down\`)` : undefined);

/** The command line as typed, for the lock and history. */
const commandLine = () => ['bluegreen', ...process.argv.slice(2)].join(' ');

const context = (options: Options, needsCompose: boolean): Promise<Context> => createContext(options, commandLine(), { composeFiles: needsCompose });

export async function up(options: Options): Promise<void> {
  const started = Date.now();
  const ctx = await context(options, true);
  const { bringUp } = await import('../commands/up.js');
  const { unit } = await ctx.runtime();
  const result = await runLocked(ctx, 'up', () => bringUp(ctx));
  const { host, path } = releaseProbe(result.release, options.probe);
  const insecure = options.traefikUrl.startsWith('https:') && options.traefikInsecure ? ' -k' : '';
  const previewKey = (await ctx.store.read()).previewKey;
  const headers = Object.entries(previewHeaders(result.colour, previewKey))
    .map(([name, value]) => ` -H '${name}: ${value}'`)
    .join('');
  ctx.out.result(
    `${result.colour} runs release ${result.release.number} (${result.count} ${unit}${result.count > 1 ? 's' : ''}) on its preview route in ${formatDuration(Date.now() - started)}; try: curl${insecure}${headers}${host ? ` -H 'Host: ${host}'` : ''} ${options.traefikUrl}${path}`,
    { command: 'up', outcome: 'ok', colour: result.colour, release: result.release.number, preview_key: previewKey, elapsed_ms: Date.now() - started },
  );
}

export async function switchCommand(options: Options): Promise<void> {
  const started = Date.now();
  const ctx = await context(options, false);
  const { switchLive } = await import('../commands/switch.js');
  const { unit } = await ctx.runtime();
  const result = await runLocked(ctx, 'switch', async () => {
    const { assertBakeCanJudge } = await import('../core/bake.js');
    await assertBakeCanJudge(ctx);
    // A canary step (`bluegreen canary 10%`) stays in until the switch is verified, then goes.
    ctx.keepCanary = true;
    const { removeCanary } = await import('../core/canary.js');
    const switched = await switchLive(ctx).finally(() =>
      removeCanary(ctx).catch((error: Error) => {
        throw needsPersonError(`taking the canary out failed: ${error.message}`, 'run any bluegreen command (it takes a canary step out first), then see `bluegreen status`');
      }),
    );
    if (options.bake.ms > 0) await (await import('../commands/bake.js')).bakeOrSwitchBack(ctx, switched);
    return switched;
  });
  const replaced = result.replaced === undefined ? '' : `, ${result.replaced} ${unit}${result.replaced === 1 ? '' : 's'} replaced`;
  ctx.out.result(`live: ${result.colour} release ${result.release.number} (generation ${result.generation})${replaced} in ${formatDuration(Date.now() - started)}`, {
    command: 'switch',
    outcome: 'ok',
    colour: result.colour,
    release: result.release.number,
    generation: result.generation,
    ...(result.replaced === undefined ? {} : { [`${unit}s_replaced`]: result.replaced }),
    switched_at: new Date(result.switchedAt).toISOString(),
    elapsed_ms: Date.now() - started,
  });
}

export async function stopOldCommand(options: Options, remove: boolean): Promise<void> {
  const started = Date.now();
  const ctx = await context(options, false);
  const { stopOld } = await import('../commands/stop-old.js');
  const result = await runLocked(ctx, 'stop-old', () => stopOld(ctx, { remove }));
  const colourLine = result.colour ? `${result.colour} ${remove ? 'removed' : 'stopped'} after a ${formatDuration(result.drainedMs)} drain` : undefined;
  const line = [colourLine, takenOverLine(result.takenOver)].filter(Boolean).join('; ') || 'nothing to stop';
  ctx.out.result(line, {
    command: 'stop-old',
    outcome: 'ok',
    colour: result.colour,
    stopped: result.stopped,
    drained_ms: result.drainedMs,
    taken_over: result.takenOver ?? [],
    elapsed_ms: Date.now() - started,
  });
}

export async function rollbackCommand(options: Options, flags: { to?: string; keepOld: boolean }): Promise<void> {
  const started = Date.now();
  const to = flags.to === undefined ? undefined : Number(flags.to);
  if (to !== undefined && (!Number.isInteger(to) || to < 1)) throw usageError(`--to: "${flags.to}" is not a release number`, 'see `bluegreen history`');
  const ctx = await context(options, false);
  const { rollBack } = await import('../commands/rollback.js');
  const { stopAfterSwitch } = await import('../commands/deploy.js');
  const result = await runLocked(ctx, 'rollback', async () => {
    const rolled = await rollBack(ctx, { to });
    if (rolled.from && !flags.keepOld) await stopAfterSwitch(ctx, rolled);
    return rolled;
  });
  ctx.out.result(`rolled back: ${result.colour} release ${result.release.number} is live (generation ${result.generation}) in ${formatDuration(Date.now() - started)}`, {
    command: 'rollback',
    outcome: 'ok',
    colour: result.colour,
    release: result.release.number,
    generation: result.generation,
    switched_at: new Date(result.switchedAt).toISOString(),
    elapsed_ms: Date.now() - started,
  });
}

export async function deployCommand(options: Options, keepOld: boolean, maintenance = false): Promise<void> {
  const started = Date.now();
  const ctx = await context(options, true);
  const { deploy } = await import('../commands/deploy.js');
  const result = await runLocked(ctx, 'deploy', () => deploy(ctx, { keepOld, maintenance }));
  const old = `${result.stopped?.colour ? `, ${result.stopped.colour} stopped` : ''}${result.stopped?.takenOver?.length ? `, ${takenOverLine(result.stopped.takenOver)}` : ''}`;
  ctx.out.result(`deployed release ${result.up.release.number} to ${result.up.colour}: live${old}, in ${formatDuration(Date.now() - started)}`, {
    command: 'deploy',
    outcome: 'ok',
    colour: result.up.colour,
    release: result.up.release.number,
    generation: result.switched.generation,
    taken_over: result.stopped?.takenOver ?? [],
    switched_at: new Date(result.switched.switchedAt).toISOString(),
    elapsed_ms: Date.now() - started,
  });
}

export async function canaryCommand(options: Options, shareText: string): Promise<void> {
  const started = Date.now();
  const ctx = await context(options, false);
  const canary = await import('../core/canary.js');
  if (shareText === 'off') {
    const was = await runLocked(ctx, 'canary', async () => ({ on: await canary.removeCanary(ctx), about: { detail: 'off' } }));
    ctx.out.result(was.on ? `the canary is out: live traffic is all on the live colour, in ${formatDuration(Date.now() - started)}` : 'no canary step was in', {
      command: 'canary',
      outcome: 'ok',
      canary: 'off',
      already: !was.on,
    });
    return;
  }
  const { parseCanarySteps, formatShare } = await import('../plan/canary.js');
  const [share] = parseCanarySteps(shareText) as [number];
  const step = await runLocked(ctx, 'canary', async () => ({ ...(await canary.canaryOnCandidate(ctx, share)), about: { detail: formatShare(share) } }));
  ctx.out.result(
    `${formatShare(step.weighted)} of live requests go to ${step.candidate} (release ${step.release}), the rest to ${step.live}${step.judgement ? `: ${step.judged}` : ''}; \`bluegreen switch\` moves them all, \`bluegreen canary off\` takes it out`,
    { command: 'canary', outcome: 'ok', share: step.weighted, colour: step.candidate, release: step.release, elapsed_ms: Date.now() - started },
  );
}

export async function maintenanceCommand(options: Options, action: string): Promise<void> {
  if (action !== 'on' && action !== 'off') throw usageError(`maintenance: "${action}" is not an action`, 'use `bluegreen maintenance on` or `bluegreen maintenance off`');
  const started = Date.now();
  const ctx = await context(options, false);
  const { maintenanceOn, maintenanceOff } = await import('../core/maintenance.js');
  if (action === 'on') {
    const result = await runLocked(ctx, 'maintenance', async () => ({ ...(await maintenanceOn(ctx, options.maintenance)), about: { detail: 'on' } }));
    const allowed = result.allow.length ? `; let through: ${result.allow.join(', ')}` : '';
    ctx.out.result(
      `${ctx.app} is in maintenance${result.already ? ' already' : ''}: every request to its live routes is answered 503 with the page (${result.page})${allowed}${result.already ? '' : `, in ${formatDuration(Date.now() - started)}`}`,
      {
        command: 'maintenance',
        outcome: 'ok',
        maintenance: 'on',
        already: result.already,
        routers: result.routers,
        page: result.page,
        allow: result.allow,
        elapsed_ms: Date.now() - started,
      },
    );
    return;
  }
  const was = await runLocked(ctx, 'maintenance', async () => ({ on: await maintenanceOff(ctx), about: { detail: 'off' } }));
  ctx.out.result(was.on ? `${ctx.app} is out of maintenance: its live routes reach the app again, in ${formatDuration(Date.now() - started)}` : `${ctx.app} was not in maintenance`, {
    command: 'maintenance',
    outcome: 'ok',
    maintenance: 'off',
    already: !was.on,
    elapsed_ms: Date.now() - started,
  });
}

export async function statusCommand(options: Options): Promise<void> {
  const ctx = await context(options, false);
  const { line, event } = await (await ctx.runtime()).status(ctx);
  ctx.out.result(line, { command: 'status', ...event });
}

export async function doctorCommand(options: Options): Promise<void> {
  const ctx = await context(options, true);
  const { doctor, formatDiagnosis } = await import('../commands/doctor.js');
  const diagnosis = await doctor(ctx);
  const errors = diagnosis.findings.filter((f) => f.severity === 'error').length;
  ctx.out.result(formatDiagnosis(diagnosis), { command: 'doctor', outcome: errors ? 'failed' : 'ok', target: diagnosis.target, findings: diagnosis.findings });
  // Errors break a zero-downtime deploy: exit 1; warnings alone are 0.
  if (errors) process.exitCode = 1;
}

export async function historyCommand(options: Options): Promise<void> {
  const historyModule = import('../commands/history.js');
  const ctx = await context(options, false);
  const { formatHistory } = await historyModule;
  const entries = await ctx.store.history();
  ctx.out.result(formatHistory(entries, process.stdout.columns || 160), { command: 'history', app: ctx.app, entries });
}

export async function downCommand(options: Options, volumes: boolean): Promise<void> {
  const ctx = await context(options, false);
  const { down } = await import('../commands/down.js');
  const removed = await runLocked(ctx, 'down', () => down(ctx, { volumes }));
  ctx.out.result(`${ctx.app} removed${removed.length ? `, volumes ${removed.join(', ')} removed` : volumes ? '' : ' (named volumes kept)'}`, {
    command: 'down',
    outcome: 'ok',
    volumes_removed: removed,
  });
}

export async function unlockCommand(options: Options): Promise<void> {
  const ctx = await context(options, false);
  const holder = await ctx.store.breakLock();
  ctx.out.result(holder ? `lock of ${ctx.app} broken (it was held by ${holder.by}@${holder.host}, pid ${holder.pid}, \`${holder.command}\` since ${holder.since})` : `${ctx.app} was not locked`, {
    command: 'unlock',
    outcome: 'ok',
    holder,
  });
}

export async function proxyCommand(options: Options, action: 'up' | 'down' | 'status'): Promise<void> {
  const out = new Reporter(options.json);
  const [proxy, connection] = await Promise.all([import('../commands/proxy.js'), import('../runtime/engine-connection.js').then(({ connectEngine }) => connectEngine())]);
  if (action === 'status') {
    const { line, event } = await proxy.proxyStatus(options, connection);
    out.result(line, { command: 'proxy status', ...event });
    return;
  }
  const line = action === 'up' ? await proxy.proxyUp(options, out, connection) : await proxy.proxyDown(out, connection);
  out.result(line, { command: `proxy ${action}`, outcome: 'ok', message: line });
}

export async function scaleCommand(options: Options, target?: string): Promise<void> {
  const started = Date.now();
  const ctx = await context(options, false);
  const { scaleLive } = await import('../commands/scale.js');
  const result = await runLocked(ctx, 'scale', () => scaleLive(ctx, options.scale, target));
  const moved = result.movedFrom ? ` (live moved from ${result.movedFrom}, drained and stopped)` : '';
  const what = result.target ? `${result.target} of ${result.colour}` : result.colour;
  ctx.out.result(`${what} scaled from ${result.from} to ${result.to}${moved} in ${formatDuration(Date.now() - started)}`, {
    command: 'scale',
    outcome: 'ok',
    colour: result.colour,
    ...(result.target ? { target: result.target } : {}),
    from: result.from,
    to: result.to,
    moved_from: result.movedFrom,
    elapsed_ms: Date.now() - started,
  });
}

export async function flowCommand(options: Options): Promise<void> {
  const started = Date.now();
  const { parseFlow, runFlow } = await import('../commands/flow.js');
  const steps = parseFlow(options.flow);
  const ctx = await context(options, steps.includes('deploy'));
  const { flowRefusal } = await ctx.runtime();
  if (flowRefusal) throw usageError(flowRefusal, 'run `bluegreen deploy`, `switch` and `stop-old` instead');
  const { done } = await runLocked(ctx, 'flow', () => runFlow(ctx, steps));
  ctx.out.result(`${done.join('; ')} (${formatDuration(Date.now() - started)})`, { command: 'flow', outcome: 'ok', steps, done, elapsed_ms: Date.now() - started });
}

/** `completion --releases`: the store's release numbers for `rollback --to`, or nothing (completion never fails aloud). */
export async function printReleases(options: Options): Promise<void> {
  const numbers = await context(options, false)
    .then((ctx) => ctx.store.releaseNumbers())
    .catch(() => [] as number[]);
  if (numbers.length) process.stdout.write(`${numbers.join('\n')}\n`);
}
