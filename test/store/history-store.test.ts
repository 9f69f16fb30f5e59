import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type SqlClient } from '../../src/core/store/sql.js';
import { createStore, type Store } from '../../src/core/store/store.js';
import type { ChangeInput } from '../../src/core/store/history-store.js';

/*
 * The history store's one-statement observation: a snapshot is written only over the version it
 * was compared with (else 'moved', nothing stored), a change only with its snapshot, and outbox
 * rows only with a change.
 */

let store: Store;
let sql: SqlClient;
beforeAll(async () => {
  sql = await openPglite(null);
  store = await createStore(sql);
}, 30_000);
afterAll(async () => {
  await store?.close();
});

const change = (eventId: string): ChangeInput => ({
  eventId,
  connectionId: 'conn-1',
  account: 'acct',
  vendor: 'cortex',
  name: 'PagerDuty',
  kind: 'UPDATED',
  actor: 'OUTSIDE_PATCHBAY',
  seen: 'SCAN',
  diff: [{ path: 'region', kind: 'CHANGED', secret: false, before: '"us"', after: '"eu"' }],
});
const base = { connectionId: 'conn-1', account: 'acct', vendor: 'cortex', name: 'PagerDuty' };
const outboxOf = (eventId: string) => [{ webhookId: 'hook', eventId, eventType: 'connection.updated', body: `{"id":"${eventId}"}` }];

async function changeIds(): Promise<string[]> {
  return (await store.listChanges({ limit: 100 })).map((row) => row.eventId);
}

async function outboxIds(): Promise<string[]> {
  return (await sql.query<{ event_id: string }>('SELECT event_id FROM webhook_outbox ORDER BY event_id')).map((row) => row.event_id);
}

describe('applyObservation', () => {
  it('stores a snapshot over the version it was compared with, and refuses one that moved', async () => {
    expect(await store.applyObservation({ ...base, item: { region: 'us' }, expectedVersion: null, change: null, outbox: [] })).toBeNull();
    // A second first sight of the same connection: another observation got there first.
    expect(await store.applyObservation({ ...base, item: { region: 'us' }, expectedVersion: null, change: change('e-0'), outbox: outboxOf('e-0') })).toBe('moved');
    const [snapshot] = await store.listSnapshots({ connectionIds: ['conn-1'] });
    expect(snapshot?.version).toBe(1);
    expect(await store.applyObservation({ ...base, item: { region: 'eu' }, expectedVersion: 7, change: change('e-1'), outbox: outboxOf('e-1') })).toBe('moved');
    expect(await changeIds()).toEqual([]);
    expect(await outboxIds()).toEqual([]);
    const stored = await store.applyObservation({ ...base, item: { region: 'eu' }, expectedVersion: 1, change: change('e-2'), outbox: outboxOf('e-2') });
    expect(stored).toMatchObject({ eventId: 'e-2', kind: 'UPDATED', connectionId: 'conn-1', diff: change('e-2').diff });
    const [after] = await store.listSnapshots({ account: 'acct' });
    expect(after).toMatchObject({ version: 2, item: { region: 'eu' } });
    expect(await changeIds()).toEqual(['e-2']);
    expect(await outboxIds()).toEqual(['e-2']);
  });

  it('a confirmation moves observedAt and the version, records no change and enqueues nothing', async () => {
    const [before] = await store.listSnapshots({ connectionIds: ['conn-1'] });
    expect(await store.applyObservation({ ...base, item: { region: 'eu' }, expectedVersion: before?.version ?? 0, change: null, outbox: outboxOf('e-3') })).toBeNull();
    const [after] = await store.listSnapshots({ connectionIds: ['conn-1'] });
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(after?.changedAt).toEqual(before?.changedAt);
    expect(await changeIds()).toEqual(['e-2']);
    expect(await outboxIds()).toEqual(['e-2']);
  });
});
