import type { Scope } from '../core/auth/config.js';
import { ForbiddenError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EventNotices } from '../core/store/event-notify.js';
import type { ChangeKind, ChangeRow, EventNotice, HealthChangeRow, HistoryStore } from '../core/store/history-store.js';
import type { GatewayContext } from './context.js';
import { changeEvent, healthEvent, type EventHub, type PatchbayEvent } from './events.js';
import { filterList } from './list-args.js';

/**
 * Live events: what GraphQL subscriptions (`connectionChanges`, `accountHealthChanges`) deliver,
 * and how an event recorded on one replica reaches the subscribers of every other.
 *
 * The recording replica publishes its own events on its {@link EventHub} at once
 * (src/app/history.ts). On PostgreSQL every recorded event is also announced to all replicas
 * (`patchbay_events`, carrying only the row id); {@link relayReplicaEvents} loads the rows the
 * other replicas recorded and publishes them here, so a subscriber sees every replica's events
 * whichever replica it is connected to. The embedded store is one process: there is nothing to relay.
 */

/** The scope that lets a caller see an account's events: the same as reading its connections. */
const READ_SCOPE: Scope = 'connections:read';

/** How many undelivered events a subscriber may fall behind by before its subscription is ended. */
export const DEFAULT_MAX_QUEUED = 256;

/** At most this many changes are looked at when catching up after a gap in the notifications. */
const CATCH_UP_LIMIT = 500;

export interface RelayOptions {
  readonly notices: EventNotices;
  /** Where the announced rows are loaded from (the store every replica shares). */
  readonly store: Pick<HistoryStore, 'getChange' | 'getHealthChange' | 'listChanges'>;
  readonly hub: EventHub;
  /**
   * This replica's id in the notices, when the store tells it: its own notices are skipped (they
   * were published as they were recorded). Unknown, they are loaded and the hub drops them as
   * repeats, by event id.
   */
  readonly ownReplica: string | null;
  readonly logger: Logger;
}

/**
 * Publishes on `hub` every event another replica records. Rows are loaded one after the other in
 * the order the notices arrive (commit order), so subscribers see a replica's events in the order
 * they were recorded. A row that cannot be loaded (the store is briefly down) is logged and
 * skipped: the change stays in the history (`changes`), only its live delivery is lost.
 *
 * While the LISTEN connection is down no notice arrives. When it is back, the changes recorded
 * since the last one heard of are read from the change log (up to {@link CATCH_UP_LIMIT}) and
 * published late, oldest first, before anything heard after; the hub drops those already
 * published. Health transitions of the gap are not replayed (a warning says so): the store has
 * no list of them, and the next transition of the account corrects the picture.
 * Answers a function that stops relaying.
 */
