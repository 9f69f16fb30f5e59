import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRecordId } from '../../src/core/store/mutation-records.js';
import { openPglite, openPostgres, type SqlClient } from '../../src/core/store/sql.js';
import { createStore, type Store } from '../../src/core/store/store.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';

/** Two replicas on one database: each its own store (own replica id) over its own connection. */
interface Replicas {
  readonly sql: SqlClient;
  readonly a: Store;
  readonly b: Store;
  close(): Promise<void>;
}

/** Makes a claim look older than its lease: what a replica that stopped mid-way leaves. */
async function expire(sql: SqlClient, key: string): Promise<void> {
  await sql.query(`UPDATE idempotency_records SET lease_expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
}

function claimTests(open: () => Promise<Replicas>): void {
  let r: Replicas;
  beforeAll(async () => {
    r = await open();
  });
  afterAll(async () => {
    await r.close();
  });

  it('claim, then the stored outcome for the same input, a mismatch for another', async () => {
    expect(await r.a.claimIdempotencyKey('k1', 'op', 'hash-a', 30)).toEqual({ state: 'claimed' });
    expect(await r.a.claimIdempotencyKey('k1', 'op', 'hash-a', 30)).toMatchObject({ state: 'in-progress' });
    await r.a.completeIdempotencyKey('k1', 'op', { ok: { id: 1 } });
    expect(await r.b.claimIdempotencyKey('k1', 'op', 'hash-a')).toEqual({ state: 'done', outcome: { ok: { id: 1 } } });
    expect(await r.b.claimIdempotencyKey('k1', 'op', 'hash-b')).toEqual({ state: 'mismatch' });
    expect(await r.b.claimIdempotencyKey('k1', 'other-op', 'hash-b')).toEqual({ state: 'claimed' });
  });

  it('a claim records its owner and lease; another replica meeting it gets in-progress with the seconds left', async () => {
    await r.a.claimIdempotencyKey('k-lease', 'op', 'h', 20);
    const rows = await r.sql.query<{ owner: string; left: number }>(`SELECT owner, EXTRACT(EPOCH FROM lease_expires_at - now())::float8 AS left FROM idempotency_records WHERE key = 'k-lease'`);
    expect(rows[0]?.owner).toBe(r.a.replicaId);
    expect(Number(rows[0]?.left)).toBeGreaterThan(10);
    const seen = await r.b.claimIdempotencyKey('k-lease', 'op', 'h', 20);
    expect(seen.state).toBe('in-progress');
    expect(seen.state === 'in-progress' && seen.retryAfterSeconds).toBeGreaterThanOrEqual(10);
    expect(seen.state === 'in-progress' && seen.retryAfterSeconds).toBeLessThanOrEqual(20);
  });

  it('renewing pushes the lease on; only the owner renews; renewing to 0 lets it lapse', async () => {
    await r.a.claimIdempotencyKey('k-renew', 'op', 'h', 1);
    expect(await r.a.renewIdempotencyKey('k-renew', 'op', 30)).toBe(true);
    expect(await r.b.renewIdempotencyKey('k-renew', 'op', 30)).toBe(false);
    expect(await r.b.claimIdempotencyKey('k-renew', 'op', 'h', 30)).toMatchObject({ state: 'in-progress' });
    expect(await r.a.renewIdempotencyKey('k-renew', 'op', 0)).toBe(true);
    expect(await r.b.claimIdempotencyKey('k-renew', 'op', 'h', 30)).toEqual({ state: 'taken-over', previousOwner: r.a.replicaId });
    // The old owner lost it: it can neither renew nor release it.
    expect(await r.a.renewIdempotencyKey('k-renew', 'op', 30)).toBe(false);
    await r.a.releaseIdempotencyKey('k-renew', 'op');
    expect(await r.a.claimIdempotencyKey('k-renew', 'op', 'h', 30)).toMatchObject({ state: 'in-progress' });
  });

  it('an expired claim is taken over by the next replica; a done one never is', async () => {
    await r.a.claimIdempotencyKey('k-expired', 'op', 'h', 30);
    await expire(r.sql, 'k-expired');
    expect(await r.b.claimIdempotencyKey('k-expired', 'op', 'h', 30)).toEqual({ state: 'taken-over', previousOwner: r.a.replicaId });
    expect(await r.a.claimIdempotencyKey('k-expired', 'op', 'h', 30)).toMatchObject({ state: 'in-progress' });
    await r.b.completeIdempotencyKey('k-expired', 'op', { ok: 1 });
    await expire(r.sql, 'k-expired');
    expect(await r.a.claimIdempotencyKey('k-expired', 'op', 'h', 30)).toEqual({ state: 'done', outcome: { ok: 1 } });
  });

  it('a claim made before leases (no lease column set) holds for 15 minutes after it was made', async () => {
    await r.a.claimIdempotencyKey('k-legacy', 'op', 'h', 30);
    await r.sql.query(`UPDATE idempotency_records SET lease_expires_at = NULL, owner = NULL WHERE key = 'k-legacy'`);
    expect(await r.b.claimIdempotencyKey('k-legacy', 'op', 'h', 30)).toMatchObject({ state: 'in-progress' });
    await r.sql.query(`UPDATE idempotency_records SET created_at = now() - interval '16 minutes' WHERE key = 'k-legacy'`);
    expect(await r.b.claimIdempotencyKey('k-legacy', 'op', 'h', 30)).toEqual({ state: 'taken-over', previousOwner: null });
  });

  it('two replicas racing to take one expired claim over: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `k-race-${round}`;
      await r.a.claimIdempotencyKey(key, 'op', 'h', 30);
      await expire(r.sql, key);
      const results = await Promise.all([r.a.claimIdempotencyKey(key, 'op', 'h', 30), r.b.claimIdempotencyKey(key, 'op', 'h', 30), r.b.claimIdempotencyKey(key, 'op', 'h', 30)]);
      expect(results.filter((c) => c.state === 'taken-over')).toHaveLength(1);
      expect(results.filter((c) => c.state === 'in-progress')).toHaveLength(2);
    }
  });

  it('recordMutation writes the audit row and the outcome together, and a second store of the same record adds nothing', async () => {
    await r.a.claimIdempotencyKey('k-record', 'recordOp', 'h', 30);
    const record = {
      id: newRecordId(),
      audit: { caller: 'c', operation: 'recordOp', account: 'acct', targetId: null, outcome: 'OK' },
      idempotency: { key: 'k-record', operation: 'recordOp', outcome: { ok: 7 } },
    };
    await r.a.recordMutation(record);
    await r.a.recordMutation(record);
    expect((await r.a.listAudit({ operation: 'recordOp' })).map((a) => a.outcome)).toEqual(['OK']);
    expect(await r.b.claimIdempotencyKey('k-record', 'recordOp', 'h')).toEqual({ state: 'done', outcome: { ok: 7 } });
  });

  it('recordMutation is one transaction: when the outcome cannot be stored, the audit row written before it is rolled back', async () => {
    await r.a.claimIdempotencyKey('k-atomic', 'atomicOp', 'h', 30);
    // A BigInt cannot become JSON: the outcome's statement fails after the audit row went in.
    const record = {
      id: newRecordId(),
      audit: { caller: 'c', operation: 'atomicOp', account: null, targetId: null, outcome: 'OK' },
      idempotency: { key: 'k-atomic', operation: 'atomicOp', outcome: { ok: 1n } },
    };
    await expect(r.a.recordMutation(record)).rejects.toThrow(TypeError);
    expect(await r.a.listAudit({ operation: 'atomicOp' })).toEqual([]);
    expect(await r.a.claimIdempotencyKey('k-atomic', 'atomicOp', 'h', 30)).toMatchObject({ state: 'in-progress' });
  });

  it('a take-over records its outcome only where none is recorded yet', async () => {
    await r.a.claimIdempotencyKey('k-ifempty', 'op', 'h', 30);
    await r.a.completeIdempotencyKey('k-ifempty', 'op', { ok: 'real' });
    await r.b.recordMutation({
      id: newRecordId(),
      audit: { caller: 'c', operation: 'op', account: null, targetId: null, outcome: 'SETTLED' },
      idempotency: { key: 'k-ifempty', operation: 'op', outcome: { ok: 'guess' }, ifEmpty: true },
    });
    expect(await r.b.claimIdempotencyKey('k-ifempty', 'op', 'h')).toEqual({ state: 'done', outcome: { ok: 'real' } });
  });
}

describe('idempotency claims (PGlite)', () => {
  claimTests(async () => {
    const sql = await openPglite(null);
    const a = await createStore(sql, { replicaId: 'replica-a' });
    // A second replica over the same database (PGlite is one process's; the same client stands in for a second connection).
    const b = await createStore(sql, { replicaId: 'replica-b' });
    return { sql, a, b, close: () => a.close() };
  });
});

describe.skipIf(PG_URL === '')('idempotency claims (PostgreSQL)', () => {
  claimTests(async () => {
    const schema = await freshSchema('patchbay_claims');
    const sql = await openPostgres(schema.url);
    const a = await createStore(await openPostgres(schema.url), { replicaId: 'replica-a' });
    const b = await createStore(await openPostgres(schema.url), { replicaId: 'replica-b' });
    return {
      sql,
      a,
      b,
      close: async () => {
        await Promise.all([a.close(), b.close(), sql.close()]);
        await schema.drop();
      },
    };
  });
});
