import type { Colour } from './colour.js';
import type { ComposeConfig } from './compose-model.js';
import { colourLabels, type RoutingMode } from './labels.js';
import { colourProject, LABEL } from './names.js';
import type { Release } from './release.js';

const GATEWAY_KEY = 'bluegreen_gateway';

/**
 * The compose project of one colour: the release's target with its colour's
 * labels, on the release's (shared, external) networks plus Traefik's.
 */
export function renderColourProject(release: Release, colour: Colour, mode: RoutingMode, gateway: string): ComposeConfig {
  const networks: Record<string, { name: string; external: true }> = { ...release.networks };
  const serviceNetworks: Record<string, unknown> = { ...(release.service.networks ?? { default: null }) };
  const alreadyOnGateway = Object.values(networks).some((network) => network.name === gateway);
  if (!alreadyOnGateway) {
    networks[GATEWAY_KEY] = { name: gateway, external: true };
    serviceNetworks[GATEWAY_KEY] = null;
  }
  return {
    name: colourProject(release.app, colour),
    services: {
      [release.target]: {
        ...release.service,
        labels: { ...release.service.labels, ...colourLabels(release, colour, mode, gateway) },
        networks: serviceNetworks,
      },
      ...companionServices(release, colour),
    },
    networks,
    ...(Object.keys(release.volumes).length ? { volumes: release.volumes } : {}),
    ...(release.secrets ? { secrets: release.secrets } : {}),
    ...(release.configs ? { configs: release.configs } : {}),
  };
}

/** The release's companions in a colour: their labels say so, and never change with the routing (a switch leaves them running). */
function companionServices(release: Release, colour: Colour): ComposeConfig['services'] {
  const labels = { [LABEL.managed]: 'true', [LABEL.app]: release.app, [LABEL.release]: String(release.number), [LABEL.companionOf]: colour };
  return Object.fromEntries(Object.entries(release.companions ?? {}).map(([name, service]) => [name, { ...service, labels: { ...service.labels, ...labels } }]));
}
