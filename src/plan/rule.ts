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
