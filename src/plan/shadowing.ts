import { compareText } from './compare.js';
/**
 * Leaving a team's other routers alone. A live router must outrank the one
 * it replaces while both run, so bluegreen's priorities are high (100000 and
 * up) and grow with every switch; a team's router that Traefik preferred over
 * the target's own one (a narrower rule on the same host, an explicit
 * priority) would lose to them. So each colour's rule excludes those routers'
 * rules: `(rule) && !(theirs) && ...`. A request one of them matches is never
 * matched by bluegreen's routers, whatever the priorities, so it goes where it
 * went before. The list is read from Traefik's API each time a colour is
 * launched; `status` names a router added since, which the next launch
 * excludes.
 */

/** A router as Traefik's API lists it, with the priority it had before bluegreen. */
export interface RouterFact {
  /** With its provider, e.g. `shop-api@docker`. */
  name: string;
  rule: string;
  /** Its priority as the team set it (for another bluegreen app: its own rule's, not the live one). */
  priority: number;
  entryPoints: string[];
  status: string;
  /** The rule syntax when the router sets one (v2 rules cannot be embedded in a v3 rule). */
  ruleSyntax?: string;
}

export interface OwnRoute {
  /** The target's rule before bluegreen narrowed it. */
  rule: string;
  /** What Traefik would have given the target's own router: its priority label, else the rule's length. */
  priority: number;
  entryPoints: string[];
  /** Router names that are this app's own (both colours). */
  ownRouters: (name: string) => boolean;
}

export interface Exclusions {
  /** Routers whose rules the colour's rule excludes. */
  excluded: { name: string; rule: string }[];
  /** Routers that win over the target but cannot be excluded (v2 rule syntax): named to the user. */
  cannot: { name: string; why: string }[];
}

/** Traefik's default priority: the length of the rule. */
export const defaultPriority = (rule: string) => rule.length;

/** The routers Traefik preferred over the target's own router: theirs must keep winning. */
export function exclusionsFor(routers: RouterFact[], own: OwnRoute): Exclusions {
  const ownHosts = hostsOf(own.rule);
  const excluded: Exclusions['excluded'] = [];
  const cannot: Exclusions['cannot'] = [];
  for (const router of [...routers].sort((a, b) => compareText(a.name, b.name))) {
    if (own.ownRouters(router.name) || router.status === 'disabled') continue;
    if (!(router.priority > own.priority)) continue;
    if (!sharesEntrypoint(router.entryPoints, own.entryPoints)) continue;
    if (!hostsOverlap(ownHosts, hostsOf(router.rule))) continue;
    if (router.ruleSyntax === 'v2') cannot.push({ name: router.name, why: 'its rule uses the v2 syntax' });
    else excluded.push({ name: router.name, rule: router.rule });
  }
  return { excluded, cannot };
}

/** The rule a colour's routers use: the live rule, minus every excluded router's rule. */
export function excludingRule(rule: string, excluded: { rule: string }[]): string {
  if (excluded.length === 0) return rule;
  return [`(${rule})`, ...excluded.map((router) => `!(${router.rule})`)].join(' && ');
}

/**
 * Routers that bluegreen's live router now shadows: preferred over the
 * target before bluegreen, but not excluded by the live colour's rule
 * (added since it was launched).
 */
export function shadowedBy(routers: RouterFact[], own: OwnRoute, excludedNames: string[]): RouterFact[] {
  const should = new Set(exclusionsFor(routers, own).excluded.map((r) => r.name));
  const cannot = new Set(exclusionsFor(routers, own).cannot.map((r) => r.name));
  return routers.filter((r) => (should.has(r.name) && !excludedNames.includes(r.name)) || cannot.has(r.name));
}

const sharesEntrypoint = (theirs: string[], ours: string[]) => theirs.length === 0 || ours.length === 0 || theirs.some((e) => ours.includes(e));

function hostsOverlap(a: Set<string> | undefined, b: Set<string> | undefined): boolean {
  if (!a || !b) return true;
  return [...a].some((host) => b.has(host));
}

/**
 * The hosts a rule can match, or undefined when it may match any host (no
 * plain Host matcher in some alternative, HostRegexp, a negation). Erring
 * towards "any" only makes a colour's rule longer, never wrong.
 */
export function hostsOf(rule: string): Set<string> | undefined {
  if (rule.includes('!') || /HostRegexp|HostHeader/.test(rule)) return undefined;
  const branches = splitTopLevel(rule, '||');
  const hosts = new Set<string>();
  for (const branch of branches) {
    const found = [...branch.matchAll(/(?<!\w)Host\(([^)]*)\)/g)].flatMap((m) => [...m[1]!.matchAll(/`([^`]*)`/g)].map((a) => a[1]!.toLowerCase()));
    if (found.length === 0) return undefined;
    found.forEach((host) => hosts.add(host));
  }
  return hosts;
}

/** Splits at an operator outside parentheses and backquotes. */
function splitTopLevel(rule: string, operator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < rule.length; i++) {
    const char = rule[i];
    if (char === '`') quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')') depth--;
    else if (!quoted && depth === 0 && rule.startsWith(operator, i)) {
      parts.push(rule.slice(start, i));
      start = i + operator.length;
      i += operator.length - 1;
    }
  }
  parts.push(rule.slice(start));
  return parts;
}

/**
 * Routers the live colour leaves alone but the old one does not (added
 * between their launches): the old colour answers their requests until
 * Traefik drops its routers. Stopping it first would send those requests to
 * a stopped container for as long as Traefik takes to notice (its throttle).
 */
export function stillAnsweredByOld(liveExcludes: { name: string }[], oldExcludes: { name: string }[]): string[] {
  const old = new Set(oldExcludes.map((r) => r.name));
  return liveExcludes.map((r) => r.name).filter((name) => !old.has(name));
}
