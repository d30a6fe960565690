import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { usageError } from '../errors.js';

/** One layer of settings before validation: strings as users typed them. */
export interface RawOptions {
  files?: string[];
  project?: string;
  target?: string;
  sideTargets?: string[];
  rule?: string;
  servicePaths?: string[];
  port?: string;
  entrypoint?: string;
  network?: string;
  traefikApi?: string;
  traefikUrl?: string;
  state?: string;
  stateDir?: string;
  consulAddress?: string;
  consulToken?: string;
  timeout?: string;
  drain?: string;
  scale?: string;
  pull?: string;
  waitLock?: string;
  traefikInsecure?: string;
  traefikCa?: string;
  traefikMetrics?: string;
  probePath?: string;
  probeHost?: string;
  probeStatus?: string;
}

const list = (value: string | undefined) =>
  value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);

/** BG_* variables (lists comma separated) and Consul's own variables. */
export function fromEnv(env: NodeJS.ProcessEnv): RawOptions {
  return {
    files: list(env.BG_FILES),
    project: env.BG_PROJECT,
    target: env.BG_TARGET,
    sideTargets: list(env.BG_SIDE_TARGETS),
    rule: env.BG_RULE,
    servicePaths: list(env.BG_SERVICE_PATH),
    port: env.BG_PORT,
    entrypoint: env.BG_ENTRYPOINT,
    network: env.BG_NETWORK,
    traefikApi: env.BG_TRAEFIK_API,
    traefikUrl: env.BG_TRAEFIK_URL,
    state: env.BG_STATE,
    stateDir: env.BG_STATE_DIR,
    consulAddress: env.CONSUL_HTTP_ADDR,
    consulToken: env.CONSUL_HTTP_TOKEN,
    timeout: env.BG_TIMEOUT,
    drain: env.BG_DRAIN,
    scale: env.BG_SCALE,
    pull: env.BG_PULL,
    waitLock: env.BG_WAIT_LOCK,
    traefikInsecure: env.BG_TRAEFIK_INSECURE,
    traefikCa: env.BG_TRAEFIK_CA,
    traefikMetrics: env.BG_TRAEFIK_METRICS,
    probePath: env.BG_PROBE_PATH,
    probeHost: env.BG_PROBE_HOST,
    probeStatus: env.BG_PROBE_STATUS,
  };
}

const scalar = z.union([z.string(), z.number()]).transform(String);
const stringList = z.union([z.string().transform((s) => [s]), z.array(z.string())]);

const ymlSchema = z
  .object({
    files: stringList,
    project: z.string(),
    target: z.string(),
    side_targets: stringList,
    rule: z.string(),
    service_path: stringList,
    port: scalar,
    entrypoint: z.string(),
    network: z.string(),
    traefik_api: z.string(),
    traefik_url: z.string(),
    state: z.string(),
    state_dir: z.string(),
    consul_address: z.string(),
    timeout: scalar,
    drain: scalar,
    scale: scalar,
    pull: z.string(),
    wait_lock: scalar,
    traefik_insecure: z.union([z.boolean(), z.string()]).transform(String),
    traefik_ca: z.string(),
    traefik_metrics: z.string(),
    probe_path: z.string(),
    probe_host: z.string(),
    probe_status: scalar,
  })
  .partial()
  .strict();

export const CONFIG_FILE = 'bluegreen.yml';

/** Where bluegreen.yml is looked for: the working directory, then beside the first compose file. */
export function findConfigFile(cwd: string, files: string[] | undefined): string | undefined {
  const candidates = [resolve(cwd, CONFIG_FILE)];
  if (files?.[0]) candidates.push(resolve(cwd, dirname(files[0]), CONFIG_FILE));
  return candidates.find((path) => existsSync(path));
}

/** A settings file's YAML document; exit 2 naming the file when it does not parse. */
export function readYamlDocument(path: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    throw usageError(`${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`, 'fix the file or remove it');
  }
}

export function fromYmlFile(path: string): RawOptions {
  const parsed = ymlSchema.safeParse(readYamlDocument(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    const what = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue.message;
    throw usageError(`${path}: ${key}: ${what}`, `known keys: ${Object.keys(ymlSchema.shape).join(', ')}`);
  }
  const yml = parsed.data;
  return {
    files: yml.files?.map((file) => resolve(dirname(path), file)),
    project: yml.project,
    target: yml.target,
    sideTargets: yml.side_targets,
    rule: yml.rule,
    servicePaths: yml.service_path,
    port: yml.port,
    entrypoint: yml.entrypoint,
    network: yml.network,
    traefikApi: yml.traefik_api,
    traefikUrl: yml.traefik_url,
    state: yml.state,
    stateDir: yml.state_dir === undefined ? undefined : resolve(dirname(path), yml.state_dir),
    consulAddress: yml.consul_address,
    timeout: yml.timeout,
    drain: yml.drain,
    scale: yml.scale,
    pull: yml.pull,
    waitLock: yml.wait_lock,
    traefikInsecure: yml.traefik_insecure,
    traefikCa: yml.traefik_ca === undefined ? undefined : resolve(dirname(path), yml.traefik_ca),
    traefikMetrics: yml.traefik_metrics,
    probePath: yml.probe_path,
    probeHost: yml.probe_host,
    probeStatus: yml.probe_status,
  };
}

/** Layers in precedence order: the first that sets a value wins. */
export function mergeLayers(...layers: RawOptions[]): RawOptions {
  const merged: RawOptions = {};
  const known = new Set<string>(['files', 'project', 'target', 'sideTargets', 'rule', 'servicePaths', 'port', 'entrypoint', 'network', 'traefikApi', 'traefikUrl', 'state', 'stateDir', 'consulAddress', 'consulToken', 'timeout', 'drain', 'scale', 'pull', 'waitLock', 'traefikInsecure', 'traefikCa', 'traefikMetrics', 'probePath', 'probeHost', 'probeStatus']);
  for (const layer of [...layers].reverse()) {
    for (const [key, value] of Object.entries(layer) as [keyof RawOptions, unknown][]) {
      if (!known.has(key)) continue;
      const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
      if (!empty) (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}
