import { Command, Option } from 'commander';
import { usageError } from '../errors.js';
import { completionScript, SHELLS, type CompletionCommand, type Shell } from './completion.js';
import type { Options } from '../config/options.js';
import { VERSION } from '../version.js';
import type { CommandName } from '../config/registry.js';
import { cliLayer, withOptionsOf } from './common-options.js';

/** Builds the flags of one command into resolved Options (CLI > env > yml > defaults). */
export async function optionsFrom(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<Options> {
  const { loadOptions } = await import('../config/load.js');
  return loadOptions({ cli: cliLayer(flags), env, cwd, json: Boolean(flags.json), noHealthcheck: flags.healthcheck === false, cliFlow: flags.flow as string[] | undefined });
}

type Actions = typeof import('./actions.js');

/**
 * A command's action, loaded when that command runs (not for --help or
 * --version). `positional` names the option a command's argument fills.
 */
const act =
  (run: (actions: Actions, options: Options, flags: Record<string, any>) => Promise<void>, positional?: string) =>
  async (...args: any[]) => {
    const flags: Record<string, unknown> = { ...(args.at(-2) as Record<string, unknown>) };
    if (positional) flags[positional] = args[0];
    const [options, actions] = await Promise.all([optionsFrom(flags), import('./actions.js')]);
    await run(actions, options, flags);
  };

/** The command tree. Actions are in actions.ts; this file only declares. */
export function buildProgram(invoked?: string): Command {
  const program = new Command('bluegreen')
    .description('Zero-downtime blue-green deployments of docker compose services behind Traefik')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  // The command being run gets its options; the others only their names and
  // descriptions (the top-level help lists no options): building every
  // command's options was a tenth of `bluegreen status`. Without `invoked`
  // (help, completion, tests, the options doc), every command gets them.
  const full = (name: string) => invoked === undefined || invoked === name;
  const command = (name: Exclude<CommandName, 'proxy'>, description: string) => {
    const declared = program.command(name).description(description).exitOverride();
    return full(name) ? withOptionsOf(declared, name).addHelpText('after', helpAfter(name)) : declared;
  };

  command('up', 'start the next release in the colour that is not live, preview route only').action(act((run, options) => run.up(options)));
  command('switch', 'move live traffic to the colour started by up').action(act((run, options) => run.switchCommand(options)));
  command('stop-old', 'drain and stop the colour that is not live (kept for rollback)')
    .option('--remove', 'remove its containers instead of stopping them')
    .action(act((run, options, flags) => run.stopOldCommand(options, Boolean(flags.remove))));
  command('rollback', 'make the previously live release live again')
    .option('--to <release>', 'the release number to bring back')
    .option('--keep-old', 'leave the colour rolled away from running (shadowed)')
    .action(act((run, options, flags) => run.rollbackCommand(options, { to: flags.to, keepOld: Boolean(flags.keepOld) })));
  command('deploy', 'up, switch, then stop-old')
    .option('--keep-old', 'leave the old colour running (shadowed) instead of stopping it')
    .option('--maintenance', 'the maintenance page answers from after up until the new release is live (its pre_switch hook migrates meanwhile)')
    .action(act((run, options, flags) => run.deployCommand(options, Boolean(flags.keepOld), Boolean(flags.maintenance))));
  // `-1` reaches the command as its count through scaleCountAsOperand (cli.ts), not as an option.
  command('scale', 'scale the live colour: N, +N or -N from what runs; `scale api +2` scales another target')
    .argument('<count-or-target>', 'N, +N or -N; or the target to scale, then its count')
    .argument('[count]', 'N, +N or -N, after a target')
    .action(async (first: string, second: string | undefined, ...rest: unknown[]) =>
      act((run, options) => run.scaleCommand(options, second === undefined ? undefined : first), 'scale')(second ?? first, ...rest),
    );
  command('flow', "Docker Flow's steps in the order given: deploy (up), proxy (switch), stop-old, scale")
    .option('-F, --flow <step>', 'a step (repeatable; env FLOW, docker-flow.yml flow; default deploy)', (v: string, p: string[] = []) => [...p, v])
    .option('-b, --blue-green', "Docker Flow's flag; bluegreen always deploys blue-green")
    .action(act((run, options) => run.flowCommand(options)));
  command('status', 'each colour, its containers and what Traefik routes').action(act((run, options) => run.statusCommand(options)));
  command('doctor', 'name what in the compose file, the engine or Traefik would break a zero-downtime deploy, with the fix').action(act((run, options) => run.doctorCommand(options)));
  command('maintenance', 'on: answer every request to the live routes 503 with a page (but --allow); off: let them reach the app again')
    .argument('<action>', 'on or off')
    .action(async (action: string, ...rest: unknown[]) => act((run, options) => run.maintenanceCommand(options, action))(action, ...rest));
  command('canary', 'send a share of live requests to the candidate up started (judged for --bake, taken out at a breach); `canary off` takes it out')
    .argument('<share>', 'the share, e.g. 10%; or off')
    .action(async (share: string, ...rest: unknown[]) => act((run, options) => run.canaryCommand(options, share))(share, ...rest));
  command('history', 'releases and operations, oldest first').action(act((run, options) => run.historyCommand(options)));
  command('down', 'remove both colours and the side targets')
    .option('--volumes', 'remove the named volumes too')
    .action(act((run, options, flags) => run.downCommand(options, Boolean(flags.volumes))));
  command('unlock', "break the app's lock (when its holder is gone)").action(act((run, options) => run.unlockCommand(options)));

  const proxy = program.command('proxy').description("a Traefik of bluegreen's own, for hosts that have none (the compose file shipped in the package's traefik/)").exitOverride();
  for (const action of ['up', 'down', 'status'] as const) {
    withOptionsOf(proxy.command(action).description(`${action} Traefik`).exitOverride(), 'proxy').action(act((run, options) => run.proxyCommand(options, action)));
  }
  program
    .command('plugin')
    .description("`plugin install`: link `docker bg` to this bluegreen (in the docker CLI's cli-plugins)")
    .argument('<action>', 'install')
    .exitOverride()
    .action(async (action: string) => {
      if (action !== 'install') throw usageError(`plugin: "${action}" is not an action`, 'use `bluegreen plugin install`');
      const { installPlugin } = await import('../commands/plugin.js');
      process.stdout.write(`${installPlugin()}\n`);
    });
  program
    .command('completion')
    .description('print a shell completion script: eval "$(bluegreen completion bash)", zsh alike, or `bluegreen completion fish | source`')
    .argument('[shell]', SHELLS.join(', '))
    .addOption(new Option('--releases', "print the store's release numbers (what the script asks for rollback --to)").hideHelp())
    .exitOverride()
    .action(async (shell: string | undefined, flags: { releases?: boolean }) => {
      if (flags.releases) {
        const [options, actions] = await Promise.all([optionsFrom({}).catch(() => undefined), import('./actions.js')]);
        if (options) await actions.printReleases(options);
        return;
      }
      if (!(SHELLS as readonly string[]).includes(shell ?? '')) throw usageError(`completion: "${shell ?? ''}" is not a shell bluegreen completes`, `use ${SHELLS.join(', ')}`);
      process.stdout.write(completionScript(shell as Shell, completionCommands(program)));
    });
  return program;
}

/** The command tree as completion sees it: each command (and proxy's) with its long flags. */
export function completionCommands(program: Command): CompletionCommand[] {
  const describe = (name: string, command: Command): CompletionCommand => {
    const options = command.options.filter((option) => option.long && !option.hidden);
    return { name, flags: options.map((o) => o.long!), takesValue: options.filter((o) => o.required || o.optional).map((o) => o.long!) };
  };
  return program.commands.flatMap((command): CompletionCommand[] =>
    command.commands.length ? command.commands.map((sub) => describe(`${command.name()} ${sub.name()}`, sub)) : [describe(command.name(), command)],
  );
}

const EXAMPLES: Record<Exclude<CommandName, 'proxy'>, string> = {
  up: 'RELEASE=v2 bluegreen up --scale 2',
  switch: 'bluegreen switch',
  'stop-old': 'bluegreen stop-old --drain 30s',
  rollback: 'bluegreen rollback --to 3',
  deploy: 'RELEASE=v2 bluegreen deploy',
  scale: 'bluegreen scale +2    bluegreen scale -1    bluegreen scale 3    bluegreen scale api +2',
  flow: 'bluegreen flow --flow=deploy --flow=proxy --flow=stop-old',
  status: 'bluegreen status --json',
  doctor: 'bluegreen doctor    bluegreen doctor --json -f compose.prod.yaml',
  history: 'bluegreen history',
  canary: 'bluegreen up && bluegreen canary 10% && bluegreen canary 50% && bluegreen switch    RELEASE=v2 bluegreen deploy --canary 10%,50% --bake 1m',
  maintenance: "bluegreen maintenance on --page down.html --allow 'X-Team: 7f3a' --allow 10.0.0.0/8    bluegreen maintenance off",
  down: 'bluegreen down --volumes',
  unlock: 'bluegreen unlock',
};

const EXIT_CODES = `Exit codes: 0 done; 1 failed and reverted (live traffic untouched); 2 usage or configuration;
3 the app's lock is held; 4 Docker, Traefik or Consul unreachable; 5 could not be reverted: needs a person.`;

const helpAfter = (name: Exclude<CommandName, 'proxy'>) => `\nExample:\n  ${EXAMPLES[name]}\n\n${EXIT_CODES}\n`;

/**
 * `scale -1`: a negative count would be read as an option. It is moved after
 * `--`, where commander takes it as the operand, so that scale needs no
 * allowUnknownOption (which would also swallow a mistyped option).
 */
export function scaleCountAsOperand(argv: string[]): string[] {
  // argv: node, the script, then the command.
  const count = argv.findIndex((arg, i) => i > 2 && /^-\d+$/.test(arg));
  if (argv[2] !== 'scale' || count < 0 || argv.includes('--')) return argv;
  return [...argv.slice(0, count), ...argv.slice(count + 1), '--', argv[count]!];
}
