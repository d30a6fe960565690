/**
 * The sample app's healthcheck as compose/docker-compose.yml has it, for the
 * compose files tests write themselves: a service-level YAML block.
 */
export const sampleHealthcheckYaml = (startPeriod = '30s') => `    healthcheck:
      test: ["CMD", "/sample", "healthcheck"]
      interval: 5s
      timeout: 2s
      retries: 2
      start_period: ${startPeriod}
      start_interval: 250ms
`;
