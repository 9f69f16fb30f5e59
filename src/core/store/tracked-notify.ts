import type { Client } from 'pg';
import type { Logger } from '../logger.js';
import { parseEventNotice, type EventNoticeListener, type EventNotices } from './event-notify.js';
import { EVENTS_CHANNEL } from './history-store.js';
import { TRACKED_CHANNEL } from './store.js';

/**
 * Cross-replica coherence of the tracked Datadog ids. Every replica keeps each account's list in
 * a short-lived cache (tracked-cache.ts); a track or untrack on any replica sends
 * `NOTIFY patchbay_tracked, '<account>'` (`Store.notifyTrackedChange`), and this listener, on a
 * connection of its own, forgets that account's list the moment the notification arrives.
 *
 * `LISTEN` needs a session that stays open, which PgBouncer's transaction pooling does not give:
 * `PATCHBAY_DATABASE_LISTEN_URL` names a direct connection to the server for it (the main URL
 * otherwise). A lost connection is reopened with a growing pause; while it is down, `listening()`
 * is false and the cache falls back to its short expiry (a change elsewhere shows within it).
 */
export interface TrackedInvalidations {
  /** True while notifications arrive: the cache may keep lists until told otherwise. */
  listening(): boolean;
  /** `forget(account)` runs for every change announced by any replica (this one included); `forgetAll` when listening resumes after a gap. */
  subscribe(listener: { forget(account: string): void; forgetAll(): void }): () => void;
  close(): Promise<void>;
}

/**
 * Everything a replica hears from the others, on one LISTEN session: tracked-id changes (above)
 * and recorded events (`patchbay_events`, event-notify.ts). One direct connection per replica
 * whatever the number of channels: behind PgBouncer it is the one session that bypasses the
 * pooler, and it is lost and regained as one.
 */
export type StoreNotifications = TrackedInvalidations & EventNotices;

export interface TrackedListenerOptions {
  /** A direct (session-keeping) connection string: PATCHBAY_DATABASE_LISTEN_URL, or the store's own URL. */
  readonly url: string;
  readonly logger?: Logger;
  /** The first reconnect pause; doubles up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  readonly applicationName?: string;
}

/**
 * The tracked-id half of {@link listenForStoreNotifications}, under the name issue 13's callers
 * know; it listens on both channels all the same (an event notice with no subscriber is dropped).
 */
export function listenForTrackedChanges(options: TrackedListenerOptions): TrackedInvalidations {
  return listenForStoreNotifications(options);
}

/** Starts listening (in the background: a database that is down does not hold start-up) and returns at once. */
export function listenForStoreNotifications(options: TrackedListenerOptions): StoreNotifications {
  const subscribers = new Set<{ forget(account: string): void; forgetAll(): void }>();
  const eventListeners = new Set<EventNoticeListener>();
  const firstRetry = options.retryMs ?? 250;
  const maxRetry = options.maxRetryMs ?? 10_000;
  let client: Client | null = null;
  let live = false;
  let closed = false;
  let retry = firstRetry;
  let timer: NodeJS.Timeout | undefined;

  const each = (fn: (s: { forget(account: string): void; forgetAll(): void }) => void) => {
    for (const subscriber of subscribers) fn(subscriber);
  };

  const lost = (conn: Client, reason: string) => {
    if (client !== conn) return;
    client = null;
    const wasLive = live;
    live = false;
    conn.removeAllListeners('notification');
    conn.end().catch(() => undefined);
    if (closed) return;
    if (wasLive) options.logger?.warn("store: notifications lost; the tracked-id cache falls back to its short expiry and other replicas' events are missed until they resume", { reason });
    timer = setTimeout(connect, retry);
    timer.unref();
    retry = Math.min(retry * 2, maxRetry);
  };

  const connect = () => {
    if (closed) return;
    void (async () => {
      const { default: pg } = await import('pg');
      const conn = new pg.Client({ connectionString: options.url, application_name: options.applicationName ?? 'patchbay:listen', connectionTimeoutMillis: 5_000, keepAlive: true });
      client = conn;
      conn.on('error', (error: Error) => lost(conn, error.message));
      conn.on('end', () => lost(conn, 'connection ended'));
      conn.on('notification', (message) => {
        if (message.channel === EVENTS_CHANNEL) {
          const notice = parseEventNotice(message.payload);
          if (notice === null) options.logger?.warn('store: an event notice that does not parse was ignored', { channel: EVENTS_CHANNEL });
          else for (const listener of eventListeners) listener.notice(notice);
          return;
        }
        if (message.channel !== TRACKED_CHANNEL) return;
        const account = message.payload ?? '';
        each((s) => (account === '' ? s.forgetAll() : s.forget(account)));
      });
      try {
        await conn.connect();
        await conn.query(`LISTEN ${TRACKED_CHANNEL}`);
        await conn.query(`LISTEN ${EVENTS_CHANNEL}`);
        if (client !== conn || closed) {
          await conn.end().catch(() => undefined);
          return;
        }
        live = true;
        retry = firstRetry;
        // Changes made while nobody listened are unknown: start from the store again.
        each((s) => s.forgetAll());
        for (const listener of eventListeners) listener.resumed();
        options.logger?.info('store: listening for tracked-id changes and events', { channels: [TRACKED_CHANNEL, EVENTS_CHANNEL] });
      } catch (error) {
        lost(conn, error instanceof Error ? error.message : String(error));
      }
    })();
  };

  connect();
  return {
    listening: () => live,
    subscribe(listener) {
      subscribers.add(listener);
      return () => subscribers.delete(listener);
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      live = false;
      const conn = client;
      client = null;
      if (conn) await conn.end().catch(() => undefined);
    },
  };
}
