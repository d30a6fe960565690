import { isLoopback } from '../plan/docker-endpoint.js';
import { inContainer } from './engine-connection.js';

/**
 * The hint for an address that does not answer: in a container, a loopback
 * address is the container's own, not the host's where Traefik publishes
 * its API (`proxy up` puts it on 127.0.0.1).
 */
export function unreachableHint(url: string, otherwise: string): string {
  let host = '';
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return otherwise;
  }
  return isLoopback(host) && inContainer() ? `${url} is this container's own loopback: run the image with --network host, or give an address the container reaches` : otherwise;
}
