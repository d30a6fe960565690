import { LABEL } from '../plan/names.js';
import type { ContainerView } from '../runtime/docker.js';
import type { Context } from './context.js';
import { drainServices } from './drain.js';

/**
 * The app as it runs before bluegreen: containers of its targets that plain
 * `docker compose up` started in the app's own compose project (`<app>`),
 * with routers of their own on the same rule. The first switch shadows
 * them like an old colour (its live router outranks theirs); stop-old then
 * drains and stops them, kept until `bluegreen down`.
 */
export async function plainContainers(ctx: Pick<Context, 'app' | 'docker'>, services: string[]): Promise<ContainerView[]> {
  const inProject = await ctx.docker.containers({ 'com.docker.compose.project': ctx.app });
  return inProject.filter((c) => services.includes(c.labels['com.docker.compose.service'] ?? '') && !c.labels[LABEL.colour] && !c.labels[LABEL.companionOf]);
}

/** What up says when it finds the app running under plain compose. */
export const takeoverNotice = (app: string, running: { name: string }[]) =>
  `${app} runs today under plain compose (${running.map((c) => c.name).join(', ')}): the switch takes its traffic over, then stop-old drains and stops those containers (kept until \`bluegreen down\`; deploy --keep-old leaves them running)`;

/**
 * Drains and stops the plain containers of these services once the live
 * colour's router wins (the caller checked): drained by the Traefik
 * services that have one of them as a server, stopped with their own grace
 * period. Returns the names stopped.
 */
export async function stopPlainContainers(ctx: Context, services: string[]): Promise<string[]> {
  const running = (await plainContainers(ctx, services)).filter((c) => c.state === 'running');
  if (running.length === 0) return [];
  const names = running.map((c) => c.name);
  const addresses = new Set(running.flatMap((c) => Object.values(c.ips)));
  const theirs = new Set((await ctx.traefik.services()).filter((s) => s.servers.some((url) => addresses.has(hostOf(url)))).map((s) => s.name));
  if (theirs.size) await ctx.out.step(`drain ${names.join(', ')} (plain compose, taken over)`, () => drainServices(ctx, (name) => theirs.has(name)), {}, 'drain-plain');
  const stopped = [...new Set(running.map((c) => c.labels['com.docker.compose.service']!))];
  await ctx.out.step(`stop ${names.join(', ')} (kept until \`bluegreen down\`)`, () => ctx.compose.stop(ctx.app, undefined, stopped), {}, 'stop-plain');
  return names;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
};
