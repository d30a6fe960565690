import { parseCanarySteps } from '../plan/canary.js';
import { readFileSync } from 'node:fs';
import { parsePullOption } from '../plan/pull.js';
import { resolve } from 'node:path';
import { usageError } from '../errors.js';
import { parseStatuses } from '../plan/probe.js';
import { parseDuration } from '../plan/duration.js';
import { parseScale } from '../plan/scale.js';
import type { Options, StateBackend } from './options.js';
import { findConfigFile, fromEnv, fromYmlFile, mergeLayers, type RawOptions } from './sources.js';
import { OPTIONS, type OptionSpec } from './registry.js';
import { findDockerFlowFile, fromDockerFlowYml, fromFlowEnv, type FlowLayer } from './docker-flow.js';

export interface LoadInput {
  cli: RawOptions;
  env: NodeJS.ProcessEnv;
  cwd: string;
  json?: boolean;
  noHealthcheck?: boolean;
  /** --flow steps given on the command line (Docker Flow's flow command). */
  cliFlow?: string[];
}

/**
 * Resolves the options: CLI > BG_* env > bluegreen.yml > FLOW_* env >
 * docker-flow.yml > defaults, validated. Docker Flow's layers are a fallback.
 */
export function loadOptions(input: LoadInput): Options {
  const env = fromEnv(input.env);
  const flowEnv = fromFlowEnv(input.env);
  const filesSoFar = [input.cli.files, env.files, flowEnv.files].find((f) => f?.length);
  const ymlPath = findConfigFile(input.cwd, filesSoFar);
  const yml = ymlPath ? fromYmlFile(ymlPath) : {};
  const flowPath = findDockerFlowFile(input.cwd, filesSoFar ?? yml.files);
  const flowYml: FlowLayer = flowPath ? fromDockerFlowYml(flowPath) : {};
  const raw = mergeLayers(input.cli, env, yml, flowEnv, flowYml, defaults(input.env));
  const flow = input.cliFlow?.length ? input.cliFlow : (flowEnv.flow ?? flowYml.flow);
  const blueGreen = flowEnv.blueGreen ?? flowYml.blueGreen;
  if (blueGreen === false) {
    throw usageError('blue_green: false asks to recreate the target in place, which drops requests', 'bluegreen always deploys blue-green: remove blue_green (or FLOW_BLUE_GREEN)');
  }
  return { ...validate(raw, input), flow: flow ?? ['deploy'], hooks: yml.hooks ?? {} };
}

/** The declared defaults (registry.ts), as the lowest layer. */
function defaults(env: NodeJS.ProcessEnv): RawOptions {
  return Object.fromEntries((OPTIONS as readonly OptionSpec[]).flatMap((spec) => (spec.default ? [[spec.key, spec.default(env)]] : []))) as RawOptions;
}

function validate(raw: RawOptions, input: LoadInput): Omit<Options, 'flow' | 'hooks'> {
  const replicas = traefikReplicas(raw.traefikApi!, raw.traefikMetrics);
  return {
    files: raw.files ?? [],
    cwd: input.cwd,
    project: raw.project === undefined ? undefined : projectName(raw.project),
    target: raw.target?.[0],
    companions: raw.target?.slice(1) ?? [],
    sideTargets: raw.sideTargets ?? [],
    rule: raw.rule,
    servicePaths: (raw.servicePaths ?? []).map(servicePath),
    port: raw.port === undefined ? undefined : port(raw.port),
    entrypoint: raw.entrypoint!,
    network: raw.network!,
    traefikApi: replicas[0]!.api,
    traefikUrl: url(raw.traefikUrl!, '--traefik-url'),
    traefikInsecure: bool(raw.traefikInsecure!, '--traefik-insecure'),
    colourHeader: oneOf(raw.colourHeader!, '--colour-header', ['all', 'preview'] as const),
    traefikCa: raw.traefikCa === undefined ? undefined : caFile(resolve(input.cwd, raw.traefikCa)),
    traefikMetrics: replicas[0]!.metrics,
    traefikReplicas: replicas,
    probe: {
      path: raw.probePath === undefined ? undefined : probePath(raw.probePath),
      host: raw.probeHost,
      statuses: parseStatuses(raw.probeStatus!),
    },
    state: raw.state === undefined ? undefined : stateBackend(raw.state),
    stateDir: raw.stateDir === undefined ? undefined : resolve(input.cwd, raw.stateDir),
    consulAddress: raw.consulAddress!,
    consulToken: raw.consulToken,
    timeoutMs: positiveDuration(raw.timeout!, '--timeout'),
    drainMs: parseDuration(raw.drain!, '--drain'),
    scale: raw.scale === undefined ? undefined : parseScale(raw.scale),
    pull: raw.pull === undefined ? undefined : parsePullOption(raw.pull),
    json: input.json ?? false,
    noHealthcheck: input.noHealthcheck ?? false,
    waitLockMs: parseDuration(raw.waitLock!, '--wait-lock'),
    canary: raw.canary === undefined || raw.canary.trim() === '' ? [] : parseCanarySteps(raw.canary),
    maintenance: {
      page: raw.maintenancePage === undefined ? undefined : resolve(input.cwd, raw.maintenancePage),
      allow: raw.maintenanceAllow ?? [],
      retryAfterSeconds: Math.max(1, Math.round(parseDuration(raw.retryAfter!, '--retry-after') / 1000)),
    },
    bake: {
      ms: parseDuration(raw.bake!, '--bake'),
      maxErrorRate: percent(raw.maxErrorRate!, '--max-error-rate'),
      minRequests: count(raw.bakeMinRequests!, '--bake-min-requests'),
      maxLatencyRatio: ratio(raw.maxLatencyRatio!, '--max-latency-ratio'),
    },
  };
}

