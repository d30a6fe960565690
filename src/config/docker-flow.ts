import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { usageError } from '../errors.js';
import { readYamlDocument, type RawOptions } from './sources.js';

/**
 * Docker Flow's own settings, read as a fallback below bluegreen's: a
 * docker-flow.yml and FLOW_* variables, with Docker Flow's keys, so that a
 * Docker Flow user's files and CI variables keep working.
 */
export interface FlowLayer extends RawOptions {
  flow?: string[];
  blueGreen?: boolean;
}

const list = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);

const bool = (value: string | undefined) => (value === undefined || value === '' ? undefined : /^(1|true|yes)$/i.test(value));

export function fromFlowEnv(env: NodeJS.ProcessEnv): FlowLayer {
  return {
    target: env.FLOW_TARGET,
    sideTargets: list(env.FLOW_SIDE_TARGETS),
    servicePaths: list(env.FLOW_SERVICE_PATH),
    scale: env.FLOW_SCALE,
    files: list(env.FLOW_COMPOSE_PATH),
    project: env.FLOW_PROJECT,
    consulAddress: env.FLOW_CONSUL_ADDRESS,
    flow: list(env.FLOW),
    blueGreen: bool(env.FLOW_BLUE_GREEN),
  };
}

const stringList = z.union([z.string().transform((s) => [s]), z.array(z.string())]);

// Docker Flow's proxy and host settings have no meaning behind Traefik: they
// are accepted and ignored (loose), so an existing file does not break.
const dockerFlowSchema = z
  .object({
    target: z.string(),
    side_targets: stringList,
    service_path: stringList,
    scale: z.union([z.string(), z.number()]).transform(String),
    compose_path: z.string(),
    project: z.string(),
    flow: stringList,
    blue_green: z.boolean(),
    consul_address: z.string(),
  })
  .partial()
  .loose();

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
    throw usageError(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, 'see Docker Flow\'s keys in the README');
  }
  const flow = parsed.data;
  return {
    target: flow.target,
    sideTargets: flow.side_targets,
    servicePaths: flow.service_path,
    scale: flow.scale,
    files: flow.compose_path ? [resolve(dirname(path), flow.compose_path)] : undefined,
    project: flow.project,
    consulAddress: flow.consul_address,
    flow: flow.flow,
    blueGreen: flow.blue_green,
  };
}
