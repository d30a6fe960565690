import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
// zod's mini build: the same checks at a fraction of the classic build's
// load time (every command reads its settings).
import * as z from 'zod/mini';
import english from 'zod/v4/locales/en.js';
import { usageError } from '../errors.js';
import { OPTIONS, type OptionSpec, type RawOptions } from './registry.js';
import { HOOK_NAMES, hooksSchema, parseHooks, type Hooks } from './hooks.js';

export type { RawOptions } from './registry.js';

const isList = (spec: Pick<OptionSpec, 'kind'>) => spec.kind === 'list' || spec.kind === 'paths';

/** A variable's text as the option's layer value: lists comma separated, '' as unset. */
export function envValue(spec: Pick<OptionSpec, 'kind'>, text: string | undefined): string | string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return isList(spec)
    ? text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : text;
}

/** BG_* variables (lists comma separated) and Consul's own variables. */
export function fromEnv(env: NodeJS.ProcessEnv): RawOptions {
  const layer: Record<string, unknown> = {};
  for (const spec of OPTIONS as readonly OptionSpec[]) if (spec.env) layer[spec.key] = envValue(spec, env[spec.env]);
  return layer as RawOptions;
}

// The mini build carries no messages of its own: English ones, as the classic build's.
z.config(english());

const scalar = z.pipe(z.union([z.string(), z.number()]), z.transform(String));
export const stringList = z.union([
  z.pipe(
    z.string(),
    z.transform((s: string) => [s]),
  ),
  z.array(z.string()),
]);

/** The zod type of an option's value in a settings file. */
export function ymlType(spec: OptionSpec): z.ZodMiniType<string | string[]> {
  if (isList(spec)) return stringList;
  if (spec.kind === 'flag') return z.pipe(z.union([z.boolean(), z.string()]), z.transform(String));
  return spec.numeric ? scalar : z.string();
}

/** A yml value as the option's layer value: paths relative to the file they are written in. */
export function ymlValue(spec: OptionSpec, value: string | string[] | undefined, file: string): string | string[] | undefined {
  if (value === undefined) return undefined;
  if (spec.kind === 'path') return resolve(dirname(file), value as string);
  if (spec.kind === 'paths') return (value as string[]).map((item) => resolve(dirname(file), item));
  return value;
}

const ymlSpecs = (OPTIONS as readonly OptionSpec[]).filter((spec) => spec.yml);
const ymlSchema = z.partial(z.strictObject({ ...Object.fromEntries(ymlSpecs.map((spec) => [spec.yml!, ymlType(spec)])), hooks: hooksSchema }));
/** Every key bluegreen.yml may hold. */
const YML_KEYS = [...ymlSpecs.map((spec) => spec.yml), 'hooks'];

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

/** bluegreen.yml's options, and its hooks (which only the file sets). */
export function fromYmlFile(path: string): RawOptions & { hooks?: Hooks } {
  const parsed = ymlSchema.safeParse(readYamlDocument(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    const what = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue.message;
    throw usageError(`${path}: ${key}: ${what}`, issue.path[0] === 'hooks' ? `hooks: ${HOOK_NAMES.join(', ')}, each a command or {run, timeout}` : `known keys: ${YML_KEYS.join(', ')}`);
  }
  const yml = parsed.data as Record<string, string | string[] | undefined>;
  const options = Object.fromEntries(ymlSpecs.map((spec) => [spec.key, ymlValue(spec, yml[spec.yml!], path)])) as RawOptions;
  return parsed.data.hooks ? { ...options, hooks: parseHooks(parsed.data.hooks) } : options;
}

/** Layers in precedence order: the first that sets a value wins. Keys no option declares are dropped. */
export function mergeLayers(...layers: RawOptions[]): RawOptions {
  const merged: Record<string, unknown> = {};
  const known = new Set<string>(OPTIONS.map((spec) => spec.key));
  for (const layer of [...layers].reverse()) {
    for (const [key, value] of Object.entries(layer)) {
      if (!known.has(key)) continue;
      const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
      if (!empty) merged[key] = value;
    }
  }
  return merged as RawOptions;
}
