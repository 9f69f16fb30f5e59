import { describe, expect, it } from 'vitest';
import { changeEvent, EventHub, healthEvent, type PatchbayEvent } from '../../src/app/events.js';
import { liveStream, relayReplicaEvents } from '../../src/app/live-events.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { parseEventNotice, type EventNoticeListener, type EventNotices } from '../../src/core/store/event-notify.js';
import type { ChangeRow, HealthChangeRow } from '../../src/core/store/history-store.js';
import { changeRow, healthRow, until } from './support.js';

const idOf = (event: PatchbayEvent) => event.id;

describe('liveStream', () => {
  it('delivers in publish order, keeps only what `select` keeps, and leaves the hub on return()', async () => {
    const hub = new EventHub();
    const stream = liveStream(hub, (event) => (event.type === 'account.health_changed' ? null : idOf(event)));
    expect(hub.size).toBe(1);
    const rows = [changeRow({ account: 'a', vendor: 'datadog' }), changeRow({ account: 'b', vendor: 'datadog' })];
    const pending = stream.next();
    hub.publish(changeEvent(rows[0] as ChangeRow));
    hub.publish(healthEvent(healthRow({ account: 'a', vendor: 'datadog' })));
    hub.publish(changeEvent(rows[1] as ChangeRow));
    expect(await pending).toEqual({ done: false, value: { kind: 'event', value: rows[0]?.eventId } });
    expect(await stream.next()).toEqual({ done: false, value: { kind: 'event', value: rows[1]?.eventId } });
    await stream.return?.();
    expect(hub.size).toBe(0);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('a subscriber more than maxQueued behind leaves the hub at once, gets what was queued, then one overflow, then the end', async () => {
    const hub = new EventHub();
    const stream = liveStream(hub, idOf, { maxQueued: 3 });
    const rows = Array.from({ length: 5 }, () => changeRow({ account: 'a', vendor: 'datadog' }));
    for (const row of rows) hub.publish(changeEvent(row));
    // The fourth event found the queue full: the subscription is dropped, not thinned.
    expect(hub.size).toBe(0);
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push(await stream.next());
    expect(seen).toEqual([
      ...rows.slice(0, 3).map((row) => ({ done: false, value: { kind: 'event', value: row.eventId } })),
      { done: false, value: { kind: 'overflow', maxQueued: 3 } },
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
  });

  it('the abort signal ends a waiting stream and its hub subscription', async () => {
    const hub = new EventHub();
    const abort = new AbortController();
    const stream = liveStream(hub, idOf, { signal: abort.signal });
    const pending = stream.next();
    abort.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(hub.size).toBe(0);
    const late = liveStream(hub, idOf, { signal: abort.signal });
    expect(await late.next()).toEqual({ done: true, value: undefined });
    expect(hub.size).toBe(0);
  });
});

describe('parseEventNotice', () => {
  it('reads the notices history-store.ts sends and refuses anything else', () => {
    expect(parseEventNotice(JSON.stringify({ kind: 'change', id: 42, replica: 'r1' }))).toEqual({ kind: 'change', id: 42, replica: 'r1' });
    expect(parseEventNotice(JSON.stringify({ kind: 'health', id: 7, replica: 'r2', extra: true }))).toEqual({ kind: 'health', id: 7, replica: 'r2' });
    for (const payload of [
      undefined,
      '',
      'not json',
      'null',
      '[]',
      '{"kind":"drop","id":1,"replica":"r"}',
      '{"kind":"change","id":"1","replica":"r"}',
      '{"kind":"change","id":-1,"replica":"r"}',
      '{"kind":"change","id":1.5,"replica":"r"}',
      '{"kind":"change","id":1}',
      `{"kind":"change","id":1,"replica":"${'r'.repeat(2_000)}"}`,
    ]) {
      expect(parseEventNotice(payload)).toBeNull();
    }
  });
});

/** Notices a test hands over by hand, as the LISTEN session would. */
function fakeNotices(): EventNotices & { readonly listeners: Set<EventNoticeListener> } {
  const listeners = new Set<EventNoticeListener>();
  return {
    listeners,
    listening: () => true,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

describe('relayReplicaEvents', () => {
  /** A store holding `changes` (any order) and `health`, counting what the relay reads. */
  function fakeStore(changes: ChangeRow[], health: HealthChangeRow[], failing: ReadonlySet<number> = new Set()) {
    const loads: string[] = [];
    return {
      loads,
      changes,
      async getChange(id: number): Promise<ChangeRow | null> {
        loads.push(`change:${id}`);
        // The first row loads slowest: publishing must still follow the notices' order.
        await new Promise((resolve) => setTimeout(resolve, id === changes[0]?.id ? 30 : 0));
        if (failing.has(id)) throw new Error('store down');
        return changes.find((row) => row.id === id) ?? null;
      },
      async getHealthChange(id: number): Promise<HealthChangeRow | null> {
        loads.push(`health:${id}`);
        return health.find((row) => row.id === id) ?? null;
      },
      async listChanges(filter: { readonly limit: number }): Promise<ChangeRow[]> {
        loads.push(`list:${filter.limit}`);
        return [...changes].sort((a, b) => b.id - a.id).slice(0, filter.limit);
      },
    };
  }

  it("loads other replicas' rows in notice order and publishes them; skips its own notices; logs a row it cannot load; stops", async () => {
    const hub = new EventHub();
    const notices = fakeNotices();
    const logger = createMemoryLogger();
    const change = changeRow({ account: 'a', vendor: 'datadog', id: 11 });
    const health = healthRow({ account: 'a', vendor: 'datadog', id: 12 });
    const store = fakeStore([change], [health], new Set([13]));
    const published: string[] = [];
    hub.subscribe((event) => published.push(event.id));
    const stop = relayReplicaEvents({ notices, store, hub, ownReplica: 'me', logger });
    const send = (kind: 'change' | 'health', id: number, replica = 'other') => {
      for (const listener of notices.listeners) listener.notice({ kind, id, replica });
    };
    send('change', 11);
    send('health', 12);
    send('change', 99, 'me');
    send('change', 13);
    send('change', 14);
    await until(() => store.loads.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.loads).toEqual(['change:11', 'health:12', 'change:13', 'change:14']);
    expect(published).toEqual([change.eventId, health.eventId]);
    expect(logger.lines.join('\n')).toContain('could not be loaded');
    expect(logger.lines.join('\n')).not.toContain('store down');
    stop();
    expect(notices.listeners.size).toBe(0);
  });

  it('after a gap, publishes late and oldest first the changes recorded since the last one heard of, before what is heard next', async () => {
    const hub = new EventHub();
    const notices = fakeNotices();
    const logger = createMemoryLogger();
    const before = changeRow({ account: 'a', vendor: 'datadog', id: 20 });
    const store = fakeStore([before], []);
    const published: string[] = [];
    hub.subscribe((event) => published.push(event.id));
    const stop = relayReplicaEvents({ notices, store, hub, ownReplica: 'me', logger });
    const each = (fn: (listener: EventNoticeListener) => void) => {
      for (const listener of notices.listeners) fn(listener);
    };
    // Start-up: the log's newest change is the baseline, and nothing is replayed.
    each((l) => l.resumed());
    await until(() => store.loads.includes('list:1'));
    expect(published).toEqual([]);

    // Three changes land while the connection is down (one of them this replica's own, already published here).
    const own = changeRow({ account: 'a', vendor: 'datadog', id: 21 });
    hub.publish(changeEvent(own));
    const missed = [changeRow({ account: 'a', vendor: 'datadog', id: 22 }), changeRow({ account: 'b', vendor: 'datadog', id: 23 })];
    const after = changeRow({ account: 'a', vendor: 'datadog', id: 24 });
    store.changes.push(own, ...missed, after);
    each((l) => l.resumed());
    each((l) => l.notice({ kind: 'change', id: 24, replica: 'other' }));
    await until(() => published.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(published).toEqual([own.eventId, ...missed.map((row) => row.eventId), after.eventId]);
    expect(logger.lines.join('\n')).toContain('published late');
    stop();
  });
});
