import { type Command, Option } from 'commander';
import { OPTIONS, optionsOf, sourcesOf, type CommandName, type OptionSpec, type RawOptions } from '../config/registry.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Commander's attribute for a flag: '-T, --side-target <service>' -> sideTarget. */
export const attributeOf = (flag: string) => /--([a-z-]+)/.exec(flag)![1]!.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Commands that read the user's compose files and freeze a release: they take --no-healthcheck. */
const RELEASING: readonly CommandName[] = ['up', 'deploy', 'flow'];

/** The options that apply to `name` (registry.ts), so that they work after the command name and --help lists only those. */
export function withOptionsOf(command: Command, name: CommandName): Command {
  for (const spec of optionsOf(name)) {
    if (!spec.flag) continue;
    const help = `${spec.help} (${sourcesOf(spec)})`.replace(' ()', '');
    if (spec.kind === 'list' || spec.kind === 'paths') command.option(spec.flag, help, collect);
    else command.option(spec.flag, help);
  }
  if (RELEASING.includes(name)) command.addOption(new Option('--no-healthcheck', 'accept a target without a healthcheck (routing may start before it listens)'));
  return command.option('--json', 'NDJSON events on stdout, human text on stderr');
}

/** Commander's parsed flags, as the CLI layer of the configuration. */
export function cliLayer(flags: Record<string, unknown>): RawOptions {
  const layer: Record<string, unknown> = {};
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    if (!spec.flag) continue;
    const value = flags[attributeOf(spec.flag)];
    layer[spec.key] = spec.kind === 'flag' ? (value === true ? 'true' : undefined) : value;
  }
  return layer as RawOptions;
}
