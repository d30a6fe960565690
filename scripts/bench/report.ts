import type { FloorRun } from './benchmark.js';
import type { BenchOptions } from './options.js';
import { medianPhases, phasesTable } from './phases.js';
import { histogramPercentile, median, round } from './stats.js';
import { connectionErrors, summarizeMethod, summaryLine } from './summarize.js';
import { formatSpread, formatTable, METHOD_TABLE_LEGEND, methodTable, overheadTable } from './table.js';
import { METHOD_LABEL, PROFILE_LABEL, type CliOverhead, type DeployWindow, type MethodId, type MethodSummary, type Spread } from './types.js';

export const WINDOW_DEFINITION = 'load from lead_ms before the command starts until tail_ms after the later of its return and the first response from the new release';

/** Everything the run measured, as printed (table, summary) and as data (the JSON file). */
export function buildReport(input: {
  options: BenchOptions;
  methods: MethodId[];
  windows: DeployWindow[];
  floors: FloorRun[];
  overhead?: CliOverhead;
  machine: Record<string, unknown>;
  startedAt: Date;
  finishedAt: Date;
}) {
  const { options } = input;
  const profiles = options.appProfiles.map((profile) => {
    const windows = input.windows.filter((w) => w.profile === profile);
    const methods = input.methods.map((id) => summarizeMethod(id, windows));
    const floorMs = median(input.floors.filter((f) => f.profile === profile).map((f) => f.ms));
    const phases = windows.flatMap((w) => (w.phases && w.exitCode === 0 ? [w.phases] : []));
    return { profile, methods, floorMs, ratios: firstAnswerRatios(methods, floorMs), steps: phases.length ? medianPhases(phases) : undefined };
  });
  const table = profiles
    .flatMap((p) => [`== ${PROFILE_LABEL[p.profile]}`, methodTable(p.methods), '', ratioTable(p.floorMs, p.ratios), ...(p.steps ? ['', phasesTable(p.steps)] : []), ''])
    .concat([METHOD_TABLE_LEGEND, ...(input.overhead ? ['', overheadTable(input.overhead)] : [])])
    .join('\n');
  const summary = profiles
    .map((p) => `${PROFILE_LABEL[p.profile]}: ${summaryLine(p.methods)}; bluegreen first answer x${p.ratios.find((r) => r.method === 'bluegreen')?.ratio?.toFixed(2) ?? '-'} of the floor`)
    .concat(input.overhead ? [summaryLine([], input.overhead)] : [])
    .join('\n');
  return {
    profile: options.profile,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    duration_s: round((input.finishedAt.getTime() - input.startedAt.getTime()) / 1000, 1),
    machine: input.machine,
    settings: settingsJson(options, input.methods),
    app_profiles: profiles.map((p) => ({
      profile: p.profile,
      label: PROFILE_LABEL[p.profile],
      floor_median_s: p.floorMs === undefined ? null : round(p.floorMs / 1000, 3),
      floor_each_s: input.floors.filter((f) => f.profile === p.profile).map((f) => round(f.ms / 1000, 3)),
      first_answer_vs_floor: p.ratios.map((r) => ({ method: r.method, first_new_median_s: r.firstNewS ?? null, ratio: r.ratio === undefined ? null : round(r.ratio) })),
      methods: p.methods.map(methodJson),
      bluegreen_steps_median: p.steps ?? null,
    })),
    deploys: input.windows.map(deployJson),
    cli_overhead: input.overhead ? overheadJson(input.overhead) : null,
    table,
    summary,
  };
}

/** The soak's totals: every deploy and rollback, each under its own window of load. */
export function buildSoakReport(input: { options: BenchOptions; windows: DeployWindow[]; machine: Record<string, unknown>; startedAt: Date; finishedAt: Date }) {
  const steps = (['deploy', 'rollback'] as const).map((step) => ({
    step,
    summary: summarizeMethod(
      'bluegreen',
      input.windows.filter((w) => w.step === step),
    ),
  }));
  const all = summarizeMethod('bluegreen', input.windows);
  const table = formatTable(
    ['soak', 'commands', 'exited non-zero', 'requests', 'failed', 'p99 ms', 'to new release s', 'to return s'],
    [...steps.map((s): [string, MethodSummary] => [s.step, s.summary]), ['all', all] as [string, MethodSummary]].map(([label, m]) => [
      label,
      String(m.deploys),
      String(m.failedDeploys),
      String(m.requests),
      String(m.failed),
      m.p99Ms === undefined ? '-' : m.p99Ms.toFixed(1),
      formatSpread(m.firstNewS),
      formatSpread(m.returnS),
    ]),
  );
  const summary = `soak: ${input.options.soakDeploys} deploys and ${input.options.soakDeploys} rollbacks, ${all.failedDeploys} exited non-zero; ${all.failed} failed of ${all.requests} requests`;
  return {
    profile: 'soak',
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    duration_s: round((input.finishedAt.getTime() - input.startedAt.getTime()) / 1000, 1),
    machine: input.machine,
    settings: settingsJson(input.options, ['bluegreen']),
    totals: methodJson(all),
    by_step: steps.map((s) => ({ step: s.step, ...methodJson(s.summary) })),
    deploys: input.windows.map(deployJson),
    table,
    summary,
  };
}

