import { BgError, ExitCode } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import type { ContainerView } from '../runtime/docker.js';
import type { Engine } from '../core/ports.js';
import { retryUntil, type Deadline } from './retry.js';

export interface HealthWait {
  /** Labels that select exactly the containers being waited on. */
  labels: Record<string, string>;
  count: number;
  deadline: Deadline;
  what: string;
}

/**
 * Waits until `count` containers are running and healthy. Fails at once when
 * one turns unhealthy or exits, with its last healthcheck output and log
 * lines; on timeout, with the state of each. The timeout is wall clock and
 * counts the start_period: a container in its start period is `starting`.
 */
export async function waitHealthy(docker: Engine, wait: HealthWait): Promise<ContainerView[]> {
  const started = Date.now();
  let last: ContainerView[] = [];
  return retryUntil(
    async () => {
      last = await docker.containers(wait.labels);
      const broken = last.find((c) => c.health === 'unhealthy' || c.state === 'exited' || c.state === 'dead');
      if (broken) throw await failureReport(docker, broken, wait.what);
      const ready = last.filter((c) => c.state === 'running' && (c.health === 'healthy' || c.health === 'none'));
      return ready.length === wait.count && last.length === wait.count ? ready : undefined;
    },
    {
      deadline: wait.deadline,
      intervalMs: 50,
      onTimeout: async () => {
        const inspected = await Promise.all(last.map((c) => docker.inspect(c.id).catch(() => c)));
        return new BgError(
          `${wait.what}: not healthy after ${formatDuration(Date.now() - started)} (${describe(last, wait.count)})`,
          ExitCode.failedReverted,
          'raise --timeout if the app needs longer to start, or look at its healthcheck',
          { details: inspected.map((c) => `${c.name}: ${c.state}, ${c.health}${c.lastHealthOutput ? `, last check: ${c.lastHealthOutput}` : ''}`).join('\n') },
        );
      },
    },
  );
}

function describe(containers: ContainerView[], count: number): string {
  const healthy = containers.filter((c) => c.health === 'healthy').length;
  return `${healthy} of ${count} healthy, ${containers.length} exist`;
}

async function failureReport(docker: Engine, listed: ContainerView, what: string): Promise<BgError> {
  // The listing has no health check output: the container is inspected for it.
  const container = await docker.inspect(listed.id).catch(() => listed);
  const why = container.health === 'unhealthy' ? 'is unhealthy' : `exited with code ${container.exitCode}`;
  const logs = await docker.logTail(container.id, 30).catch(() => '(logs unavailable)');
  const details = [
    container.lastHealthOutput ? `last healthcheck output: ${container.lastHealthOutput}` : undefined,
    `last log lines of ${container.name}:`,
    ...logs.split('\n').map((line) => `  ${line}`),
  ]
    .filter(Boolean)
    .join('\n');
  return new BgError(`${what}: ${container.name} ${why}`, ExitCode.failedReverted, 'the release is refused; live traffic was not touched', { details });
}
