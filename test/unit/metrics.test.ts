import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sumCounter } from '../../src/plan/metrics.js';

const METRIC = 'traefik_service_requests_total';

/** What Traefik's /metrics says, trimmed to what matters here. */
const text = [
  '# HELP traefik_service_requests_total How many HTTP requests processed on a service, partitioned by status code, protocol, and method.',
  '# TYPE traefik_service_requests_total counter',
  'traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-blue@docker"} 120',
  'traefik_service_requests_total{code="502",method="GET",protocol="http",service="shop-blue@docker"} 3',
  'traefik_service_requests_total{code="200",method="POST",protocol="http",service="shop-blue@docker"} 7',
  'traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-green@docker"} 40',
  'traefik_service_requests_total{code="200",method="GET",protocol="http",service="shop-blue-canary@docker"} 1000',
  'traefik_service_requests_bytes_total{code="200",method="GET",protocol="http",service="shop-blue@docker"} 99999',
  'traefik_service_request_duration_seconds_count{code="200",method="GET",protocol="http",service="shop-blue@docker"} 5000',
  'traefik_service_open_connections{method="GET",protocol="http",service="shop-blue@docker"} 2',
  '',
].join('\n');

test('sumCounter adds up every series of the metric whose labels include the given ones', () => {
  assert.equal(sumCounter(text, METRIC, { service: 'shop-blue@docker' }), 130);
  assert.equal(sumCounter(text, METRIC, { service: 'shop-green@docker' }), 40);
});

test('sumCounter matches on every given label', () => {
  assert.equal(sumCounter(text, METRIC, { service: 'shop-blue@docker', code: '200' }), 127);
  assert.equal(sumCounter(text, METRIC, { service: 'shop-blue@docker', code: '200', method: 'POST' }), 7);
});

test('sumCounter with no labels sums every series of the metric', () => {
  assert.equal(sumCounter(text, METRIC, {}), 1170);
});

test('sumCounter is undefined when no series matches: not seen is not zero', () => {
  assert.equal(sumCounter(text, METRIC, { service: 'shop-red@docker' }), undefined);
  assert.equal(sumCounter(text, 'traefik_router_requests_total', { service: 'shop-blue@docker' }), undefined);
  assert.equal(sumCounter('', METRIC, {}), undefined);
});

test('sumCounter counts a series that matches with value 0 as 0', () => {
  assert.equal(sumCounter(`${METRIC}{service="idle@docker"} 0\n`, METRIC, { service: 'idle@docker' }), 0);
});

test('sumCounter reads float and exponent values', () => {
  const floats = `${METRIC}{service="a@docker"} 1.5\n${METRIC}{service="a@docker"} 2.5e+01\n`;
  assert.equal(sumCounter(floats, METRIC, { service: 'a@docker' }), 26.5);
});

test('sumCounter reads Windows line endings', () => {
  const crlf = `${METRIC}{service="a@docker"} 4\r\n${METRIC}{service="a@docker"} 5\r\n`;
  assert.equal(sumCounter(crlf, METRIC, { service: 'a@docker' }), 9);
});

test('sumCounter does not take a label whose name merely ends with the given one', () => {
  const federated = `${METRIC}{exported_service="shop-blue@docker",service="federate"} 50\n${METRIC}{service="shop-blue@docker"} 8\n`;
  assert.equal(sumCounter(federated, METRIC, { service: 'shop-blue@docker' }), 8);
});