function projectName(value: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(value)) {
    throw usageError(`--project: "${value}" is not a valid project name`, 'use lowercase letters, digits, "-" and "_", starting with a letter or digit');
  }
  return value;
}

function port(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw usageError(`--port: "${value}" is not a port`, 'give the port the target listens on inside its container, 1-65535');
  return n;
}

/**
 * --traefik-api names every Traefik instance that routes the app, comma
 * separated (swarm: one per manager); --traefik-metrics, when given, one
 * metrics address for each, in the same order.
 */
function traefikReplicas(apiText: string, metricsText: string | undefined): { api: string; metrics: string }[] {
  const list = (text: string, option: string) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => url(part, option));
  const apis = list(apiText, '--traefik-api');
  if (apis.length === 0) throw usageError('--traefik-api: no URL given', 'e.g. http://127.0.0.1:8080');
  const metrics = metricsText === undefined ? apis.map((api) => `${api}/metrics`) : list(metricsText, '--traefik-metrics');
  if (metrics.length !== apis.length) {
    throw usageError(
      `--traefik-metrics names ${metrics.length} address${metrics.length === 1 ? '' : 'es'} for ${apis.length} Traefik APIs`,
      'give one metrics address per --traefik-api URL, in the same order, or leave it out (each API URL + /metrics)',
    );
  }
  return apis.map((api, i) => ({ api, metrics: metrics[i]! }));
}

function url(value: string, option: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    return value.replace(/\/+$/, '');
  } catch {
    throw usageError(`${option}: "${value}" is not an http(s) URL`, 'e.g. http://127.0.0.1:8080');
  }
}

function bool(value: string, option: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value.trim())) return true;
  if (/^(0|false|no|off)$/i.test(value.trim())) return false;
  throw usageError(`${option}: "${value}" is not true or false`, 'use true or false');
}

function caFile(path: string): { file: string; pem: string } {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`--traefik-ca: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`, 'give the path of a PEM file with the CA certificate');
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw usageError(`--traefik-ca: ${path} holds no PEM certificate`, 'give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)');
  return { file: path, pem };
}

function probePath(value: string): string {
  if (!value.startsWith('/')) throw usageError(`--probe-path: "${value}" must start with /`, 'e.g. --probe-path /health');
  return value;
}

function stateBackend(value: string): StateBackend {
  if (value !== 'file' && value !== 'consul' && value !== 'engine') throw usageError(`--state: "${value}" is not a state store`, 'use file, engine or consul');
  return value;
}

function servicePath(value: string): string {
  if (!value.startsWith('/')) throw usageError(`--service-path: "${value}" must start with /`, 'e.g. --service-path /api');
  return value;
}

function positiveDuration(value: string, option: string): number {
  const ms = parseDuration(value, option);
  if (ms <= 0) throw usageError(`${option}: must be more than 0`, 'e.g. 120s');
  return ms;
}

/** A multiple such as "2" or "1.5x"; "off" (or 0) for none. */
function ratio(value: string, option: string): number {
  const text = value.trim().toLowerCase().replace(/x$/, '');
  if (text === 'off' || text === '0') return 0;
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 1) throw usageError(`${option}: "${value}" is not a ratio of 1 or more`, "e.g. 2 (twice the old colour's mean answer time), or off");
  return n;
}

/** A share given in percent ("1%", "0.5", "25%"), as a fraction. */
function percent(value: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(value.trim());
  const share = match ? Number(match[1]) / 100 : NaN;
  if (!(share >= 0 && share <= 1)) throw usageError(`${option}: "${value}" is not a percentage from 0 to 100`, 'e.g. 1% or 0.5%');
  return share;
}

function count(value: string, option: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw usageError(`${option}: "${value}" is not a count of 1 or more`, 'e.g. 20');
  return Number(value);
}

function oneOf<T extends string>(value: string, option: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usageError(`${option}: "${value}" is not one of ${allowed.join(', ')}`, `use ${allowed.join(' or ')}`);
}
