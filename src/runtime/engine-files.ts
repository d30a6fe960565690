import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import type { DockerEngine } from './docker.js';

/** A file as the engine's archive API carries it. */
export interface EngineFile {
  /** Relative to the directory read or written. */
  name: string;
  content: Buffer;
}

/**
 * Files in a container's filesystem (and the volumes it mounts) through the
 * engine's archive API, which works on a container that was created and
 * never started: what `docker cp` does. No shell, no image of ours running
 * on the host, over whatever connection reaches the engine.
 */
export class EngineFiles {
  constructor(private readonly engine: DockerEngine) {}

  /**
   * The regular files at a path (one file, or a directory's, recursively,
   * named relative to it); undefined when the path does not exist.
   */
  async read(container: string, path: string): Promise<EngineFile[] | undefined> {
    return this.engine.call(`read ${path} of ${container}`, async () => {
      const docker = await this.engine.client();
      let archive: NodeJS.ReadableStream;
      try {
        archive = await docker.getContainer(container).getArchive({ path });
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
      return untar(archive);
    });
  }

  /** Writes files (and the directories they need) under a directory; each replaces what was there. */
  async write(container: string, dir: string, files: EngineFile[]): Promise<void> {
    await this.engine.call(`write to ${dir} of ${container}`, async () => {
      const docker = await this.engine.client();
      await docker.getContainer(container).putArchive(await tar(files), { path: dir });
    });
  }
}

/** A tar of the files, with an entry for each directory they are in (the archive API creates none by itself). */
export async function tar(files: EngineFile[]): Promise<Buffer> {
  const archive = pack();
  const dirs = new Set<string>();
  for (const { name } of files) {
    const parts = name.split('/').slice(0, -1);
    parts.forEach((_, index) => dirs.add(parts.slice(0, index + 1).join('/')));
  }
  for (const dir of [...dirs].sort()) archive.entry({ name: `${dir}/`, type: 'directory', mode: 0o700 });
  for (const { name, content } of files) archive.entry({ name, mode: 0o600 }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The regular files of a tar, named without the archive's top directory (the one asked for). */
export async function untar(archive: NodeJS.ReadableStream | Buffer): Promise<EngineFile[]> {
  const files: EngineFile[] = [];
  const reader = extract();
  const source = Buffer.isBuffer(archive) ? Readable.from([archive]) : (archive as Readable);
  source.pipe(reader);
  let top: string | undefined;
  for await (const entry of reader) {
    const name = entry.header.name.replace(/\/$/, '');
    top ??= name.split('/')[0];
    if (entry.header.type !== 'file') {
      entry.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(Buffer.from(chunk as Uint8Array));
    // A single file comes as itself; a directory's files under its name.
    const relative = name === top ? name : name.slice((top?.length ?? 0) + 1);
    files.push({ name: relative, content: Buffer.concat(chunks) });
  }
  return files;
}
