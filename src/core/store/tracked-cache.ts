import type { Store, TrackedConnection } from './store.js';

/**
 * Every inventory request asks the store for the Datadog ids it tracks (Datadog cannot list
 * connections); on the embedded store that query is most of the gateway's own CPU per request.
 * This keeps each account's list for `ttlMs`, and forgets it at once when this gateway tracks or
 * untracks an id. Another replica's change shows here after at most `ttlMs`.
 */
export function withTrackedIdCache(store: Store, ttlMs = 1_000, now: () => number = Date.now): Store {
  const cached = new Map<string, { at: number; rows: Promise<TrackedConnection[]> }>();
  const forget = (account: string) => {
    cached.delete(account);
    cached.delete('');
  };
  return {
    ...store,
    listTrackedDatadogConnections(account) {
      const key = account ?? '';
      const hit = cached.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.rows.then((rows) => [...rows]);
      const rows = store.listTrackedDatadogConnections(account);
      cached.set(key, { at: now(), rows });
      rows.catch(() => cached.delete(key));
      return rows.then((r) => [...r]);
    },
    async trackDatadogConnection(account, connectionId, name) {
      try {
        return await store.trackDatadogConnection(account, connectionId, name);
      } finally {
        forget(account);
      }
    },
    async untrackDatadogConnection(account, connectionId) {
      try {
        return await store.untrackDatadogConnection(account, connectionId);
      } finally {
        forget(account);
      }
    },
  };
}
