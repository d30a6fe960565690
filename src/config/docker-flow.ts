import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod/mini';
import { usageError } from '../errors.js';
import { OPTIONS, type OptionSpec } from './registry.js';
import { envValue, readYamlDocument, stringList, ymlType, ymlValue, type RawOptions } from './sources.js';

/**
 * Docker Flow's own settings, read as a fallback below bluegreen's: a
 * docker-flow.yml and FLOW_* variables, with Docker Flow's keys, so that a
 * Docker Flow user's files and CI variables keep working.
 */
export interface FlowLayer extends RawOptions {
  flow?: string[];
  blueGreen?: boolean;
}

const bool = (value: string | undefined) => (value === undefined || value === '' ? undefined : /^(1|true|yes)$/i.test(value));

const flowSpecs = (OPTIONS as readonly OptionSpec[]).filter((spec) => spec.flowEnv || spec.flowYml);
const FLOW_STEPS = { env: 'FLOW', yml: 'flow' };

export function fromFlowEnv(env: NodeJS.ProcessEnv): FlowLayer {
  const layer: Record<string, unknown> = {};
  for (const spec of flowSpecs) if (spec.flowEnv) layer[spec.key] = envValue(spec, env[spec.flowEnv]);
  return { ...(layer as RawOptions), flow: envValue({ kind: 'list' }, env[FLOW_STEPS.env]) as string[] | undefined, blueGreen: bool(env.FLOW_BLUE_GREEN) };
}

// Docker Flow's proxy and host settings have no meaning behind Traefik: they
// are accepted and ignored (loose), so an existing file does not break.
const dockerFlowSchema = z.partial(
  z.looseObject({
    ...Object.fromEntries(flowSpecs.filter((spec) => spec.flowYml).map((spec) => [spec.flowYml!, ymlType(spec)])),
    [FLOW_STEPS.yml]: stringList,
    blue_green: z.boolean(),
  }),
);

export const DOCKER_FLOW_FILE = 'docker-flow.yml';

export function findDockerFlowFile(cwd: string, files: string[] | undefined): string | undefined {
  const candidates = [resolve(cwd, DOCKER_FLOW_FILE)];
  if (files?.[0]) candidates.push(resolve(cwd, dirname(files[0]), DOCKER_FLOW_FILE));
  return candidates.find((path) => existsSync(path));
}

export function fromDockerFlowYml(path: string): FlowLayer {
  const parsed = dockerFlowSchema.safeParse(readYamlDocument(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw usageError(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, "see Docker Flow's keys in docs/docker-flow.md (in the bluegreen package, or its repository)");
  }
  const flow = parsed.data as Record<string, unknown>;
  const layer = Object.fromEntries(flowSpecs.filter((spec) => spec.flowYml).map((spec) => [spec.key, ymlValue(spec, flow[spec.flowYml!] as string | string[] | undefined, path)]));
  return { ...(layer as RawOptions), flow: flow[FLOW_STEPS.yml] as string[] | undefined, blueGreen: flow.blue_green as boolean | undefined };
}
