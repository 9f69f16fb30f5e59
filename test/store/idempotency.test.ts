import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type SqlClient } from '../../src/core/store/sql.js';
import { createStore, type Store } from '../../src/core/store/store.js';

let sql: SqlClient;
let store: Store;

beforeAll(async () => {
  sql = await openPglite(null);
  store = await createStore(sql);
});
afterAll(async () => {
  await store.close();
});

describe('idempotency records', () => {
  it('claim, then the stored outcome for the same input, a mismatch for another', async () => {
    expect(await store.claimIdempotencyKey('k1', 'op', 'hash-a')).toEqual({ state: 'claimed' });
    expect(await store.claimIdempotencyKey('k1', 'op', 'hash-a')).toEqual({ state: 'in-progress' });
    await store.completeIdempotencyKey('k1', 'op', { ok: { id: 1 } });
    expect(await store.claimIdempotencyKey('k1', 'op', 'hash-a')).toEqual({ state: 'done', outcome: { ok: { id: 1 } } });
    expect(await store.claimIdempotencyKey('k1', 'op', 'hash-b')).toEqual({ state: 'mismatch' });
    expect(await store.claimIdempotencyKey('k1', 'other-op', 'hash-b')).toEqual({ state: 'claimed' });
  });

  it('a released claim can be taken again', async () => {
    await store.claimIdempotencyKey('k2', 'op', 'h');
    await store.releaseIdempotencyKey('k2', 'op');
    expect(await store.claimIdempotencyKey('k2', 'op', 'h')).toEqual({ state: 'claimed' });
  });

  it('a claim left unfinished for too long is reported as abandoned, not as running forever', async () => {
    await store.claimIdempotencyKey('k3', 'op', 'h');
    await sql.query(`UPDATE idempotency_records SET created_at = now() - interval '1 hour' WHERE key = 'k3'`);
    expect(await store.claimIdempotencyKey('k3', 'op', 'h')).toEqual({ state: 'abandoned' });
  });
});
