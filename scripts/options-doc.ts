// docs/options.md, generated from the option registry (src/config/registry.ts)
// and the command tree (src/cli/program.ts), so that the reference cannot
// drift from what the CLI reads: test/unit/options-doc.test.ts fails when
// the file differs from what this prints.
//   node --import tsx scripts/options-doc.ts           print it
//   npm run docs:options                               write docs/options.md
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../src/cli/program.js';
import { COMMANDS, OPTIONS, type OptionSpec } from '../src/config/registry.js';

export const OPTIONS_DOC = fileURLToPath(new URL('../docs/options.md', import.meta.url));

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|');
/** Prose from the registry: `<app>` would be read as an HTML tag. */
const prose = (text: string) => text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
const commandName = (name: string) => (name === 'proxy' ? 'proxy up|down|status' : name);

/**
 * The default as the registry computes it for an empty environment, and the
 * variables it reads (found by asking it with an environment that records
 * what is read): `http://127.0.0.1:8080` from BG_API_PORT.
 */
export function defaultOf(spec: OptionSpec): { text: string; reads: string[] } | undefined {
  if (!spec.default) return undefined;
  const reads: string[] = [];
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get: (_, name) => {
      if (typeof name === 'string') reads.push(name);
      return undefined;
    },
  });
  return { text: spec.default(env), reads: [...new Set(reads)] };
}

const UNSET_NOTES = '[when an option is not set](commands.md#when-an-option-is-not-set)';

function defaultText(spec: OptionSpec): string {
  const given = defaultOf(spec);
  if (!given) return `none (see ${UNSET_NOTES})`;
  const environment = given.reads.length ? ` (from the environment: ${given.reads.map(code).join(', ')}, unset here)` : '';
  return `${code(given.text)}${environment}`;
}

/** How the option's text is written, by its kind (src/config/sources.ts reads it so). */
const WRITTEN: Record<OptionSpec['kind'], string> = {
  string: 'one value',
  list: 'a list: repeat the flag; comma separated in the variable; a string or a list in bluegreen.yml',
  flag: 'a flag: true or false in the variable and in bluegreen.yml',
  path: 'a path (in bluegreen.yml, relative to that file)',
  paths: 'a list of paths: repeat the flag; comma separated in the variable; a string or a list in bluegreen.yml, relative to that file',
};

const flagOf = (spec: OptionSpec) => (spec.flag ? code(spec.flag) : '(environment only)');
const longFlag = (spec: OptionSpec) => /--[a-z-]+/.exec(spec.flag ?? '')?.[0];

function summaryTable(): string[] {
  const rows = (OPTIONS as readonly OptionSpec[]).map((spec) => {
    const given = defaultOf(spec);
    const fallback = given ? code(given.text) + (given.reads.length ? ' (env)' : '') : '-';
    return `| ${cell(flagOf(spec))} | ${spec.env ? code(spec.env) : '-'} | ${spec.yml ? code(spec.yml) : '-'} | ${cell(fallback)} |`;
  });
  return ['| option | environment | bluegreen.yml | declared default |', '| --- | --- | --- | --- |', ...rows];
}

function details(spec: OptionSpec): string[] {
  const flow = [spec.flowEnv && `variable ${code(spec.flowEnv)}`, spec.flowYml && `docker-flow.yml ${code(spec.flowYml)}`].filter(Boolean);
  return [
    `### ${spec.flag ? code(spec.flag) : code(spec.env!)}`,
    '',
    prose(`${spec.help.charAt(0).toUpperCase()}${spec.help.slice(1)}.`),
    '',
    `- environment: ${spec.env ? code(spec.env) : 'none'}; bluegreen.yml: ${spec.yml ? code(spec.yml) : 'none (a secret stays out of files)'}`,
    ...(flow.length ? [`- Docker Flow: ${flow.join(', ')}`] : []),
    `- declared default: ${defaultText(spec)}`,
    `- written as: ${WRITTEN[spec.kind]}`,
    `- commands: ${spec.commands.map(commandName).join(', ')}`,
    '',
  ];
}

/** Flags a command declares itself (src/cli/program.ts), beside the registry's; --json, which every one takes, once. */
function commandFlags(): string[] {
  const registry = new Set((OPTIONS as readonly OptionSpec[]).map(longFlag).filter(Boolean));
  const program = buildProgram();
  const commands = program.commands.flatMap((command) =>
    command.commands.length ? command.commands.map((sub) => ({ name: `${command.name()} ${sub.name()}`, command: sub })) : [{ name: command.name(), command }],
  );
  const json = commands.flatMap(({ command }) => command.options.filter((option) => option.long === '--json'));
  const rows: string[] = [];
  for (const { name, command } of commands) {
    const own = command.options.filter((option) => !option.hidden && option.long && option.long !== '--json' && !registry.has(option.long));
    if (own.length) rows.push(`| ${code(name)} | ${own.map((option) => `${code(option.flags)}: ${cell(prose(option.description))}`).join('<br>')} |`);
  }
  const takingJson = commands.filter(({ command }) => command.options.some((option) => option.long === '--json')).map(({ name }) => code(name));
  return [`${code('--json')}: ${prose(json[0]?.description ?? '')}. Taken by ${takingJson.join(', ')}.`, '', '| command | flag: what it does |', '| --- | --- |', ...rows];
}

export function optionsDoc(): string {
  const lines = [
    '# Options reference',
    '',
    '<!-- Generated by scripts/options-doc.ts from src/config/registry.ts and src/cli/program.ts. Do not edit: run `npm run docs:options`. -->',
    '',
    'Each option is read from the first of these that sets it: the command line,',
    'the environment, `bluegreen.yml` (in the working directory, else beside the',
    "first compose file), Docker Flow's `FLOW_*` variables, `docker-flow.yml`,",
    'then the default below. Lists are comma separated in variables. Durations',
    "are written like compose's: `90s`, `1m30s`, `500ms` (a bare number is",
    'seconds). An unknown key in `bluegreen.yml`, or a bad value anywhere, is',
    'exit 2 with a message that names the option and the value. A command takes',
    'only the options listed for it (`bluegreen <command> --help`); any other',
    'flag is exit 2. The guide says more about some of them:',
    '[commands](commands.md#options-what-the-reference-does-not-say).',
    '',
    `Commands that take options: ${COMMANDS.map((c) => code(commandName(c))).join(', ')}.`,
    '',
    '## Summary',
    '',
    ...summaryTable(),
    '',
    '## Each option',
    '',
    ...(OPTIONS as readonly OptionSpec[]).flatMap(details),
    '## Flags of one command',
    '',
    'Declared by the command itself in `src/cli/program.ts`, not in the registry:',
    'no variable, no `bluegreen.yml` key.',
    '',
    ...commandFlags(),
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = optionsDoc();
  if (process.argv.includes('--write')) {
    writeFileSync(OPTIONS_DOC, text);
    process.stderr.write(`wrote ${OPTIONS_DOC}\n`);
  } else process.stdout.write(text);
}
