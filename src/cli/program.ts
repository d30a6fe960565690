import { Command } from 'commander';
import type { Options } from '../config/options.js';
import { VERSION } from '../version.js';
import { cliLayer, withCommonOptions } from './common-options.js';

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
const act = (run: (actions: Actions, options: Options, flags: Record<string, any>) => Promise<void>, positional?: string) =>
  async (...args: any[]) => {
    const flags: Record<string, unknown> = { ...(args.at(-2) as Record<string, unknown>) };
    if (positional) flags[positional] = args[0];
    const [options, actions] = await Promise.all([optionsFrom(flags), import('./actions.js')]);
    await run(actions, options, flags);
  };

/** The command tree. Actions are in actions.ts; this file only declares. */
export function buildProgram(): Command {
  const program = new Command('bluegreen')
    .description('Zero-downtime blue-green deployments of docker compose services behind Traefik')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  const command = (name: string, description: string) => withCommonOptions(program.command(name).description(description).exitOverride());

  command('up', 'start the next release in the colour that is not live, preview route only')
    .option('--scale <count>', 'containers to run: N, +N or -N from the live count (env BG_SCALE)')
    .action(act((run, options) => run.up(options)));
  command('switch', 'move live traffic to the colour started by up')
    .action(act((run, options) => run.switchCommand(options)));
  command('stop-old', 'drain and stop the colour that is not live (kept for rollback)')
    .option('--remove', 'remove its containers instead of stopping them')
    .option('--drain <duration>', 'bound on waiting for requests in flight (env BG_DRAIN, default 10s)')
    .action(act((run, options, flags) => run.stopOldCommand(options, Boolean(flags.remove))));
  command('rollback', 'make the previously live release live again')
    .option('--to <release>', 'the release number to bring back')
    .option('--keep-old', 'leave the colour rolled away from running (shadowed)')
    .option('--drain <duration>', 'bound on draining the colour rolled away from (default 10s)')
    .action(act((run, options, flags) => run.rollbackCommand(options, { to: flags.to, keepOld: Boolean(flags.keepOld) })));
  command('deploy', 'up, switch, then stop-old')
    .option('--scale <count>', 'containers to run: N, +N or -N from the live count (env BG_SCALE)')
    .option('--keep-old', 'leave the old colour running (shadowed) instead of stopping it')
    .option('--drain <duration>', 'bound on draining the old colour (env BG_DRAIN, default 10s)')
    .action(act((run, options, flags) => run.deployCommand(options, Boolean(flags.keepOld))));
  command('scale', 'scale the live colour: N, +N or -N from what runs')
    .argument('<count>', 'N, +N or -N')
    // `-1` must reach the command as its count, not be read as an option.
    .allowUnknownOption()
    .action(act((run, options) => run.scaleCommand(options), 'scale'));
  command('flow', "Docker Flow's steps in the order given: deploy (up), proxy (switch), stop-old, scale")
    .option('-F, --flow <step>', 'a step (repeatable; env FLOW, docker-flow.yml flow; default deploy)', (v: string, p: string[] = []) => [...p, v])
    .option('--scale <count>', 'for deploy and scale: N, +N or -N (env BG_SCALE, FLOW_SCALE)')
    .option('-b, --blue-green', "Docker Flow's flag; bluegreen always deploys blue-green")
    .option('--drain <duration>', 'bound on draining the old colour (default 10s)')
    .action(act((run, options) => run.flowCommand(options)));
  command('status', 'each colour, its containers and what Traefik routes')
    .action(act((run, options) => run.statusCommand(options)));
  command('history', 'releases and operations, oldest first')
    .action(act((run, options) => run.historyCommand(options)));
  command('down', 'remove both colours and the side targets')
    .option('--volumes', 'remove the named volumes too')
    .action(act((run, options, flags) => run.downCommand(options, Boolean(flags.volumes))));
  command('unlock', "break the app's lock (when its holder is gone)")
    .action(act((run, options) => run.unlockCommand(options)));

  const proxy = program.command('proxy').description("the project's own Traefik (traefik/docker-compose.yml)").exitOverride();
  for (const action of ['up', 'down', 'status'] as const) {
    withCommonOptions(proxy.command(action).description(`${action} Traefik`).exitOverride()).action(act((run, options) => run.proxyCommand(options, action)));
  }
  return program;
}
