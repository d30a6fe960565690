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
    .option('--traefik-insecure', "accept any certificate from a https:// --traefik-url, e.g. Traefik's default one (env BG_TRAEFIK_INSECURE)")
    .option('--traefik-ca <file>', 'a CA certificate (PEM) to verify a https:// --traefik-url with, besides the system ones (env BG_TRAEFIK_CA)')
    .option('--traefik-metrics <url>', "Traefik's Prometheus metrics, for draining (env BG_TRAEFIK_METRICS, default <traefik-api>/metrics)")
    .option('--probe-path <path>', 'path of the end-to-end check request (env BG_PROBE_PATH; default from the rule, else /)')
    .option('--probe-host <host>', 'Host of the end-to-end check request, for rules without a plain Host (env BG_PROBE_HOST)')
    .option('--probe-status <list>', 'statuses that count as answered, e.g. 200-399,404 (env BG_PROBE_STATUS, default 200-499)')
    .option('--state <store>', 'file or consul (env BG_STATE, default file)')
    .option('--state-dir <dir>', "the file store's directory, shared by every checkout that deploys the app (env BG_STATE_DIR, default ~/.local/state/bluegreen/<engine>)")
    .option('--consul-address <address>', 'Consul HTTP address (env CONSUL_HTTP_ADDR)')
    .option('--timeout <duration>', 'bound on each operation (env BG_TIMEOUT, default 120s)')
    .option('--pull <policy>', "always, missing or never: pull the target's image before a release pins it (env BG_PULL; default the service's pull_policy, else missing)")
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
    stateDir: flags.stateDir as string | undefined,
    consulAddress: flags.consulAddress as string | undefined,
    timeout: flags.timeout as string | undefined,
    drain: flags.drain as string | undefined,
    scale: flags.scale as string | undefined,
    pull: flags.pull as string | undefined,
    waitLock: flags.waitLock as string | undefined,
    traefikInsecure: flags.traefikInsecure === true ? 'true' : undefined,
    traefikCa: flags.traefikCa as string | undefined,
    traefikMetrics: flags.traefikMetrics as string | undefined,
    probePath: flags.probePath as string | undefined,
    probeHost: flags.probeHost as string | undefined,
    probeStatus: flags.probeStatus as string | undefined,
  };
}
