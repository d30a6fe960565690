import { parse, stringify } from 'yaml';
import type { ComposeConfig } from './compose-model.js';
import type { Release } from './release.js';

/**
 * A release as a compose file of its own: `services` and `networks` are what
 * compose runs, `x-bluegreen` holds what the release was frozen with. The
 * file is readable and runnable on its own (docker compose -f N.yml config).
 */
export function releaseToYaml(release: Release): string {
  const { service, networks, volumes, secrets, configs, target, companions, ...meta } = release;
  const document: ComposeConfig = {
    name: release.app,
    'x-bluegreen': { ...meta, target, ...(companions ? { companions: Object.keys(companions) } : {}) },
    services: { [target]: service, ...companions },
    networks,
    ...(Object.keys(volumes).length ? { volumes } : {}),
    ...(secrets ? { secrets } : {}),
    ...(configs ? { configs } : {}),
  };
  const header = `# bluegreen release ${release.number} of ${release.app}, frozen at ${release.createdAt} by ${release.createdBy}.\n# Every later operation on this release runs this file, never the user's files again.\n`;
  return header + stringify(document);
}

export function releaseFromYaml(text: string): Release {
  const document = parse(text) as ComposeConfig & { 'x-bluegreen': Omit<Release, 'service' | 'networks' | 'volumes' | 'secrets' | 'configs' | 'companions'> & { companions?: string[] } };
  const { companions, ...meta } = document['x-bluegreen'];
  return {
    ...meta,
    service: document.services[meta.target]!,
    ...(companions?.length ? { companions: Object.fromEntries(companions.map((name) => [name, document.services[name]!])) } : {}),
    networks: (document.networks ?? {}) as Release['networks'],
    volumes: (document.volumes ?? {}) as Release['volumes'],
    ...(document.secrets ? { secrets: document.secrets as Record<string, unknown> } : {}),
    ...(document.configs ? { configs: document.configs as Record<string, unknown> } : {}),
  };
}
