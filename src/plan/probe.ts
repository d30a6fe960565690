import { usageError } from '../errors.js';
import type { Release } from './release.js';
import { liveRule } from './rule.js';

/** What the user may say about the end-to-end check request (the rule says the rest). */
export interface ProbeSettings {
  /** Replaces the path taken from the rule. */
  path?: string;
  /** Host for rules without a plain Host (HostRegexp, Header, Method rules). */
  host?: string;
  /** Statuses that count as answered by the colour. */
  statuses: StatusRange[];
}

export type StatusRange = [low: number, high: number];

export const DEFAULT_PROBE_STATUSES = '200-499';

/** "200-399,404" -> [[200, 399], [404, 404]]; exit 2 naming the option on anything else. */
export function parseStatuses(text: string, option = '--probe-status'): StatusRange[] {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const ranges = parts.map((part): StatusRange => {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    const low = Number(match?.[1]);
    const high = Number(match?.[2] ?? match?.[1]);
    if (!match || low < 100 || high > 599 || low > high) throw usageError(`${option}: "${text}" is not a list of HTTP statuses`, 'e.g. 200-399,404');
    return [low, high];
  });
  if (ranges.length === 0) throw usageError(`${option}: no status given`, 'e.g. 200-499');
  return ranges;
}

export const statusAccepted = (status: number, ranges: StatusRange[]) => ranges.some(([low, high]) => status >= low && status <= high);

export const formatStatuses = (ranges: StatusRange[]) => ranges.map(([low, high]) => (low === high ? String(low) : `${low}-${high}`)).join(',');

/** A request that the rule matches, as a user's client would send it. */
export interface ProbeRequest {
  method: string;
  /** The Host header (and TLS server name); undefined: the entrypoint's own address. */
  host?: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
}

const ARG = '`([^`]*)`';
const first = (rule: string, matcher: RegExp) => matcher.exec(rule)?.[1];

/**
 * Builds the end-to-end check request from the rule: its first Host(),
 * Path()/PathPrefix(), Header() and Query() matchers and Method(), with
 * the user's overrides. Regexp matchers cannot be turned into a value:
 * for those the user gives --probe-host / --probe-path.
 */
export function probeRequest(rule: string, settings: Pick<ProbeSettings, 'path' | 'host'> = {}): ProbeRequest {
  const host = settings.host ?? first(rule, new RegExp(`(?<![\\w!])Host\\(\\s*${ARG}`));
  const path = settings.path ?? first(rule, new RegExp(`(?<![\\w!])Path(?:Prefix)?\\(\\s*${ARG}`)) ?? '/';
  const method = first(rule, new RegExp(`(?<![\\w!])Method\\(\\s*${ARG}`))?.toUpperCase() ?? 'GET';
  const headers: Record<string, string> = {};
  for (const match of rule.matchAll(new RegExp(`(?<![\\w!])Headers?\\(\\s*${ARG}\\s*,\\s*${ARG}`, 'g'))) {
    if (match[1]!.toLowerCase() !== 'host') headers[match[1]!] ??= match[2]!;
  }
  const query = [...rule.matchAll(new RegExp(`(?<![\\w!])Query\\(\\s*${ARG}(?:\\s*,\\s*${ARG})?`, 'g'))].map((m) =>
    m[2] === undefined ? m[1]! : `${encodeURIComponent(m[1]!)}=${encodeURIComponent(m[2])}`,
  );
  const withQuery = query.length ? `${path}${path.includes('?') ? '&' : '?'}${query.join('&')}` : path;
  return { method, host, path: withQuery, headers };
}

/** The end-to-end check request for a release: its live rule, with what the user set. */
export const releaseProbe = (release: Release, settings: ProbeSettings) => probeRequest(liveRule(release.routing.rule, release.routing.servicePaths), settings);