interface FirstAnswerRatio {
  method: MethodId;
  firstNewS?: number;
  ratio?: number;
}

/** Each method's median time to the first new answer, against the floor's median. */
function firstAnswerRatios(methods: MethodSummary[], floorMs: number | undefined): FirstAnswerRatio[] {
  return methods.map((m) => ({
    method: m.method,
    firstNewS: m.firstNewS.median,
    ratio: m.firstNewS.median === undefined || !floorMs ? undefined : (m.firstNewS.median * 1000) / floorMs,
  }));
}

function ratioTable(floorMs: number | undefined, ratios: FirstAnswerRatio[]): string {
  return formatTable(
    [`first new answer vs the floor (one container up --wait: ${floorMs === undefined ? '-' : (floorMs / 1000).toFixed(2)} s, median)`, 'median s', 'ratio'],
    ratios.map((r) => [METHOD_LABEL[r.method], r.firstNewS === undefined ? 'never' : r.firstNewS.toFixed(2), r.ratio === undefined ? '-' : `x${r.ratio.toFixed(2)}`]),
  );
}

function settingsJson(options: BenchOptions, methods: MethodId[]) {
  return {
    rounds: options.rounds,
    app_profiles: options.appProfiles,
    order: methods,
    load: { tool: 'wrk', clients: options.clients, think_ms: options.thinkMs, keep_alive: true, path: '/' },
    window: { definition: WINDOW_DEFINITION, lead_ms: options.leadMs, tail_ms: options.tailMs, settle_max_ms: options.settleMs },
    counted: {
      non_2xx: 'responses with status >= 400 (wrk status errors; nothing here answers 1xx or 3xx)',
      connection_errors: 'wrk connect, read, write and timeout (10 s) errors: requests with no response',
      latency: "wrk's latency histogram of the window (with wrk's coordinated-omission correction), percentiles over all windows of a method",
      first_new_release_s: 'from the command start to the first response naming the new release, seen by a probe asking every 20 ms',
      floor:
        'docker compose up --detach --wait --no-deps of one app container of the same profile beside its running store (the previous one killed and removed first, untimed), under the same load as the deploys (against the bluegreen app)',
    },
  };
}

function deployJson(w: DeployWindow) {
  return {
    method: w.method,
    profile: w.profile,
    ...(w.step ? { step: w.step } : {}),
    round: w.round,
    release: w.release,
    exit_code: w.exitCode,
    return_s: round(w.returnMs / 1000),
    first_new_release_s: w.firstNewMs === undefined ? null : round(w.firstNewMs / 1000),
    responses: w.load.responses,
    non_2xx: w.load.non2xx,
    statuses: w.load.statuses,
    connection_errors: connectionErrors(w.load),
    errors: w.load.errors,
    load_s: round(w.load.durationMs / 1000),
    p50_ms: msOf(histogramPercentile(w.load.latency, 50)),
    p99_ms: msOf(histogramPercentile(w.load.latency, 99)),
    started_at_ms: w.startedAtWallMs,
    marks: w.marks,
    timeline_bucket_ms: w.load.bucketMs,
    timeline: w.load.timeline,
    ...(w.phases ? { phases: w.phases } : {}),
    ...(w.failure ? { failure: w.failure } : {}),
  };
}

const msOf = (us: number | undefined) => (us === undefined ? null : round(us / 1000));

const spreadJson = (s: Spread) => ({ median: s.median ?? null, max: s.max ?? null, never: s.missing, each: s.each });

function methodJson(m: MethodSummary) {
  return {
    method: m.method,
    label: m.label,
    deploys: m.deploys,
    failed_deploys: m.failedDeploys,
    requests: m.requests,
    failed: m.failed,
    non_2xx: m.non2xx,
    non_2xx_by_status: m.non2xxByStatus,
    connection_errors: m.connectionErrors,
    p50_ms: m.p50Ms ?? null,
    p99_ms: m.p99Ms ?? null,
    first_new_release_s: spreadJson(m.firstNewS),
    command_return_s: spreadJson(m.returnS),
  };
}

function overheadJson(o: CliOverhead) {
  return {
    against_compose_ps: {
      compose_project: o.project,
      runs: o.composePs.runs,
      compose_ps_median_ms: o.composePs.medianMs,
      compose_ps_each_ms: o.composePs.eachMs,
      commands: o.cli.map((c) => ({ command: c.command, median_ms: c.medianMs, ratio: round(c.ratio), each_ms: c.eachMs })),
    },
    scale_up: {
      by: o.scaleUp.by,
      exit_code: o.scaleUp.exitCode,
      command_ms: o.scaleUp.commandMs,
      new_containers_healthy_ms: o.scaleUp.healthyMs ?? null,
      ratio: o.scaleUp.ratio === undefined ? null : round(o.scaleUp.ratio),
    },
    scale_down: { by: o.scaleUp.by, exit_code: o.scaleDown.exitCode, command_ms: o.scaleDown.commandMs },
  };
}
