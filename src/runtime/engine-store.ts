import { compareText } from '../plan/compare.js';
import { LockLostError } from '../errors.js';
import { LABEL } from '../plan/names.js';
import { releaseFromYaml, releaseToYaml } from '../plan/release-file.js';
import type { Release } from '../plan/release.js';
import { emptyState, type AppState, type HistoryEntry } from '../plan/state.js';
import { lockIsStale, LOCK_HEARTBEAT_MS } from '../plan/engine-lock.js';
import type { DockerEngine } from './docker.js';
import { EngineFiles, tar, type EngineFile } from './engine-files.js';
import { isDeadHereHolder, lockedError } from './lock.js';
import type { HeldLock, LockHolder, StateStore } from './store.js';

/** What the store is made of on the engine: the same for every app. */
export const ENGINE_STORE = {
  volume: 'bluegreen-state',
  /** A container created, never started, that mounts the volume: the archive API reads and writes through it. */
  holder: 'bluegreen-state',
  /** An image of one empty directory, imported on the host (no registry needed). */
  image: 'bluegreen-state:1',
  mount: '/state',
} as const;

const lockContainer = (app: string) => `bluegreen-lock-${app}`;
const HOLDER_LABEL = 'io.bluegreen.lock-holder';

/**
 * The app's state on the Docker engine's host, where every runner that
 * deploys to it finds it (the default when the engine is not this
 * machine's own): the file store's records, in the volume bluegreen-state
 * under <app>/, read and written with the engine's archive API.
 *   state.json, releases/N.yml   replaced whole (writers hold the app's lock)
 *   history/<time>-<id>.json     one file per entry, never rewritten
 * Nothing can be deleted through that API: a pruned release is an empty file.
 * The lock is a container named bluegreen-lock-<app>: the engine creates a
 * name once (a second create is refused), and its holder writes a heartbeat
 * (the engine's own clock) into it; a lock whose heartbeat stopped is stale.
 */
export class EngineStore implements StateStore {
  readonly location: string;
  private readonly files: EngineFiles;
  private ready?: Promise<void>;

  constructor(
    private readonly engine: DockerEngine,
    readonly app: string,
  ) {
    this.files = new EngineFiles(engine);
    this.location = `volume ${ENGINE_STORE.volume} on the engine ${engine.connection.name} (${app}/)`;
  }

  async read(): Promise<AppState> {
    const [file] = (await this.readFiles('state.json')) ?? [];
    return file?.content.length ? (JSON.parse(file.content.toString('utf8')) as AppState) : emptyState(this.app);
  }

  async update(change: (state: AppState) => AppState): Promise<AppState> {
    const next = change(await this.read());
    await this.writeFiles([{ name: 'state.json', content: Buffer.from(`${JSON.stringify(next, null, 2)}\n`) }]);
    return next;
  }

  async saveRelease(release: Release): Promise<void> {
    await this.writeFiles([{ name: `releases/${release.number}.yml`, content: Buffer.from(releaseToYaml(release)) }]);
  }

  async loadRelease(number: number): Promise<Release | undefined> {
    const [file] = (await this.readFiles(`releases/${number}.yml`)) ?? [];
    return file?.content.length ? releaseFromYaml(file.content.toString('utf8')) : undefined;
  }

  async releaseNumbers(): Promise<number[]> {
    const files = (await this.readFiles('releases')) ?? [];
    return files
      .filter((f) => f.content.length > 0)
      .map((f) => /^(\d+)\.yml$/.exec(f.name)?.[1])
      .filter((n): n is string => !!n)
      .map(Number)
      .sort((a, b) => a - b);
  }

  async deleteRelease(number: number): Promise<void> {
    await this.writeFiles([{ name: `releases/${number}.yml`, content: Buffer.alloc(0) }]);
  }

