import { Command } from 'commander';
import { loadOptions } from '../config/load.js';
import type { Options } from '../config/options.js';
import { VERSION } from '../version.js';
import { cliLayer, withCommonOptions } from './common-options.js';
import * as run from './actions.js';

/** Builds the flags of one command into resolved Options (CLI > env > yml > defaults). */
export function optionsFrom(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Options {
  return loadOptions({ cli: cliLayer(flags), env, cwd, json: Boolean(flags.json), noHealthcheck: flags.healthcheck === false, cliFlow: flags.flow as string[] | undefined });
}

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
    .action((flags) => run.up(optionsFrom(flags)));
  command('switch', 'move live traffic to the colour started by up')
    .action((flags) => run.switchCommand(optionsFrom(flags)));
  command('stop-old', 'drain and stop the colour that is not live (kept for rollback)')
    .option('--remove', 'remove its containers instead of stopping them')
    .option('--drain <duration>', 'bound on waiting for requests in flight (env BG_DRAIN, default 10s)')
    .action((flags) => run.stopOldCommand(optionsFrom(flags), Boolean(flags.remove)));
  command('rollback', 'make the previously live release live again')
    .option('--to <release>', 'the release number to bring back')
    .option('--keep-old', 'leave the colour rolled away from running (shadowed)')
    .option('--drain <duration>', 'bound on draining the colour rolled away from (default 10s)')
    .action((flags) => run.rollbackCommand(optionsFrom(flags), { to: flags.to, keepOld: Boolean(flags.keepOld) }));
  command('deploy', 'up, switch, then stop-old')
    .option('--scale <count>', 'containers to run: N, +N or -N from the live count (env BG_SCALE)')
    .option('--keep-old', 'leave the old colour running (shadowed) instead of stopping it')
    .option('--drain <duration>', 'bound on draining the old colour (env BG_DRAIN, default 10s)')
    .action((flags) => run.deployCommand(optionsFrom(flags), Boolean(flags.keepOld)));
  command('scale', 'scale the live colour: N, +N or -N from what runs')
    .argument('<count>', 'N, +N or -N')
    // `-1` must reach the command as its count, not be read as an option.
    .allowUnknownOption()
    .action((count: string, flags) => run.scaleCommand(optionsFrom({ ...flags, scale: count })));
  command('flow', "Docker Flow's steps in the order given: deploy (up), proxy (switch), stop-old, scale")
    .option('-F, --flow <step>', 'a step (repeatable; env FLOW, docker-flow.yml flow; default deploy)', (v: string, p: string[] = []) => [...p, v])
    .option('--scale <count>', 'for deploy and scale: N, +N or -N (env BG_SCALE, FLOW_SCALE)')
    .option('-b, --blue-green', "Docker Flow's flag; bluegreen always deploys blue-green")
    .option('--drain <duration>', 'bound on draining the old colour (default 10s)')
    .action((flags) => run.flowCommand(optionsFrom(flags)));
  command('status', 'each colour, its containers and what Traefik routes')
    .action((flags) => run.statusCommand(optionsFrom(flags)));
  command('history', 'releases and operations, oldest first')
    .action((flags) => run.historyCommand(optionsFrom(flags)));
  command('down', 'remove both colours and the side targets')
    .option('--volumes', 'remove the named volumes too')
    .action((flags) => run.downCommand(optionsFrom(flags), Boolean(flags.volumes)));
  command('unlock', "break the app's lock (when its holder is gone)")
    .action((flags) => run.unlockCommand(optionsFrom(flags)));

  const proxy = program.command('proxy').description("the project's own Traefik (traefik/docker-compose.yml)").exitOverride();
  for (const action of ['up', 'down', 'status'] as const) {
    withCommonOptions(proxy.command(action).description(`${action} Traefik`).exitOverride()).action((flags) => run.proxyCommand(optionsFrom(flags), action));
  }
  return program;
}
