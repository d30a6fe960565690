// npm run bench:picture -- .cache/bench/full-latest.json: draws a run's
// picture again from its JSON (every deploy's timeline and marks are in it),
// as .cache/bench/<profile>-<its start time>.svg and <profile>-latest.svg.
import { readFileSync } from 'node:fs';
import { benchmarkRows, soakRows, writePicture } from './picture-of-run.js';
import type { DeployWindow } from './types.js';

type DeployJson = {
  method: DeployWindow['method'];
  profile: DeployWindow['profile'];
  step?: DeployWindow['step'];
  round: number;
  release: string;
  exit_code: number;
  return_s: number;
  first_new_release_s: number | null;
  responses: number;
  non_2xx: number;
  statuses: Record<string, number>;
  errors: DeployWindow['load']['errors'];
  load_s: number;
  started_at_ms: number;
  marks: DeployWindow['marks'];
  timeline_bucket_ms: number;
  timeline: DeployWindow['load']['timeline'];
};

const file = process.argv[2];
if (!file) throw new Error('usage: redraw.ts <.cache/bench/...-latest.json>');
const report = JSON.parse(readFileSync(file, 'utf8')) as {
  profile: string;
  started_at: string;
  machine: { nproc: number; traefik: string; date: string };
  settings: { rounds: number; load: { clients: number; think_ms: number } };
  deploys: DeployJson[];
};
const windows: DeployWindow[] = report.deploys.map((d) => ({
  method: d.method,
  profile: d.profile,
  step: d.step,
  round: d.round,
  release: d.release,
  exitCode: d.exit_code,
  returnMs: d.return_s * 1000,
  firstNewMs: d.first_new_release_s === null ? undefined : d.first_new_release_s * 1000,
  startedAtWallMs: d.started_at_ms,
  marks: d.marks,
  load: { responses: d.responses, non2xx: d.non_2xx, errors: d.errors, statuses: d.statuses, durationMs: d.load_s * 1000, latency: [], bucketMs: d.timeline_bucket_ms, timeline: d.timeline },
}));
const { machine, settings } = report;
const load = `${settings.load.clients} keep-alive clients, ${settings.load.think_ms} ms think time; ${machine.nproc} cores, Traefik ${machine.traefik}, ${machine.date.slice(0, 10)}`;
const soak = report.profile === 'soak';
const methods = new Set(windows.map((w) => w.method)).size;
const title = soak ? `bluegreen soak: ${windows.length / 2} deploys, each followed by a rollback` : `Deploys under load: ${methods} methods, ${settings.rounds} rounds`;
const subtitle = `answered and failed requests per second around each ${soak ? 'command' : 'deploy (t = 0: the command starts)'}\n${load}`;
console.log(writePicture(report.profile, new Date(report.started_at), title, subtitle, soak ? soakRows(windows) : benchmarkRows(windows)));
