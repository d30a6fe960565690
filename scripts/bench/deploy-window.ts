import { lastLines, runTimed, sleep, within, type Command } from './exec.js';
import type { DeployMethod } from './methods/method.js';
import type { BenchOptions } from './options.js';
import { bluegreenPhases } from './phases.js';
import { probeRelease } from './release-probe.js';
import type { AppProfile, DeployWindow, Mark, MethodId } from './types.js';
import { startLoad } from './wrk-load.js';

/** What one measured command is: whose, which release it should bring to the answers, how it is run. */
export interface Shipment {
  method: MethodId;
  host: string;
  profile: AppProfile;
  round: number;
  /** The release the answers name once the command has done its work. */
  release: string;
  command: Command;
}

/**
 * One command under load. The window: load from `leadMs` before the command
 * starts to `tailMs` after the later of its return and the first response
 * from the expected release (waited for at most `settleMs` after the
 * return), so that an outage that outlasts the command is counted.
 */
export async function measureShipment(shipment: Shipment, options: BenchOptions): Promise<DeployWindow> {
  const boundS = Math.ceil((options.leadMs + options.commandTimeoutMs + options.settleMs + options.tailMs) / 1000) + 10;
  const load = startLoad({ host: shipment.host, clients: options.clients, thinkMs: options.thinkMs, maxSeconds: boundS });
  await sleep(options.leadMs);
  const probe = probeRelease(shipment.host, shipment.release);
  const command = await runTimed(shipment.command, options.commandTimeoutMs);
  const wallMinusPerf = Date.now() - performance.now();
  const seenAt = await within(probe.seen, options.settleMs);
  probe.stop();
  await sleep(options.tailMs);
  const result = await load.stop();
  const returnPerf = command.startedAt + command.ms;
  const phases = shipment.method === 'bluegreen' ? bluegreenPhases(command.stdout, wallMinusPerf, seenAt, returnPerf, command.startedAt) : undefined;
  const firstNewMs = seenAt === undefined ? undefined : seenAt - command.startedAt;
  const marks: Mark[] = [...(phases?.marks ?? []), ...(firstNewMs === undefined ? [] : [{ t: Math.round(firstNewMs), label: 'new' }]), { t: Math.round(command.ms), label: 'return' }];
  const { marks: _, ...steps } = phases ?? { marks: [] };
  return {
    method: shipment.method,
    profile: shipment.profile,
    round: shipment.round,
    release: shipment.release,
    exitCode: command.code,
    returnMs: command.ms,
    firstNewMs,
    load: result,
    ...(phases ? { phases: steps as NonNullable<DeployWindow['phases']> } : {}),
    ...(command.code === 0 ? {} : { failure: lastLines(command) }),
    startedAtWallMs: Math.round(command.startedAt + wallMinusPerf),
    marks,
  };
}

/** A deploy of `release` by `method`, as measureShipment measures it. */
export function measureDeploy(method: DeployMethod, release: string, round: number, profile: AppProfile, appEnv: Record<string, string>, options: BenchOptions): Promise<DeployWindow> {
  return measureShipment({ method: method.id, host: method.host, profile, round, release, command: method.deploy(release, appEnv) }, options);
}
