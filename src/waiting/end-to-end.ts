import { ConnectionLostError } from '../errors.js';
import { BgError, ExitCode } from '../errors.js';
import type { Colour } from '../plan/colour.js';
import { COLOUR_HEADER } from '../plan/names.js';
import { formatStatuses, statusAccepted, type ProbeRequest, type StatusRange } from '../plan/probe.js';
import { certificateError, isCertificateError, type EntrypointAnswer } from '../runtime/entrypoint.js';
import type { TraefikEntrypoint } from '../core/ports.js';
import { retryUntil, type Deadline } from './retry.js';

export interface EndToEndWait {
  entrypoint: TraefikEntrypoint;
  probe: ProbeRequest;
  statuses: StatusRange[];
  colour: Colour;
  /** The request's own headers: the preview route's, or none for the live route (core/launch.ts checkHeaders). */
  headers: Record<string, string>;
  /** Consecutive answers from the colour needed. */
  times: number;
  deadline: Deadline;
  /**
   * How long answers may stay wrong before the wait fails. It starts once
   * Traefik's API shows the route, and the API is built in the same reload
   * as the routing: an answer still wrong after a few seconds (another
   * router's 404, a redirect) will not become right by waiting.
   */
  wrongForMs?: number;
}

export const WRONG_ANSWER_MS = 3000;

/**
 * Asks through Traefik's entrypoint, as a user would, until `times`
 * consecutive answers carry X-Bluegreen-Color naming the expected colour
 * with a status that counts as answered.
 */
export async function waitAnsweredBy(wait: EndToEndWait): Promise<void> {
  const extra = wait.headers;
  const wrongForMs = wait.wrongForMs ?? WRONG_ANSWER_MS;
  let streak = 0;
  let lastSeen = 'no answer yet';
  let wrongSince: number | undefined;
  const failure = (why: string) => new BgError(`${describeRequest(wait)} is not answered by ${wait.colour}: ${why}`, ExitCode.failedReverted, hintFor(lastSeen, wait));
  await retryUntil(
    async () => {
      let answer: EntrypointAnswer;
      try {
        answer = await wait.entrypoint.request(wait.probe, extra);
      } catch (error) {
        if (isCertificateError(error)) throw certificateError(wait.entrypoint.url, wait.probe.host, error);
        if (error instanceof ConnectionLostError) throw error;
        lastSeen = (error as { code?: string }).code ?? String(error);
        streak = 0;
        return undefined;
      }
      const colour = answer.headers[COLOUR_HEADER.toLowerCase()];
      const right = colour === wait.colour && statusAccepted(answer.status, wait.statuses);
      lastSeen = describeAnswer(answer, colour);
      if (right) {
        streak += 1;
        wrongSince = undefined;
        return streak >= wait.times ? true : undefined;
      }
      streak = 0;
      wrongSince ??= Date.now();
      if (Date.now() - wrongSince >= wrongForMs) throw failure(`for ${(wrongForMs / 1000).toFixed(1)}s after Traefik's API showed the route, the answer was ${lastSeen}`);
      return undefined;
    },
    { deadline: wait.deadline, intervalMs: 50, onTimeout: () => failure(`last: ${lastSeen}`) },
  );
}

function describeRequest(wait: EndToEndWait): string {
  const { probe } = wait;
  return `${probe.method === 'GET' ? '' : `${probe.method} `}${wait.entrypoint.url}${probe.path}${probe.host ? ` (Host ${probe.host})` : ''}${Object.keys(wait.headers).length ? ` with ${Object.keys(wait.headers).join(', ')}` : ''}`;
}

function describeAnswer(answer: EntrypointAnswer, colour: string | string[] | undefined): string {
  const from = colour ? `from ${colour}` : 'without a colour header (not a bluegreen router)';
  const location = answer.status >= 300 && answer.status < 400 && answer.headers.location ? ` redirecting to ${answer.headers.location}` : '';
  return `${answer.status} ${from}${location}`;
}

function hintFor(lastSeen: string, wait: EndToEndWait): string {
  if (/redirecting to https:/.test(lastSeen)) return 'this entrypoint redirects to TLS: point --traefik-url at the https:// entrypoint the app is routed on';
  if (/without a colour header/.test(lastSeen)) return 'another router answers this request: check --traefik-url, --rule, and --probe-host / --probe-path for rules without a plain Host or Path';
  const from = /^\d{3} from (\S+)/.exec(lastSeen)?.[1];
  if (from && from !== wait.colour) return `${from} answers this request, not ${wait.colour}: another colour (or another app on the same rule) wins it; check \`bluegreen status\` and --rule`;
  if (from) return `the app answered with a status outside --probe-status ${formatStatuses(wait.statuses)}: set --probe-path or --probe-status`;
  return "check --traefik-url (Traefik's entrypoint) and --rule";
}
