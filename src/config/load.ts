import { usageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { parseScale } from '../plan/scale.js';
import type { Options, StateBackend } from './options.js';
import { findConfigFile, fromEnv, fromYmlFile, mergeLayers, type RawOptions } from './sources.js';

export interface LoadInput {
  cli: RawOptions;
  env: NodeJS.ProcessEnv;
  cwd: string;
  json?: boolean;
  noHealthcheck?: boolean;
}

/** Resolves the options: CLI > BG_* env > bluegreen.yml > defaults, validated. */
export function loadOptions(input: LoadInput): Options {
  const env = fromEnv(input.env);
  const filesSoFar = input.cli.files?.length ? input.cli.files : env.files;
  const ymlPath = findConfigFile(input.cwd, filesSoFar);
  const yml = ymlPath ? fromYmlFile(ymlPath) : {};
  const raw = mergeLayers(input.cli, env, yml, defaults(input.env));
  return validate(raw, input);
}

function defaults(env: NodeJS.ProcessEnv): RawOptions {
  return {
    entrypoint: 'web',
    network: 'traefik_webgateway',
    traefikApi: `http://127.0.0.1:${env.BG_API_PORT || '8080'}`,
    traefikUrl: `http://127.0.0.1:${env.BG_HTTP_PORT || '80'}`,
    state: 'file',
    consulAddress: 'http://127.0.0.1:8500',
    timeout: '120s',
    drain: '10s',
    waitLock: '0s',
  };
}

function validate(raw: RawOptions, input: LoadInput): Options {
  return {
    files: raw.files ?? [],
    cwd: input.cwd,
    project: raw.project === undefined ? undefined : projectName(raw.project),
    target: raw.target,
    sideTargets: raw.sideTargets ?? [],
    rule: raw.rule,
    servicePaths: (raw.servicePaths ?? []).map(servicePath),
    port: raw.port === undefined ? undefined : port(raw.port),
    entrypoint: raw.entrypoint!,
    network: raw.network!,
    traefikApi: url(raw.traefikApi!, '--traefik-api'),
    traefikUrl: url(raw.traefikUrl!, '--traefik-url'),
    state: stateBackend(raw.state!),
    consulAddress: raw.consulAddress!,
    consulToken: raw.consulToken,
    timeoutMs: positiveDuration(raw.timeout!, '--timeout'),
    drainMs: parseDuration(raw.drain!, '--drain'),
    scale: raw.scale === undefined ? undefined : parseScale(raw.scale),
    json: input.json ?? false,
    noHealthcheck: input.noHealthcheck ?? false,
    waitLockMs: parseDuration(raw.waitLock!, '--wait-lock'),
  };
}

function projectName(value: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(value)) {
    throw usageError(`--project: "${value}" is not a valid project name`, 'use lowercase letters, digits, "-" and "_", starting with a letter or digit');
  }
  return value;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw usageError(`--port: "${value}" is not a port`, 'give the port the target listens on inside its container, 1-65535');
  return n;
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

function stateBackend(value: string): StateBackend {
  if (value !== 'file' && value !== 'consul') throw usageError(`--state: "${value}" is not a state store`, 'use file (the default) or consul');
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
