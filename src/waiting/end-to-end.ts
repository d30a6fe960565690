import got from 'got';
import { BgError, ExitCode } from '../errors.js';
import type { Colour } from '../plan/colour.js';
import { COLOUR_HEADER } from '../plan/names.js';
import { probeRequest } from '../plan/rule.js';
import { retryUntil, type Deadline } from './retry.js';

export interface EndToEndWait {
  traefikUrl: string;
  rule: string;
  colour: Colour;
  /** Send the colour header (the preview route) or not (the live route). */
  preview: boolean;
  /** Consecutive answers from the colour needed. */
  times: number;
  deadline: Deadline;
}

/**
 * Asks through Traefik's entrypoint, as a user would, until `times`
 * consecutive answers carry X-Bluegreen-Color naming the expected colour.
 */
export async function waitAnsweredBy(wait: EndToEndWait): Promise<void> {
  const { host, path } = probeRequest(wait.rule);
  const headers: Record<string, string> = host ? { host } : {};
  if (wait.preview) headers[COLOUR_HEADER] = wait.colour;
  let streak = 0;
  let lastSeen = 'no answer yet';
  await retryUntil(
    async () => {
      try {
        const response = await got(`${wait.traefikUrl}${path}`, {
          headers,
          throwHttpErrors: false,
          retry: { limit: 0 },
          timeout: { request: 5000 },
          followRedirect: false,
        });
        const colour = response.headers[COLOUR_HEADER.toLowerCase()];
        lastSeen = `${response.statusCode}${colour ? ` from ${colour}` : ' without a colour header'}`;
        streak = colour === wait.colour && response.statusCode < 500 ? streak + 1 : 0;
      } catch (error) {
        lastSeen = (error as { code?: string }).code ?? String(error);
        streak = 0;
      }
      return streak >= wait.times ? true : undefined;
    },
    {
      deadline: wait.deadline,
      intervalMs: 50,
      onTimeout: () =>
        new BgError(
          `${wait.traefikUrl}${path}${host ? ` (Host ${host})` : ''}${wait.preview ? ` with ${COLOUR_HEADER}: ${wait.colour}` : ''} is not answered by ${wait.colour} (last: ${lastSeen})`,
          ExitCode.failedReverted,
          'check --traefik-url (Traefik\'s entrypoint) and --rule',
        ),
    },
  );
}
