import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observe, recordWrite } from '../../src/app/history.js';
import type { ConnectionBase } from '../../src/core/domain.js';
import { OUTSIDE_PATCHBAY } from '../../src/core/store/history-store.js';
import { startHarness, type Harness } from '../support/harness.js';

/*
 * A scan and a write meeting on one connection: a scan that saw a write's result before the write
 * recorded it has called it drift; the write then takes that change over (its caller, WRITE), so
 * the history shows the write once and never as drift. And a scan whose snapshot a write moved
 * meanwhile stores nothing.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ accounts: [] });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const account = { key: 'race-acct', vendor: 'cortex' as const, displayName: 'race', baseUrl: 'http://127.0.0.1:1' };
const connection = (region: string): ConnectionBase => ({ account, name: 'PagerDuty', service: 'PAGERDUTY', createdAt: null, updatedAt: null, secrets: [], region }) as ConnectionBase;

describe('a scan and a write on one connection', () => {
  it('a change the scan recorded first, leaving the write’s state, becomes the write’s', async () => {
    const { deps } = h.runtime;
    const id = 'race-1';
    const startedAt = new Date();
    const scanned = await observe(deps, deps.store, { connectionId: id, account, connection: connection('eu') }, null, { actor: OUTSIDE_PATCHBAY, seen: 'SCAN' });
    expect(scanned).toMatchObject({ kind: 'CREATED', actor: OUTSIDE_PATCHBAY });
    const recorded = await recordWrite(
      deps,
      deps.store,
      [{ connectionId: id, account, connection: connection('eu') }],
      { actor: 'apikey:ci', seen: 'WRITE', writeStartedAt: startedAt, targetExisted: false },
      account.key,
    );
    expect(recorded).toEqual([]);
    const changes = await deps.store.listChanges({ connectionIds: [id], limit: 10 });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'CREATED', actor: 'apikey:ci', seen: 'WRITE' });
  });

  it('a scan compared with a snapshot a write has moved since stores nothing', async () => {
    const { deps } = h.runtime;
    const id = 'race-2';
    await recordWrite(
      deps,
      deps.store,
      [{ connectionId: id, account, connection: connection('us') }],
      { actor: 'apikey:ci', seen: 'WRITE', writeStartedAt: new Date(), targetExisted: false },
      account.key,
    );
    const [read] = await deps.store.listSnapshots({ connectionIds: [id] });
    if (!read) throw new Error('snapshot');
    // The scan read the snapshot, then a write changed the connection and recorded it...
    await recordWrite(
      deps,
      deps.store,
      [{ connectionId: id, account, connection: connection('eu') }],
      { actor: 'apikey:ci', seen: 'WRITE', writeStartedAt: new Date(), targetExisted: true },
      account.key,
    );
    // ...and the scan, which read the vendor before that write, compares its old view with its old snapshot.
    expect(await observe(deps, deps.store, { connectionId: id, account, connection: connection('us') }, read, { actor: OUTSIDE_PATCHBAY, seen: 'SCAN' })).toBe('moved');
    const changes = await deps.store.listChanges({ connectionIds: [id], limit: 10 });
    expect(changes.map((c) => [c.kind, c.actor])).toEqual([
      ['UPDATED', 'apikey:ci'],
      ['CREATED', 'apikey:ci'],
    ]);
  });
});
