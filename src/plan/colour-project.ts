import type { Colour } from './colour.js';
import type { ComposeConfig } from './compose-model.js';
import { colourLabels, companionContainerLabels, type RoutingMode } from './labels.js';
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
      ...companionServices(release, colour, gateway, alreadyOnGateway ? undefined : GATEWAY_KEY, mode.previewKey),
    },
    networks,
    ...(Object.keys(release.volumes).length ? { volumes: release.volumes } : {}),
    ...(release.secrets ? { secrets: release.secrets } : {}),
    ...(release.configs ? { configs: release.configs } : {}),
  };
}

/**
 * The release's companions in a colour: their labels say so, and never
 * change with the routing (a switch leaves them running). A routed one is
 * on Traefik's network too, with its preview router and services.
 */
function companionServices(release: Release, colour: Colour, gateway: string, gatewayKey: string | undefined, previewKey?: string): ComposeConfig['services'] {
  const labels = { [LABEL.managed]: 'true', [LABEL.app]: release.app, [LABEL.release]: String(release.number), [LABEL.companionOf]: colour };
  return Object.fromEntries(
    Object.entries(release.companions ?? {}).map(([name, service]) => {
      if (!release.companionRouting?.[name]) return [name, { ...service, labels: { ...service.labels, ...labels } }];
      const networks = { ...(service.networks ?? { default: null }), ...(gatewayKey ? { [gatewayKey]: null } : {}) };
      return [name, { ...service, labels: { ...service.labels, ...companionContainerLabels(release, colour, name, gateway, previewKey), ...labels }, networks }];
    }),
  );
}
