/**
 * Where the tests' own Traefik listens: loopback only, on ports that do not
 * collide with a Traefik the developer may run on 80/8080.
 */
export const TEST_HTTP_PORT = Number(process.env.BG_TEST_HTTP_PORT ?? 18080);
export const TEST_API_PORT = Number(process.env.BG_TEST_API_PORT ?? 18081);
export const TEST_TRAEFIK_URL = `http://127.0.0.1:${TEST_HTTP_PORT}`;
export const TEST_TRAEFIK_API = `http://127.0.0.1:${TEST_API_PORT}`;
export const TEST_TRAEFIK_PROJECT = 'bgtest-traefik';
export const NETWORK = 'traefik_webgateway';
export const SAMPLE_IMAGE = process.env.BG_SAMPLE_IMAGE ?? 'bluegreen-sample:latest';
export const TEST_REGISTRY_PORT = Number(process.env.BG_TEST_REGISTRY_PORT ?? 18500);
