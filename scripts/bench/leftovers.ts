import Docker from 'dockerode';
import { BENCH_LABELS } from './bench-env.js';

const docker = new Docker();
const BENCH_LABEL = Object.entries(BENCH_LABELS).map(([k, v]) => `${k}=${v}`);

/** Names of the compose projects and of bluegreen's app that the benchmark runs. */
export const BENCH_NAMES = ['bench-bg', 'bench-compose', 'bench-seed-', 'bench-rollout', 'bench-floor'];
const ours = (name: string) => BENCH_NAMES.some((prefix) => name.replace(/^\//, '').startsWith(prefix));

/**
 * Removes whatever the benchmark created and a teardown left behind: by its
 * labels, and by the names of its own projects (bluegreen creates the app's
 * networks and volumes itself, without the compose file's labels).
 */
export async function removeLeftovers(): Promise<string[]> {
  const removed: string[] = [];
  const containers = [
    ...(await docker.listContainers({ all: true, filters: { label: BENCH_LABEL } })),
    ...(await docker.listContainers({ all: true, filters: { label: ['io.bluegreen.app=bench-bg'] } })),
  ];
  for (const id of new Set(containers.map((c) => c.Id))) {
    await docker
      .getContainer(id)
      .remove({ force: true })
      .then(
        () => removed.push(`container ${id.slice(0, 12)}`),
        () => undefined,
      );
  }
  const networks = (await docker.listNetworks()).filter((n) => n.Labels?.['io.bluegreen.bench'] === '1' || ours(n.Name));
  for (const network of networks) {
    await docker
      .getNetwork(network.Id)
      .remove()
      .then(
        () => removed.push(`network ${network.Name}`),
        () => undefined,
      );
  }
  const { Volumes } = await docker.listVolumes();
  for (const volume of (Volumes ?? []).filter((v) => v.Labels?.['io.bluegreen.bench'] === '1' || ours(v.Name))) {
    await docker
      .getVolume(volume.Name)
      .remove()
      .then(
        () => removed.push(`volume ${volume.Name}`),
        () => undefined,
      );
  }
  return removed;
}
