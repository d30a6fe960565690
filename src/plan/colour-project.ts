import type { Colour } from './colour.js';
import type { ComposeConfig, ComposeService } from './compose-model.js';
import { colourLabels, companionContainerLabels, routeLabels, type RoutingMode } from './labels.js';
import { ROUTE_IMAGE, ROUTE_PROGRAM } from './route-holder.js';
import { colourProject, LABEL } from './names.js';
import type { Release } from './release.js';

const GATEWAY_KEY = 'bluegreen_gateway';

/** The compose service that carries a colour's live router on one host (plan/labels.ts routeLabels). */
export const ROUTE_SERVICE = 'bluegreen-route';

/**
 * The compose project of one colour: the release's target with its colour's
 * labels, on the release's (shared, external) networks plus Traefik's.
 * `held` (one host): the target's labels do not depend on the mode, and in
 * live mode the project has a route container with the live router.
 */
export function renderColourProject(release: Release, colour: Colour, mode: RoutingMode, gateway: string, held = false): ComposeConfig {
  const networks: Record<string, { name: string; external: true }> = { ...release.networks };
  const serviceNetworks: Record<string, unknown> = { ...(release.service.networks ?? { default: null }) };
  const onGateway = Object.entries(networks).find(([, network]) => network.name === gateway)?.[0];
  if (!onGateway) {
    networks[GATEWAY_KEY] = { name: gateway, external: true };
    serviceNetworks[GATEWAY_KEY] = null;
  }
  return {
    name: colourProject(release.app, colour),
    services: {
      [release.target]: {
        ...release.service,
        labels: { ...release.service.labels, ...colourLabels(release, colour, mode, gateway, held) },
        networks: serviceNetworks,
      },
      ...companionServices(release, colour, gateway, onGateway ? undefined : GATEWAY_KEY, mode.previewKey),
      ...(held && mode.kind === 'live' ? { [ROUTE_SERVICE]: routeService(release, colour, mode, gateway, onGateway ?? GATEWAY_KEY) } : {}),
    },
    networks,
    ...(Object.keys(release.volumes).length ? { volumes: release.volumes } : {}),
    ...(release.secrets ? { secrets: release.secrets } : {}),
    ...(release.configs ? { configs: release.configs } : {}),
  };
}

/**
 * The route container: the program that waits forever (plan/route-holder.ts,
 * an image made on the engine, never pulled), on Traefik's network, with
 * the live router's labels. It restarts as the target does, so an engine
 * restart brings back the live colour's route with its containers. Killed
 * at once when stopped: it holds no connection.
 */
function routeService(release: Release, colour: Colour, mode: RoutingMode & { kind: 'live' }, gateway: string, gatewayKey: string): ComposeService {
  return {
    image: ROUTE_IMAGE,
    entrypoint: [ROUTE_PROGRAM],
    pull_policy: 'never',
    read_only: true,
    ...(release.service.restart ? { restart: release.service.restart } : {}),
    stop_signal: 'SIGKILL',
    stop_grace_period: '0s',
    labels: routeLabels(release, colour, mode, gateway),
    networks: { [gatewayKey]: null },
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
