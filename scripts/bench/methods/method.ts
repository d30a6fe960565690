import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../bench-env.js';
import type { ComposeDoc } from '../compose-files.js';
import type { Command } from '../exec.js';
import type { MethodId } from '../types.js';

/** One way of shipping a release, set up in a temporary directory of its own. */
export interface DeployMethod {
  readonly id: MethodId;
  /** Traefik routes Host(`host`) to it; the load and the probe ask for it. */
  readonly host: string;
  /** Writes its files; deploys nothing. */
  setUp(): Promise<void>;
  /** The command a user of this method runs to ship `release`, with the app's environment. */
  deploy(release: string, appEnv: Record<string, string>): Command;
  /** Removes everything it ran and its directory, whatever state it is in. */
  tearDown(): Promise<void>;
}

export const hostRule = (host: string) => `Host(\`${host}\`)`;

export function readSample(): ComposeDoc {
  return parse(readFileSync(join(ROOT, 'compose', 'docker-compose.yml'), 'utf8')) as ComposeDoc;
}

/** A temporary working directory with a compose file (and more files) in it. */
export class WorkDir {
  readonly path: string;

  constructor(prefix: string) {
    this.path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  }

  writeCompose(doc: ComposeDoc): void {
    this.write('docker-compose.yml', `# Written by scripts/bench for one benchmark run.\n${stringify(doc)}`);
  }

  write(name: string, text: string): void {
    writeFileSync(join(this.path, name), text);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
