// Run detached by core/detach.ts while replicas are paused: if the command
// that paused them is killed before it resumes them, this resumes them after
// a bound, so requests waiting on them are answered, not held forever.
//   node unpause-watchdog.js <delay-ms> <container-id>...
import { DockerEngine } from './docker.js';
import { connectEngine } from './engine-connection.js';

const [delay, ...ids] = process.argv.slice(2);
setTimeout(async () => {
  // The engine as the command that started it chose it (the same environment): over ssh, a connection of its own.
  const docker = new DockerEngine(await connectEngine(process.env));
  for (const id of ids) await docker.unpause(id).catch(() => undefined);
}, Number(delay));
