import { named } from '../config/registry.js';
import { existsSync } from 'node:fs';
import { appendFile, chmod, cp, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BgError, ExitCode, LockLostError } from '../errors.js';
import { isDeadHereHolder, lockedError } from './lock.js';
import { releaseFromYaml, releaseToYaml } from '../plan/release-file.js';
import type { Release } from '../plan/release.js';
import { emptyState, type AppState, type HistoryEntry } from '../plan/state.js';
import type { HeldLock, LockHolder, StateStore } from './store.js';

/**
 * The embedded store: `<root>/<app>/`, the root being one per user and
 * engine (runtime/state-dir.ts) or --state-dir.
 *   state.json        written atomically (temp file, then rename)
 *   releases/N.yml    frozen release files
 *   history.jsonl     append-only, one JSON line per operation
 *   lock              the lock file; stale when its process is gone
 * Release files hold the interpolated environment (values from .env and
 * env_file): files are 0600 and directories 0700, and the root holds a
 * .gitignore so that none of it is committed by accident (--state-dir in a checkout).
 */
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

export class FileStore implements StateStore {
  readonly location: string;

  /** root: the directory of all apps' stores (runtime/state-dir.ts). */
  constructor(
    root: string,
    readonly app: string,
  ) {
    this.location = join(root, app);
  }

  /**
   * Takes over the state an older release kept in a checkout (legacy dir):
   * moved here when this store has none yet, else left alone ('ignored').
   */
  async takeOver(legacy: string): Promise<'moved' | 'ignored' | undefined> {
    if (!existsSync(join(legacy, 'state.json'))) return undefined;
    if (existsSync(this.path('state.json'))) return 'ignored';
    await this.ensureDir(this.location);
    await cp(legacy, this.location, { recursive: true, force: false, errorOnExist: false }).catch((error: unknown) => {
      throw unwritable(this.location, error);
    });
    await rm(legacy, { recursive: true, force: true });
    return 'moved';
  }

  private path(...parts: string[]) {
    return join(this.location, ...parts);
  }

  async read(): Promise<AppState> {
    try {
      return JSON.parse(await readFile(this.path('state.json'), 'utf8')) as AppState;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(this.app);
      throw new BgError(`${this.path('state.json')} is unreadable: ${(error as Error).message}`, ExitCode.needsPerson, 'repair or remove it; bluegreen rebuilds what it can from the containers');
    }
  }

  async update(change: (state: AppState) => AppState): Promise<AppState> {
    const next = change(await this.read());
    await this.writeAtomically('state.json', `${JSON.stringify(next, null, 2)}\n`);
    return next;
  }

  async saveRelease(release: Release): Promise<void> {
    await this.writeAtomically(join('releases', `${release.number}.yml`), releaseToYaml(release));
  }

  async loadRelease(number: number): Promise<Release | undefined> {
    try {
      return releaseFromYaml(await readFile(this.path('releases', `${number}.yml`), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async releaseNumbers(): Promise<number[]> {
    const names = await readdir(this.path('releases')).catch(() => [] as string[]);
    return names
      .map((n) => /^(\d+)\.yml$/.exec(n)?.[1])
      .filter((n): n is string => !!n)
      .map(Number)
      .sort((a, b) => a - b);
  }

  async deleteRelease(number: number): Promise<void> {
    await rm(this.path('releases', `${number}.yml`), { force: true });
  }

  async appendHistory(entry: HistoryEntry): Promise<void> {
    await this.ensureDir(this.location);
    await appendFile(this.path('history.jsonl'), `${JSON.stringify(entry)}\n`, { mode: PRIVATE_FILE });
  }

  async history(): Promise<HistoryEntry[]> {
    const text = await readFile(this.path('history.jsonl'), 'utf8').catch(() => '');
    // A line torn by a kill mid-write is skipped, not fatal.
    return text.split('\n').flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as HistoryEntry] : [];
      } catch {
        return [];
      }
    });
  }

  async lock(holder: LockHolder, waitMs: number): Promise<HeldLock> {
    await this.ensureDir(this.location);
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await this.tryLock(holder)) {
        return {
          release: () => this.removeIfStill(holder),
          assertHeld: async () => {
            const current = await this.readLock();
            if (!current || current.pid !== holder.pid || current.since !== holder.since || current.host !== holder.host) {
              throw new LockLostError(current ? `${this.path('lock')} now names ${current.by}@${current.host}, pid ${current.pid}` : `${this.path('lock')} was removed`);
            }
          },
        };
      }
      const current = await this.readLock();
      if (current && isDeadHereHolder(current)) {
        // Its process is gone (same host, dead pid): the lock is recovered.
        await this.removeIfStill(current);
        continue;
      }
      if (Date.now() >= deadline) throw lockedError(current, this.path('lock'));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async breakLock(): Promise<LockHolder | undefined> {
    const current = await this.readLock();
    await rm(this.path('lock'), { force: true });
    return current;
  }

  /**
   * The lock file appears with its content in one step (a hard link to a
   * file already written), so no one ever reads a lock without its holder.
   */
  private async tryLock(holder: LockHolder): Promise<boolean> {
    const written = this.path(`lock.${process.pid}.tmp`);
    await writeFile(written, JSON.stringify(holder), { mode: PRIVATE_FILE });
    try {
      await link(written, this.path('lock'));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(written, { force: true });
    }
  }

  /** Removes the lock only if it is still the given holder's (not one taken since). */
  private async removeIfStill(holder: LockHolder): Promise<void> {
    const current = await this.readLock();
    if (current && current.pid === holder.pid && current.since === holder.since && current.host === holder.host) {
      await rm(this.path('lock'), { force: true });
    }
  }

  /** The directory and those up to the root, private to the user (also when an older version made them). */
  private async ensureDir(dir: string): Promise<void> {
    const top = dirname(this.location);
    try {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
      for (let at = dir; at.startsWith(top); at = dirname(at)) await chmod(at, PRIVATE_DIR);
    } catch (error) {
      throw unwritable(dir, error);
    }
    await writeFile(join(top, '.gitignore'), '# bluegreen state: release files hold the environment, secrets included\n*\n', { flag: 'wx', mode: PRIVATE_FILE }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
  }

  private async readLock(): Promise<LockHolder | undefined> {
    try {
      return JSON.parse(await readFile(this.path('lock'), 'utf8')) as LockHolder;
    } catch {
      return undefined;
    }
  }

  private async writeAtomically(relative: string, content: string): Promise<void> {
    const target = this.path(relative);
    await this.ensureDir(dirname(target));
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, content, { mode: PRIVATE_FILE });
    await rename(temporary, target);
  }
}

/** The store's directory cannot be made or written (a read-only or foreign home): exit 2, before anything changes. */
function unwritable(dir: string, error: unknown): BgError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new BgError(`the state directory ${dir} cannot be written (${code})`, ExitCode.usage, `pass ${named('stateDir')} with a directory this user can write, or use --state consul`);
}
