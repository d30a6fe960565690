import { Command, Option } from 'commander';
import type { RawOptions } from '../config/sources.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The contract's options, on every command, so they work after the command name. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('-f, --file <path>', 'compose file (repeatable; env BG_FILES)', collect)
    .option('-p, --project <name>', 'app name: colours are <app>-blue and <app>-green (env BG_PROJECT)')
    .option('-t, --target <service>', 'the service to deploy in colours (env BG_TARGET)')
    .option('-T, --side-target <service>', 'a service run once for both colours (repeatable; env BG_SIDE_TARGETS)', collect)
    .option('--rule <rule>', 'Traefik rule of the live route (env BG_RULE)')
    .option('--service-path <path>', 'route only this path prefix (repeatable; env BG_SERVICE_PATH)', collect)
    .option('--port <port>', "the target's port inside its container (env BG_PORT)")
    .option('--entrypoint <name>', "Traefik entrypoint (env BG_ENTRYPOINT, default web)")
    .option('--network <name>', "the network Traefik watches (env BG_NETWORK, default traefik_webgateway)")
    .option('--traefik-api <url>', "Traefik's API (env BG_TRAEFIK_API)")
    .option('--traefik-url <url>', "Traefik's entrypoint, for end-to-end checks (env BG_TRAEFIK_URL)")
    .option('--state <store>', 'file or consul (env BG_STATE, default file)')
    .option('--consul-address <address>', 'Consul HTTP address (env CONSUL_HTTP_ADDR)')
    .option('--timeout <duration>', 'bound on each operation (env BG_TIMEOUT, default 120s)')
    .option('--wait-lock <duration>', 'wait this long for the app lock instead of exiting 3')
    .option('--json', 'NDJSON events on stdout, human text on stderr')
    .addOption(new Option('--no-healthcheck', 'accept a target without a healthcheck (routing may start before it listens)'));
}

/** Commander's parsed options, as the CLI layer of the configuration. */
export function cliLayer(flags: Record<string, unknown>): RawOptions {
  return {
    files: flags.file as string[] | undefined,
    project: flags.project as string | undefined,
    target: flags.target as string | undefined,
    sideTargets: flags.sideTarget as string[] | undefined,
    rule: flags.rule as string | undefined,
    servicePaths: flags.servicePath as string[] | undefined,
    port: flags.port as string | undefined,
    entrypoint: flags.entrypoint as string | undefined,
    network: flags.network as string | undefined,
    traefikApi: flags.traefikApi as string | undefined,
    traefikUrl: flags.traefikUrl as string | undefined,
    state: flags.state as string | undefined,
    consulAddress: flags.consulAddress as string | undefined,
    timeout: flags.timeout as string | undefined,
    drain: flags.drain as string | undefined,
    scale: flags.scale as string | undefined,
    waitLock: flags.waitLock as string | undefined,
  };
}
