import { COLOUR_HEADER } from './names.js';
import type { Colour } from './colour.js';

/** The live rule: the user's rule, narrowed to the service paths when given. */
export function liveRule(rule: string, servicePaths: string[]): string {
  if (servicePaths.length === 0) return rule;
  const paths = servicePaths.map((path) => `PathPrefix(\`${path}\`)`).join(' || ');
  return `(${rule}) && (${servicePaths.length > 1 ? `(${paths})` : paths})`;
}

export const previewRule = (live: string, colour: Colour) => `(${live}) && Header(\`${COLOUR_HEADER}\`, \`${colour}\`)`;

export const defaultRule = (app: string) => `Host(\`${app}.localhost\`)`;

/**
 * A request that the rule matches, to check routing end to end: the first
 * Host() and the first Path()/PathPrefix() of the rule. Good for the rules
 * people write for web apps; a rule it cannot satisfy makes the end-to-end
 * check fail with a clear message rather than pass wrongly.
 */
export function probeRequest(rule: string): { host?: string; path: string } {
  const host = /Host\(\s*`([^`]+)`/.exec(rule)?.[1];
  const path = /Path(?:Prefix)?\(\s*`([^`]+)`/.exec(rule)?.[1] ?? '/';
  return { host, path };
}
