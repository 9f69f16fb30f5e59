import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFingerprintChanges, type FingerprintChange } from '../../src/core/store/custody-store.js';
import { newRecordId } from '../../src/core/store/mutation-records.js';
import { openPglite, type PgliteClient } from '../../src/core/store/sql.js';
import { createStore, type Store } from '../../src/core/store/store.js';

/*
 * An unkeyed mutation's audit row and fingerprint changes are stored by one statement. It must
 * leave exactly what applying the changes one by one leaves, for every way a change clears and
 * sets fields, and nothing when the record was stored already (a retry from the spool).
 */

let sql: PgliteClient;
let store: Store;
beforeAll(async () => {
  sql = await openPglite(null);
  store = await createStore(sql);
}, 60_000);
afterAll(async () => {
  await store?.close();
});

const row = (field: string, fingerprint: string, lastFour: string | null = null) => ({ field, fingerprint, lastFour });
const change = (connectionId: string, set: FingerprintChange['set'], clear: FingerprintChange['clear']): FingerprintChange => ({
  connectionId,
  account: 'acct',
  vendor: 'DATADOG',
  service: 'OPENAI',
  set,
  clear,
});

/** Each case: the rows there before, then the changes (one per connection). */
const CASES: readonly { readonly name: string; readonly before: readonly FingerprintChange[]; readonly changes: readonly FingerprintChange[] }[] = [
  { name: 'a first write', before: [], changes: [change('c', [row('token', 'f1', '1234')], 'all')] },
  { name: 'clear all, set one of two', before: [change('c', [row('a', 'fa'), row('b', 'fb')], [])], changes: [change('c', [row('a', 'fa2')], 'all')] },
  { name: 'clear others', before: [change('c', [row('a', 'fa'), row('b', 'fb'), row('x', 'fx')], [])], changes: [change('c', [row('b', 'fb2', '9999')], 'others')] },
  { name: 'clear a list, one of which is set again', before: [change('c', [row('a', 'fa'), row('b', 'fb'), row('x', 'fx')], [])], changes: [change('c', [row('a', 'fa3')], ['a', 'b'])] },
  { name: 'delete everything', before: [change('c', [row('a', 'fa'), row('b', 'fb')], [])], changes: [change('c', [], 'all')] },
  { name: 'set only, nothing cleared', before: [change('c', [row('a', 'fa')], [])], changes: [change('c', [row('b', 'fb')], [])] },
  { name: 'the same field set twice: the last wins', before: [], changes: [change('c', [row('a', 'first'), row('a', 'last')], 'all')] },
  {
    name: 'two connections',
    before: [change('c', [row('a', 'fa')], []), change('d', [row('a', 'da'), row('b', 'db')], [])],
    changes: [change('c', [], 'all'), change('d', [row('b', 'db2')], 'others')],
  },
];

const rename = (changes: readonly FingerprintChange[], prefix: string) => changes.map((c) => ({ ...c, connectionId: `${prefix}${c.connectionId}` }));

async function rowsOf(prefix: string): Promise<unknown[]> {
  const rows = await sql.query<{ connection_id: string; field: string; account: string; fingerprint: string; last_four: string | null }>(
    'SELECT connection_id, field, account, fingerprint, last_four FROM secret_fingerprints WHERE connection_id LIKE $1 ORDER BY connection_id, field',
    [`${prefix}%`],
  );
  return rows.map((r) => ({ ...r, connection_id: r.connection_id.slice(prefix.length) }));
}

const audit = { caller: 'test', operation: 'fingerprintCase', account: 'acct', targetId: null, outcome: 'OK' };

describe('audit row and fingerprints in one statement', () => {
  CASES.forEach((c, i) => {
    it(`leaves what the changes one by one leave: ${c.name}`, async () => {
      const seq = `seq${i}-`;
      const one = `one${i}-`;
      await applyFingerprintChanges(sql, [...rename(c.before, seq), ...rename(c.before, one)]);
      await applyFingerprintChanges(sql, rename(c.changes, seq));
      const id = newRecordId();
      await store.recordMutation({ id, audit, idempotency: null, fingerprints: rename(c.changes, one) });
      expect(await rowsOf(one)).toEqual(await rowsOf(seq));
      // A retry of the same record (from the spool) adds no audit row and changes nothing.
      await applyFingerprintChanges(sql, [change(`${one}c`, [row('late', 'fl')], [])]);
      const before = await rowsOf(one);
      await store.recordMutation({ id, audit, idempotency: null, fingerprints: rename([change('c', [], 'all')], one) });
      expect(await rowsOf(one)).toEqual(before);
    });
  });

  it('applies changes naming one connection twice one by one, in order', async () => {
    const changes = [change('twice-c', [row('a', 'fa')], 'all'), change('twice-c', [row('b', 'fb')], 'all')];
    await store.recordMutation({ id: newRecordId(), audit, idempotency: null, fingerprints: changes });
    expect(await rowsOf('twice-')).toEqual([{ connection_id: 'c', field: 'b', account: 'acct', fingerprint: 'fb', last_four: null }]);
  });
});
