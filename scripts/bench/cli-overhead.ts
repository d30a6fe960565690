import Docker from 'dockerode';
import { runTimed, sleep, type Command } from './exec.js';
import type { BluegreenMethod } from './methods/bluegreen.js';
import { median } from './stats.js';
import type { CliOverhead } from './types.js';

const docker = new Docker();

/** The compose project of the colour that serves the app now (bluegreen labels its containers). */
async function liveProject(app: string): Promise<string> {
  const running = await docker.listContainers({ filters: { label: [`io.bluegreen.app=${app}`, 'io.bluegreen.colour', 'com.docker.compose.service=app'] } });
  const projects = [...new Set(running.map((c) => c.Labels['com.docker.compose.project']).filter((p): p is string => !!p))];
  if (projects.length !== 1) throw new Error(`expected one running colour of ${app}, found: ${projects.join(', ') || 'none'}`);
  return projects[0]!;
}

/** Wall times of `runs` runs of each command, in turn, after one run of each that is not counted. */
async function inTurn(commands: Command[], runs: number): Promise<number[][]> {
  const times: number[][] = commands.map(() => []);
  for (let i = -1; i < runs; i++) {
    for (const [which, command] of commands.entries()) {
      const result = await runTimed(command, 60_000);
      if (result.code !== 0) throw new Error(`${command.args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
      if (i >= 0) times[which]!.push(Math.round(result.ms));
    }
  }
  return times;
}

/** Milliseconds from `startedAt` until `count` app containers of `project` that are not in `before` are healthy. */
async function newHealthy(project: string, before: Set<string>, count: number, startedAt: number, until: () => boolean): Promise<number | undefined> {
  while (!until()) {
    const listed = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.service=app'] } });
    const healthy = listed.filter((c) => !before.has(c.Id) && /\(healthy\)/.test(c.Status));
    if (healthy.length >= count) return performance.now() - startedAt;
    await sleep(50);
  }
  return undefined;
}

/** The commands timed against `docker compose ps`: a script's and a person's most frequent. */
const CLI_COMMANDS = [['status'], ['--version'], ['history']];

/** `bluegreen status`, --version and history against `docker compose ps`; `scale +N` against the time its N containers take to be healthy. */
export async function measureCliOverhead(bg: BluegreenMethod, runs: number, scaleBy: number): Promise<CliOverhead> {
  const project = await liveProject(bg.app);
  const composePs: Command = { cmd: 'docker', args: ['compose', '-p', project, 'ps'] };
  const [psMs, ...cliMs] = await inTurn([composePs, ...CLI_COMMANDS.map((args) => bg.cli(args))], runs);
  const ps = { runs, medianMs: median(psMs!)!, eachMs: psMs! };
  const cli = CLI_COMMANDS.map((args, i) => ({ command: `bluegreen ${args.join(' ')}`, runs, medianMs: median(cliMs[i]!)!, eachMs: cliMs[i]! }));

  const before = new Set((await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })).map((c) => c.Id));
  const startedAt = performance.now();
  let deadline = Infinity;
  const scaling = runTimed(bg.cli(['scale', `+${scaleBy}`]), 180_000).then((result) => ((deadline = performance.now() + 10_000), result));
  const healthyMs = await newHealthy(project, before, scaleBy, startedAt, () => performance.now() > deadline);
  const up = await scaling;
  const down = await runTimed(bg.cli(['scale', `-${scaleBy}`]), 180_000);
  return {
    project,
    cli: cli.map((c) => ({ ...c, ratio: c.medianMs / ps.medianMs })),
    composePs: ps,
    scaleUp: {
      by: scaleBy,
      exitCode: up.code,
      commandMs: Math.round(up.ms),
      healthyMs: healthyMs === undefined ? undefined : Math.round(healthyMs),
      ratio: healthyMs === undefined ? undefined : up.ms / healthyMs,
    },
    scaleDown: { exitCode: down.code, commandMs: Math.round(down.ms) },
  };
}
