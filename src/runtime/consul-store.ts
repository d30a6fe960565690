import { compareText } from '../plan/compare.js';
import { BgError, ExitCode, LockLostError } from '../errors.js';
import { releaseFromYaml, releaseToYaml } from '../plan/release-file.js';
import type { Release } from '../plan/release.js';
import { emptyState, type AppState, type HistoryEntry } from '../plan/state.js';
import type { ConsulClient } from './consul.js';
import { isDeadHereHolder, lockedError } from './lock.js';
import type { HeldLock, LockHolder, StateStore } from './store.js';

const SESSION_TTL_SECONDS = 15;
const CAS_ATTEMPTS = 10;

/**
 * The same records as the file store, in Consul KV under bluegreen/<app>/:
 *   state           JSON, every write check-and-set on the index it was read at
 *   releases/N      frozen release files
 *   history/<time>  one key per entry, created with cas=0 (never overwritten)
 *   lock            a session lock: the session's TTL frees it if its holder dies
 */
export class ConsulStore implements StateStore {
  readonly location: string;
  private readonly prefix: string;

  constructor(
    private readonly consul: ConsulClient,
    readonly app: string,
  ) {
    this.prefix = `bluegreen/${app}`;
    this.location = `consul ${consul.options.address} ${this.prefix}/`;
  }

  async read(): Promise<AppState> {
    const entry = await this.consul.get(`${this.prefix}/state`);
    return entry ? (JSON.parse(entry.value) as AppState) : emptyState(this.app);
  }

  /** Read, change, write with check-and-set; a lost race is read again and retried. */
  async update(change: (state: AppState) => AppState): Promise<AppState> {
    for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
      const entry = await this.consul.get(`${this.prefix}/state`);
      const current = entry ? (JSON.parse(entry.value) as AppState) : emptyState(this.app);
      const next = change(current);
      if (await this.consul.put(`${this.prefix}/state`, JSON.stringify(next), entry?.modifyIndex ?? 0)) return next;
    }
    throw new BgError(`${this.prefix}/state kept changing under ${CAS_ATTEMPTS} check-and-set writes`, ExitCode.needsPerson, "another writer is changing this app's state without its lock");
  }

  async saveRelease(release: Release): Promise<void> {
    await this.consul.put(`${this.prefix}/releases/${release.number}`, releaseToYaml(release));
  }

  async loadRelease(number: number): Promise<Release | undefined> {
    const entry = await this.consul.get(`${this.prefix}/releases/${number}`);
    return entry ? releaseFromYaml(entry.value) : undefined;
  }

  async releaseNumbers(): Promise<number[]> {
    const entries = await this.consul.list(`${this.prefix}/releases/`);
    return entries
      .map((e) => Number(e.key.split('/').at(-1)))
      .filter(Number.isInteger)
      .sort((a, b) => a - b);
  }

  async deleteRelease(number: number): Promise<void> {
    await this.consul.delete(`${this.prefix}/releases/${number}`);
  }

  async appendHistory(entry: HistoryEntry): Promise<void> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const key = `${this.prefix}/history/${Date.now().toString().padStart(15, '0')}-${process.pid}-${attempt}`;
      if (await this.consul.put(key, JSON.stringify(entry), 0)) return;
    }
    throw new BgError(`could not append to ${this.prefix}/history`, ExitCode.needsPerson);
  }

  async history(): Promise<HistoryEntry[]> {
    const entries = await this.consul.list(`${this.prefix}/history/`);
    return entries.sort((a, b) => compareText(a.key, b.key)).map((e) => JSON.parse(e.value) as HistoryEntry);
  }

  async lock(holder: LockHolder, waitMs: number): Promise<HeldLock> {
    const key = `${this.prefix}/lock`;
    const session = await this.consul.createSession(`bluegreen ${this.app} ${holder.by}@${holder.host}`, SESSION_TTL_SECONDS);
    // Renewed at a third of the TTL from now on, also while waiting for the
    // lock; if the process dies, Consul ends the session after the TTL and
    // deletes the lock key with it. A renewal Consul refuses (the session is
    // gone), or none that succeeded for a whole TTL, means the lock is lost.
    let lost: string | undefined;
    let renewedAt = Date.now();
    const renew = setInterval(
      () => {
        this.consul.renewSession(session).then(
          (alive) => (alive ? (renewedAt = Date.now()) : (lost ??= `its Consul session ${session} is gone`)),
          () => {
            if (Date.now() - renewedAt > SESSION_TTL_SECONDS * 1000) lost ??= `its Consul session could not be renewed for ${SESSION_TTL_SECONDS}s`;
          },
        );
      },
      (SESSION_TTL_SECONDS * 1000) / 3,
    );
    renew.unref();
    const deadline = Date.now() + waitMs;
    try {
      while (!(await this.consul.acquire(key, JSON.stringify(holder), session))) {
        if (await this.recoverDeadHolder(key)) continue;
        if (Date.now() >= deadline) {
          const current = await this.consul.get(key);
          throw lockedError(current?.value ? (JSON.parse(current.value) as LockHolder) : undefined, `${this.consul.options.address} ${key}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } catch (error) {
      clearInterval(renew);
      await this.consul.destroySession(session).catch(() => undefined);
      throw error;
    }
    return {
      // Released first (a release starts no lock-delay), then the session is
      // destroyed, which deletes the key it held (Behavior: delete).
      release: async () => {
        clearInterval(renew);
        if (await this.consul.release(key, session).catch(() => false)) {
          // Gone unless someone took it since (check-and-set on the released key).
          const released = await this.consul.get(key).catch(() => undefined);
          if (released && !released.session) await this.consul.delete(key, { cas: released.modifyIndex }).catch(() => undefined);
        }
        await this.consul.destroySession(session).catch(() => undefined);
      },
      assertHeld: async () => {
        if (lost) throw new LockLostError(lost);
        const current = await this.consul.get(key);
        if (current?.session !== session) {
          lost = current?.session ? `${key} is now held by session ${current.session}` : `${key} is no longer held by its Consul session ${session}`;
          throw new LockLostError(lost);
        }
      },
    };
  }

  /**
   * A holder on this host whose process is gone will never release: its
   * session is destroyed now instead of waiting out the TTL.
   */
  private async recoverDeadHolder(key: string): Promise<boolean> {
    const current = await this.consul.get(key);
    if (!current?.session || !current.value) return false;
    const holder = JSON.parse(current.value) as LockHolder;
    if (!isDeadHereHolder(holder)) return false;
    // Released before its session is destroyed: an invalidated session would
    // hold the key back for the lock-delay.
    await this.consul.release(key, current.session).catch(() => undefined);
    await this.consul.destroySession(current.session);
    return true;
  }

  async breakLock(): Promise<LockHolder | undefined> {
    const key = `${this.prefix}/lock`;
    const current = await this.consul.get(key);
    await this.consul.delete(key);
    // A key no session holds is a lock released already (its value is the last holder's).
    return current?.session && current.value ? (JSON.parse(current.value) as LockHolder) : undefined;
  }
}