export function relayReplicaEvents(options: RelayOptions): () => void {
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  let heardBefore = false;
  /** The newest change any replica announced (this one's included): where a catch-up starts. */
  let lastChangeId: number | null = null;
  const load = async (notice: EventNotice): Promise<PatchbayEvent | null> => {
    if (notice.kind === 'change') {
      const row = await options.store.getChange(notice.id);
      return row === null ? null : changeEvent(row);
    }
    const row = await options.store.getHealthChange(notice.id);
    return row === null ? null : healthEvent(row);
  };
  const relay = async (notice: EventNotice): Promise<void> => {
    try {
      const event = await load(notice);
      if (event !== null && !stopped) options.hub.publish(event);
    } catch (error) {
      options.logger.warn('events: an event recorded by another replica could not be loaded; its subscribers here miss it', {
        kind: notice.kind,
        id: notice.id,
        reason: error instanceof Error ? error.name : 'unknown',
      });
    }
  };
  const catchUp = async (after: number): Promise<void> => {
    try {
      const newestFirst = await options.store.listChanges({ limit: CATCH_UP_LIMIT });
      const missed = newestFirst.filter((row) => row.id > after).reverse();
      if (stopped) return;
      for (const row of missed) {
        lastChangeId = Math.max(lastChangeId ?? 0, row.id);
        options.hub.publish(changeEvent(row));
      }
      options.logger.warn('events: listening again after a gap; changes recorded meanwhile were published late, health transitions of the gap were not', {
        changes: missed.length,
        incomplete: missed.length === CATCH_UP_LIMIT,
      });
    } catch (error) {
      options.logger.warn('events: listening again after a gap; the changes recorded meanwhile could not be read, so they were not delivered live (they are in the history)', {
        reason: error instanceof Error ? error.name : 'unknown',
      });
    }
  };
  const baseline = async (): Promise<void> => {
    try {
      const [newest] = await options.store.listChanges({ limit: 1 });
      lastChangeId = Math.max(lastChangeId ?? 0, newest?.id ?? 0);
    } catch {
      // Without a baseline, a gap before the first change heard of is not caught up (a warning says so then).
    }
  };
  const unsubscribe = options.notices.onEvent({
    notice(notice) {
      if (stopped) return;
      if (notice.kind === 'change') lastChangeId = Math.max(lastChangeId ?? 0, notice.id);
      if (notice.replica === options.ownReplica) return;
      chain = chain.then(() => relay(notice));
    },
    resumed() {
      // The first start is no gap (a subscription starts from now): it only notes where the log stands.
      if (!heardBefore) {
        heardBefore = true;
        chain = chain.then(baseline);
        return;
      }
      const after = lastChangeId;
      if (after === null) {
        options.logger.warn('events: listening again after a gap before any change was heard of; changes recorded meanwhile were not delivered live (they are in the history)');
        return;
      }
      chain = chain.then(() => catchUp(after));
    },
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}

/** One item of a live stream: an event for the subscriber, or the end of a subscriber that fell too far behind. */
export type LiveDelivery<T> = { readonly kind: 'event'; readonly value: T } | { readonly kind: 'overflow'; readonly maxQueued: number };

export interface LiveStreamOptions {
  /** Undelivered events a subscriber may hold; default {@link DEFAULT_MAX_QUEUED}. */
  readonly maxQueued?: number;
  /** Ends the stream (and its hub subscription) when the request goes away. */
  readonly signal?: AbortSignal;
}

/**
 * The events of `hub` that `select` keeps, as an async iterator, from now on (no replay).
 *
 * Bounded: a subscriber that does not keep up may hold `maxQueued` undelivered events. One more,
 * and the subscription is dropped, not thinned: it leaves the hub at once (the publisher never
 * waits for a slow client and memory stays bounded), the client still receives what was queued,
 * then one `overflow` item (the subscription resolvers answer it with an error), then the end.
 * Dropping the oldest events instead would leave a gap the client could not see; an error tells it
 * to subscribe again and read what it missed from the history (`changes(filter: { since })`).
 *
 * The hub subscription ends with the stream: on `return()` (the client disconnected: Yoga ends
 * the iterator), on the signal, or after the overflow item.
 */
export function liveStream<T>(hub: EventHub, select: (event: PatchbayEvent) => T | null, options: LiveStreamOptions = {}): AsyncIterableIterator<LiveDelivery<T>> {
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const queue: T[] = [];
  let state: 'open' | 'overflowed' | 'ended' = 'open';
  let waiting: ((result: IteratorResult<LiveDelivery<T>, undefined>) => void) | null = null;
  const done = (): IteratorResult<LiveDelivery<T>, undefined> => ({ done: true, value: undefined });

  const unsubscribe = hub.subscribe((event) => {
    if (state !== 'open') return;
    const value = select(event);
    if (value === null) return;
    if (waiting !== null) {
      const wake = waiting;
      waiting = null;
      wake({ done: false, value: { kind: 'event', value } });
    } else if (queue.length < maxQueued) {
      queue.push(value);
    } else {
      state = 'overflowed';
      unsubscribe();
    }
  });

  const end = (): void => {
    if (state === 'ended') return;
    state = 'ended';
    unsubscribe();
    queue.length = 0;
    options.signal?.removeEventListener('abort', end);
    if (waiting !== null) {
      const wake = waiting;
      waiting = null;
      wake(done());
    }
  };
  if (options.signal?.aborted === true) end();
  else options.signal?.addEventListener('abort', end, { once: true });

  const iterator: AsyncIterableIterator<LiveDelivery<T>> = {
    next() {
      if (queue.length > 0) {
        const [value] = queue.splice(0, 1) as [T];
        return Promise.resolve({ done: false, value: { kind: 'event', value } });
      }
      if (state === 'overflowed') {
        end();
        return Promise.resolve({ done: false, value: { kind: 'overflow', maxQueued } });
      }
      if (state === 'ended') return Promise.resolve(done());
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      end();
      return Promise.resolve(done());
    },
    throw(error?: unknown) {
      end();
      return Promise.reject(error instanceof Error ? error : new Error('live stream ended by its consumer'));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Which changes a `connectionChanges` subscriber asked for (the change log's filter but `since`: a subscription starts now). */
export interface LiveChangeFilter {
  readonly accounts?: readonly string[] | null | undefined;
  readonly vendors?: readonly string[] | null | undefined;
  readonly kinds?: readonly ChangeKind[] | null | undefined;
  readonly actors?: readonly string[] | null | undefined;
  /** Connection global ids, as the change log keeps them. */
  readonly connectionIds?: readonly string[] | null | undefined;
}

/** Whether a filter list keeps `value`: absent (null) keeps everything; an empty list nothing, as in the change log's filter. */
const keeps = <V>(list: readonly V[] | null | undefined, value: V): boolean => list === null || list === undefined || list.includes(value);

/**
 * Refuses, before any event, a subscriber that may read no account's connections; answers the
 * test each event's account must pass. The same rule as the change log (`changes`): a caller
 * allowed every account sees every account's events (those of an account removed from the config
 * too); any other caller, those of the configured accounts it may read (`context.accounts`).
 */
function readableAccounts(context: GatewayContext): (account: string) => boolean {
  if (!context.rights.has(READ_SCOPE)) throw new ForbiddenError(`This caller (${context.caller}) lacks the scope ${READ_SCOPE}.`, READ_SCOPE);
  if (context.rights.everyAccount) return () => true;
  return (account) => context.accounts.get(account) !== undefined;
}

/** Refuses, before subscribing, a filter list longer than the change log's filter allows. */
function checkLists(lists: Readonly<Record<string, readonly unknown[] | null | undefined>>, path: readonly string[]): void {
  for (const [field, values] of Object.entries(lists)) filterList(values, [...path, field]);
}

/** The request's abort signal, unless the caller gave its own: a client that leaves ends its stream. */
const withRequestSignal = (context: GatewayContext, options: LiveStreamOptions): LiveStreamOptions =>
  options.signal === undefined && context.scope.signal !== undefined ? { ...options, signal: context.scope.signal } : options;

/**
 * The live changes `context`'s caller may see and `filter` asks for. Throws, before subscribing,
 * `ForbiddenError` when the caller lacks `connections:read` and `InputValidationError` for a
 * filter list over 100 values. Each change is delivered as the row the log holds; events of
 * accounts the caller may not read never enter its queue.
 */
export function connectionChangeStream(context: GatewayContext, filter: LiveChangeFilter, options: LiveStreamOptions = {}): AsyncIterableIterator<LiveDelivery<ChangeRow>> {
  const mayRead = readableAccounts(context);
  checkLists({ accounts: filter.accounts, vendors: filter.vendors, kinds: filter.kinds, actors: filter.actors, connectionIds: filter.connectionIds }, ['filter']);
  return liveStream(
    context.deps.events,
    (event) => {
      if (event.type === 'account.health_changed') return null;
      const change = event.change;
      const wanted =
        keeps(filter.accounts, change.account) &&
        keeps(filter.vendors, change.vendor) &&
        keeps(filter.kinds, change.kind) &&
        keeps(filter.actors, change.actor) &&
        keeps(filter.connectionIds, change.connectionId);
      return wanted && mayRead(change.account) ? change : null;
    },
    withRequestSignal(context, options),
  );
}

/** The live health transitions of `accounts` (every account when absent) that `context`'s caller may see; refused as {@link connectionChangeStream} is. */
export function healthChangeStream(context: GatewayContext, accounts: readonly string[] | null | undefined, options: LiveStreamOptions = {}): AsyncIterableIterator<LiveDelivery<HealthChangeRow>> {
  const mayRead = readableAccounts(context);
  checkLists({ accounts }, []);
  return liveStream(
    context.deps.events,
    (event) => (event.type === 'account.health_changed' && keeps(accounts, event.health.account) && mayRead(event.health.account) ? event.health : null),
    withRequestSignal(context, options),
  );
}
