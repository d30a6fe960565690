/**
 * Adopting the Traefik labels a target already carries, so that a compose
 * file that works with Traefik works unchanged: its rule, entrypoints, TLS
 * settings, middlewares and load-balancer settings move onto the per-colour
 * routers and service. Router and service labels themselves are dropped (two
 * colours must never define one router name), and so are middleware
 * definitions: they are defined again per colour under the colour's own
 * names (a middleware defined twice with different settings, as when a
 * release changes it, is dropped by Traefik for every router using it).
 */
export interface AdoptedRouting {
  rule?: string;
  /** The router's own priority label, if it had one. */
  priority?: number;
  port?: number;
  entrypoints?: string[];
  middlewares: string[];
  /** Router settings other than rule/entrypoints/middlewares/service/priority, e.g. tls.certresolver. */
  routerExtras: Record<string, string>;
  /** Load-balancer settings other than server.port, e.g. sticky.cookie. */
  serviceExtras: Record<string, string>;
  /** Middlewares defined on the target: name -> settings (e.g. headers.customresponseheaders.X-A). */
  middlewareDefinitions: Record<string, Record<string, string>>;
  /** The labels the target keeps. */
  keptLabels: Record<string, string>;
}

const ROUTER = /^traefik\.http\.routers\.([^.]+)\.(.+)$/;
const SERVICE = /^traefik\.http\.services\.([^.]+)\.loadbalancer\.(.+)$/;
const MIDDLEWARE = /^traefik\.http\.middlewares\.([^.]+)\.(.+)$/;
const ROUTER_OWN = new Set(['rule', 'entrypoints', 'middlewares', 'service', 'priority']);
const DROPPED = /^traefik\.(http\.(routers|services)\.|docker\.network$|enable$)/;

const splitList = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * `docker compose config` keeps `$$` (a literal `$`) escaped; what is
 * adopted is kept as Traefik reads it, and escaped again when rendered.
 */
export const unescapeDollars = (value: string) => value.replace(/\$\$/g, '$');
export const escapeDollars = (value: string) => value.replace(/\$/g, '$$$$');

export function adoptTraefikLabels(labels: Record<string, string> = {}): AdoptedRouting {
  const routers = new Map<string, Record<string, string>>();
  const adopted: AdoptedRouting = { middlewares: [], routerExtras: {}, serviceExtras: {}, middlewareDefinitions: {}, keptLabels: {} };
  for (const [key, escaped] of Object.entries(labels)) {
    const value = unescapeDollars(escaped);
    const router = ROUTER.exec(key);
    const service = SERVICE.exec(key);
    const middleware = MIDDLEWARE.exec(key);
    if (middleware) {
      adopted.middlewareDefinitions[middleware[1]!] = { ...adopted.middlewareDefinitions[middleware[1]!], [middleware[2]!]: value };
    } else if (router) {
      const props = routers.get(router[1]!) ?? {};
      props[router[2]!] = value;
      routers.set(router[1]!, props);
    } else if (service) {
      if (service[2] === 'server.port') adopted.port = Number(value);
      else adopted.serviceExtras[service[2]!] = value;
    } else if (!DROPPED.test(key)) {
      adopted.keptLabels[key] = escaped;
    }
  }
  // The router with a rule is the one users route by; among several, the
  // one with TLS (the https router next to an http-to-https redirect one).
  const candidates = [...routers.values()].filter((props) => props.rule);
  const main = candidates.find((props) => Object.keys(props).some((k) => k.startsWith('tls'))) ?? candidates[0];
  if (main) {
    adopted.rule = main.rule;
    if (main.priority !== undefined && /^\d+$/.test(main.priority.trim())) adopted.priority = Number(main.priority);
    if (main.entrypoints) adopted.entrypoints = splitList(main.entrypoints);
    if (main.middlewares) adopted.middlewares = splitList(main.middlewares);
    for (const [prop, value] of Object.entries(main)) if (!ROUTER_OWN.has(prop)) adopted.routerExtras[prop] = value;
  }
  return adopted;
}
