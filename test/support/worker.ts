import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** The sample app's healthcheck, quicker: a second target of a test release is judged within seconds. */
export const QUICK_HEALTHCHECK = `    healthcheck:
      test: ["CMD", "/sample", "healthcheck"]
      interval: 1s
      timeout: 2s
      retries: 2
      start_period: 2s
      start_interval: 250ms
`;

/** The sample app's compose file with one more service (`block`, indented as a service of `services:`). */
export function sampleWith(block: string): string {
  const sample = readFileSync(join(ROOT, 'compose', 'docker-compose.yml'), 'utf8');
  return sample.replace(/^volumes:/m, `${block}\nvolumes:`);
}

// The sample app again as a worker: same image, no route; WORKER_NEVER_HEALTHY makes it fail its healthcheck.
const WORKER = `  worker:
    image: \${SAMPLE_IMAGE:-bluegreen-sample:latest}
    environment:
      RELEASE: \${RELEASE:-v1}
      NEVER_HEALTHY: \${WORKER_NEVER_HEALTHY:-0}
      SIDE_URL: http://store:7000
    depends_on:
      store:
        condition: service_healthy
${QUICK_HEALTHCHECK}`;

/** The sample app's compose file with a `worker` service beside `app` and `store`. */
export const sampleWithWorker = () => sampleWith(WORKER);
