import { COLOUR_HEADER, PREVIEW_KEY_HEADER } from './names.js';
import type { Colour } from './colour.js';

/** The live rule: the user's rule, narrowed to the service paths when given. */
export function liveRule(rule: string, servicePaths: string[]): string {
  if (servicePaths.length === 0) return rule;
  const paths = servicePaths.map((path) => `PathPrefix(\`${path}\`)`).join(' || ');
  return `(${rule}) && (${servicePaths.length > 1 ? `(${paths})` : paths})`;
}

/**
 * The preview rule: the colour header and, for colours launched with one,
 * the app's preview key. Without the key, a request naming a colour is
 * answered by the live router like any other (a stranger cannot reach a
 * candidate, or an old release kept for rollback).
 */
export function previewRule(live: string, colour: Colour, previewKey?: string): string {
  const key = previewKey ? ` && Header(\`${PREVIEW_KEY_HEADER}\`, \`${previewKey}\`)` : '';
  return `(${live}) && Header(\`${COLOUR_HEADER}\`, \`${colour}\`)${key}`;
}

/** The check rule (colour_header: preview): the live rule, for a request carrying the preview key. */
export const checkRule = (live: string, previewKey: string) => `(${live}) && Header(\`${PREVIEW_KEY_HEADER}\`, \`${previewKey}\`)`;

export const defaultRule = (app: string) => `Host(\`${app}.localhost\`)`;
