/**
 * The engine store's lock (runtime/engine-store.ts) is a container whose
 * holder writes a heartbeat, by the engine's clock, every few seconds. A
 * holder that stopped (killed, its runner gone, its connection cut) stops
 * beating; after a lease of several beats its lock is stale and the next
 * command takes it. Times are the engine's, so runners' clocks never matter.
 */
export const LOCK_HEARTBEAT_MS = 5_000;
export const LOCK_LEASE_MS = 30_000;

export function lockIsStale(lock: { createdAt: number; heartbeatAt?: number }, engineNow: number, leaseMs = LOCK_LEASE_MS): boolean {
  const lastSign = Math.max(lock.createdAt, lock.heartbeatAt ?? 0);
  return Number.isFinite(lastSign) && engineNow - lastSign > leaseMs;
}
