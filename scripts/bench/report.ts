import type { BenchOptions } from './options.js';
import { medianPhases, phasesTable } from './phases.js';
import { histogramPercentile, round } from './stats.js';
import { connectionErrors, summarizeMethod, summaryLine } from './summarize.js';
import { METHOD_TABLE_LEGEND, methodTable, overheadTable } from './table.js';
import type { CliOverhead, DeployWindow, MethodId, MethodSummary, Spread } from './types.js';

export const WINDOW_DEFINITION =
  'load from lead_ms before the command starts until tail_ms after the later of its return and the first response from the new release';

/** Everything the run measured, as printed (table, summary) and as data (the JSON file). */
export function buildReport(input: {
  options: BenchOptions;
  methods: MethodId[];
  windows: DeployWindow[];
  overhead?: CliOverhead;
  machine: Record<string, unknown>;
  startedAt: Date;
  finishedAt: Date;
}) {
  const methods = input.methods.map((id) => summarizeMethod(id, input.windows));
  const phases = input.windows.flatMap((w) => (w.phases && w.exitCode === 0 ? [w.phases] : []));
  const bluegreenSteps = phases.length ? medianPhases(phases) : undefined;
  const table = [
    methodTable(methods),
    METHOD_TABLE_LEGEND,
    ...(input.overhead ? ['', overheadTable(input.overhead)] : []),
    ...(bluegreenSteps ? ['', phasesTable(bluegreenSteps)] : []),
  ].join('\n');
  const summary = summaryLine(methods, input.overhead);
  const { options } = input;
  return {
    profile: options.profile,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    duration_s: round((input.finishedAt.getTime() - input.startedAt.getTime()) / 1000, 1),
    machine: input.machine,
    settings: {
      rounds: options.rounds,
      order: input.methods,
      load: { tool: 'wrk', clients: options.clients, think_ms: options.thinkMs, keep_alive: true, path: '/' },
      window: { definition: WINDOW_DEFINITION, lead_ms: options.leadMs, tail_ms: options.tailMs, settle_max_ms: options.settleMs },
      counted: {
        non_2xx: 'responses with status >= 400 (wrk status errors; nothing here answers 1xx or 3xx)',
        connection_errors: 'wrk connect, read, write and timeout (10 s) errors: requests with no response',
        latency: "wrk's latency histogram of the window (with wrk's coordinated-omission correction), percentiles over all windows of a method",
        first_new_release_s: 'from the command start to the first response naming the new release, seen by a probe asking every 20 ms',
      },
    },
    methods: methods.map(methodJson),
    deploys: input.windows.map((w) => ({
      method: w.method,
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
      ...(w.phases ? { phases: w.phases } : {}),
      ...(w.failure ? { failure: w.failure } : {}),
    })),
    cli_overhead: input.overhead ? overheadJson(input.overhead) : null,
    bluegreen_steps_median: bluegreenSteps ?? null,
    table,
    summary,
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
    status_vs_compose_ps: {
      compose_project: o.project,
      runs: o.status.runs,
      bluegreen_status_median_ms: o.status.medianMs,
      compose_ps_median_ms: o.composePs.medianMs,
      ratio: round(o.ratio),
      bluegreen_status_each_ms: o.status.eachMs,
      compose_ps_each_ms: o.composePs.eachMs,
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