  async appendHistory(entry: HistoryEntry): Promise<void> {
    const id = `${entry.at.replace(/[:.]/g, '-')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    await this.writeFiles([{ name: `history/${id}.json`, content: Buffer.from(JSON.stringify(entry)) }]);
  }

  async history(): Promise<HistoryEntry[]> {
    const files = (await this.readFiles('history')) ?? [];
    return files
      .sort((a, b) => compareText(a.name, b.name))
      .flatMap((file) => {
        try {
          return [JSON.parse(file.content.toString('utf8')) as HistoryEntry];
        } catch {
          return [];
        }
      });
  }

  async lock(holder: LockHolder, waitMs: number): Promise<HeldLock> {
    await this.prepare();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const id = await this.tryLock(holder);
      if (id) return this.held(id);
      const current = await this.readLock();
      if (current && (isDeadHereHolder(current.holder) || lockIsStale(current, await this.engine.systemTime()))) {
        await this.removeContainer(current.id);
        continue;
      }
      if (Date.now() >= deadline) throw lockedError(current?.holder, `container ${lockContainer(this.app)} on ${this.engine.connection.name}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async breakLock(): Promise<LockHolder | undefined> {
    const current = await this.readLock();
    if (current) await this.removeContainer(current.id);
    return current?.holder;
  }

  /** The lock held: a heartbeat every few seconds, as long as this command runs. */
  private held(id: string): HeldLock {
    const beat = async () => {
      const now = await this.engine.systemTime();
      await this.files.write(id, '/', [{ name: 'heartbeat', content: Buffer.from(String(now)) }]);
    };
    const timer = setInterval(() => void beat().catch(() => undefined), LOCK_HEARTBEAT_MS);
    timer.unref();
    return {
      release: async () => {
        clearInterval(timer);
        await this.removeContainer(id);
      },
      assertHeld: async () => {
        const current = await this.readLock();
        if (current?.id !== id) {
          throw new LockLostError(
            current ? `${lockContainer(this.app)} now belongs to ${current.holder.by}@${current.holder.host}, pid ${current.holder.pid}` : `${lockContainer(this.app)} was removed`,
          );
        }
      },
    };
  }

  /** The lock container's ID if this command created it; undefined when it exists already. */
  private async tryLock(holder: LockHolder): Promise<string | undefined> {
    return this.engine.call(`create ${lockContainer(this.app)}`, async () => {
      const docker = await this.engine.client();
      try {
        const container = await docker.createContainer({
          name: lockContainer(this.app),
          Image: ENGINE_STORE.image,
          Cmd: ['/never-started'],
          Labels: { [LABEL.managed]: 'true', [LABEL.role]: 'lock', [LABEL.app]: this.app, [HOLDER_LABEL]: JSON.stringify(holder) },
          HostConfig: { NetworkMode: 'none' },
        });
        return container.id;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 409) return undefined;
        throw error;
      }
    });
  }

  private async readLock(): Promise<{ id: string; holder: LockHolder; createdAt: number; heartbeatAt?: number } | undefined> {
    return this.engine.call(`read ${lockContainer(this.app)}`, async () => {
      const docker = await this.engine.client();
      let info: { Id: string; Created: string; Config: { Labels?: Record<string, string> } };
      try {
        info = await docker.getContainer(lockContainer(this.app)).inspect();
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
      const [beat] = (await this.files.read(info.Id, '/heartbeat').catch(() => undefined)) ?? [];
      let holder: LockHolder;
      try {
        holder = JSON.parse(info.Config.Labels?.[HOLDER_LABEL] ?? '') as LockHolder;
      } catch {
        holder = { by: 'unknown', host: 'unknown', pid: 0, command: 'unknown', since: info.Created };
      }
      return { id: info.Id, holder, createdAt: Date.parse(info.Created), heartbeatAt: beat ? Number(beat.content.toString('utf8')) : undefined };
    });
  }

  private async removeContainer(id: string): Promise<void> {
    await this.engine.call(`remove ${lockContainer(this.app)}`, async () => {
      const docker = await this.engine.client();
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) throw error;
        });
    });
  }

  private async readFiles(path: string): Promise<EngineFile[] | undefined> {
    await this.prepare();
    return this.files.read(ENGINE_STORE.holder, `${ENGINE_STORE.mount}/${this.app}/${path}`);
  }

  private async writeFiles(files: EngineFile[]): Promise<void> {
    await this.prepare();
    await this.files.write(
      ENGINE_STORE.holder,
      ENGINE_STORE.mount,
      files.map((f) => ({ ...f, name: `${this.app}/${f.name}` })),
    );
  }

  /** The volume, the image and the holder container, made once by whichever command first needs them. */
  private prepare(): Promise<void> {
    return (this.ready ??= this.makeStore().catch((error) => {
      this.ready = undefined;
      throw error;
    }));
  }

  private async makeStore(): Promise<void> {
    const labels = { [LABEL.managed]: 'true', [LABEL.role]: 'state' };
    await this.engine.call('prepare the state store', async () => {
      const docker = await this.engine.client();
      const exists = await docker
        .getContainer(ENGINE_STORE.holder)
        .inspect()
        .then(
          () => true,
          (error: { statusCode?: number }) => {
            if (error.statusCode === 404) return false;
            throw error;
          },
        );
      if (exists) return;
      await this.engine.ensureVolume(ENGINE_STORE.volume, labels);
      if (!(await this.engine.imageId(ENGINE_STORE.image))) {
        const [repo, tag] = ENGINE_STORE.image.split(':');
        const rootfs = await tar([{ name: 'state/.bluegreen', content: Buffer.from('the mount point of the volume bluegreen-state\n') }]);
        const stream = await docker.importImage(rootfs as unknown as string, { repo, tag, changes: [`LABEL ${LABEL.managed}=true`] } as object);
        await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve(undefined))));
      }
      await docker
        .createContainer({
          name: ENGINE_STORE.holder,
          Image: ENGINE_STORE.image,
          Cmd: ['/never-started'],
          Labels: labels,
          HostConfig: { Binds: [`${ENGINE_STORE.volume}:${ENGINE_STORE.mount}`], NetworkMode: 'none' },
        })
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 409) throw error; // made meanwhile by another command
        });
    });
  }
}
