import type { Context } from '../core/context.js';
import { chooseTarget } from '../core/target.js';
import { diagnose, exposedByDefaultFrom, throttleOf, type Finding } from '../plan/doctor.js';
import { portOf } from '../runtime/http-get.js';

export interface Diagnosis {
  target: string;
  findings: Finding[];
}

/**
 * `doctor`: reads the compose file(s), the engine and Traefik, and names
 * each thing that will break (error) or weaken (warning) a zero-downtime
 * deploy, with its fix (plan/doctor.ts). Changes nothing.
 */
export async function doctor(ctx: Context): Promise<Diagnosis> {
  const config = await ctx.userConfig();
  const target = chooseTarget(config, ctx.options.target, ctx.options.sideTargets, ctx.options.companions);
  const image = config.services[target]?.image;
  const imageId = image ? await ctx.docker.imageId(image) : undefined;
  const [imageHasHealthcheck, imageCommand, traefik, exposedByDefault, processes] = await Promise.all([
    imageId ? ctx.docker.imageHasHealthcheck(imageId) : undefined,
    imageId ? ctx.docker.imageCommand(imageId) : undefined,
    ctx.traefik.version().then(
      async () => ({ reachable: true as const, metrics: (await ctx.traefik.metrics()) !== undefined }),
      (error: Error) => ({ reachable: false as const, error: error.message }),
    ),
    exposedByDefaultSeen(ctx).catch(() => undefined),
    ctx.docker.traefikProcesses().catch(() => []),
  ]);
  const throttle = throttleOf(processes, portOf(new URL(ctx.options.traefikApi)));
  return { target, findings: diagnose(config, { target, imageHasHealthcheck, imageCommand, traefik, exposedByDefault, throttle }) };
}

/** Whether Traefik routes the engine's containers that ask nothing (plan/doctor.ts exposedByDefaultFrom). */
async function exposedByDefaultSeen(ctx: Context) {
  const [running, routers] = await Promise.all([ctx.docker.runningLabels({}), ctx.traefik.routers()]);
  const unlabelled = running
    .filter((labels) => labels['traefik.enable'] === undefined)
    .map((labels) => ({ service: labels['com.docker.compose.service'], project: labels['com.docker.compose.project'] }));
  return exposedByDefaultFrom(
    unlabelled,
    routers.map((r) => r.name),
  );
}

/** The findings as lines: errors first, each with its fix. */
export function formatDiagnosis({ target, findings }: Diagnosis): string {
  if (findings.length === 0) return `${target}: nothing found that would break a zero-downtime deploy`;
  const ordered = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const errors = findings.filter((f) => f.severity === 'error').length;
  return [
    ...ordered.map((f) => `${f.severity}: ${f.message}\n  fix: ${f.fix}`),
    `${target}: ${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'}`,
  ].join('\n');
}
