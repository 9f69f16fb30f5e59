import type { Store, TrackedConnection } from './store.js';
import type { TrackedInvalidations } from './tracked-notify.js';

/** How long a list is kept while change notifications arrive: a safety net for a notification lost in transit. */
export const LISTENING_TTL_MS = 60_000;

export interface TrackedIdCacheOptions {
  /** How long a list is kept when no notifications arrive (the embedded store, or the listener is down); default 1 s. */
  readonly ttlMs?: number;
  readonly now?: () => number;
  /** Other replicas' changes (PostgreSQL LISTEN, tracked-notify.ts); absent, only `ttlMs` bounds staleness. */
  readonly invalidations?: TrackedInvalidations;
  /** Told when a change could not be announced to the other replicas (they see it after their expiry). */
  readonly onNotifyFailed?: (error: unknown) => void;
}

/**
 * Every inventory request asks the store for the Datadog ids it tracks (Datadog cannot list
 * connections); on the embedded store that query is most of the gateway's own CPU per request.
 * This keeps each account's list, and forgets it at once when this gateway tracks or untracks an
 * id. A change on this replica is announced to the others (`Store.notifyTrackedChange`); with
 * `invalidations` listening, another replica's change is forgotten as its notification arrives
 * (within milliseconds) and lists are kept up to {@link LISTENING_TTL_MS}; otherwise another
 * replica's change shows here after at most `ttlMs`.
 */
export function withTrackedIdCache(store: Store, options: TrackedIdCacheOptions = {}): Store {
  const ttlMs = options.ttlMs ?? 1_000;
  const now = options.now ?? Date.now;
  const { invalidations } = options;
  const cached = new Map<string, { at: number; rows: Promise<TrackedConnection[]> }>();
  const forget = (account: string) => {
    cached.delete(account);
    cached.delete('');
  };
  invalidations?.subscribe({ forget, forgetAll: () => cached.clear() });
  const announce = async (account: string) => {
    try {
      await store.notifyTrackedChange(account);
    } catch (error) {
      options.onNotifyFailed?.(error);
    }
  };
  return {
    ...store,
    listTrackedDatadogConnections(account) {
      const key = account ?? '';
      const hit = cached.get(key);
      const ttl = invalidations?.listening() ? LISTENING_TTL_MS : ttlMs;
      if (hit && now() - hit.at < ttl) return hit.rows.then((rows) => [...rows]);
      const rows = store.listTrackedDatadogConnections(account);
      const entry = { at: now(), rows };
      cached.set(key, entry);
      // A failed read is not kept; nor is one a notification made stale while it ran (the entry was replaced or forgotten).
      rows.catch(() => {
        if (cached.get(key) === entry) cached.delete(key);
      });
      return rows.then((r) => [...r]);
    },
    async trackDatadogConnection(account, connectionId, name) {
      try {
        return await store.trackDatadogConnection(account, connectionId, name);
      } finally {
        forget(account);
        await announce(account);
      }
    },
    async untrackDatadogConnection(account, connectionId) {
      try {
        return await store.untrackDatadogConnection(account, connectionId);
      } finally {
        forget(account);
        await announce(account);
      }
    },
  };
}
