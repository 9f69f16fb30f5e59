import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type PgliteClient, TransactionAbortedError } from '../../src/core/store/sql.js';

/*
 * The embedded store runs each SQL text as a named prepared statement (parsed and planned once,
 * then one round trip per call) instead of PGlite's unnamed five-step query. Callers must see no
 * difference: the same values in and out, errors as before, transactions as before; and the
 * number of statements kept prepared stays bounded.
 */

let sql: PgliteClient;
beforeAll(async () => {
  sql = await openPglite(null);
  await sql.exec(`CREATE TABLE prepared_probe (id bigserial PRIMARY KEY, k text UNIQUE NOT NULL, doc jsonb, at timestamptz, tags text[], flag boolean, n bigint)`);
}, 60_000);
afterAll(async () => {
  await sql?.close();
});

const preparedCount = async (text: string) => Number((await sql.query<{ n: number | string }>(`SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1`, [text]))[0]?.n);

describe('PGlite statements prepared once', () => {
  it('round-trips values as PGlite’s own query does: jsonb, timestamptz, text[], boolean, bigint, null', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const insert = 'INSERT INTO prepared_probe (k, doc, at, tags, flag, n) VALUES ($1, $2::jsonb, $3, $4::text[], $5, $6) RETURNING *';
    const [row] = await sql.query<Record<string, unknown>>(insert, ['a', JSON.stringify({ x: [1, 'two', null] }), at, ['p', 'q "r"', 'back\\slash'], true, 42]);
    expect(row).toMatchObject({ k: 'a', doc: { x: [1, 'two', null] }, tags: ['p', 'q "r"', 'back\\slash'], flag: true, n: 42 });
    expect((row?.['at'] as Date).toISOString()).toBe(at.toISOString());
    const [empty] = await sql.query<Record<string, unknown>>(insert, ['b', null, null, null, null, null]);
    expect(empty).toMatchObject({ k: 'b', doc: null, at: null, tags: null, flag: null, n: null });
    const found = await sql.query<{ k: string }>('SELECT k FROM prepared_probe WHERE k = ANY($1::text[]) ORDER BY k', [['a', 'b', 'missing']]);
    expect(found.map((r) => r.k)).toEqual(['a', 'b']);
  });

  it('prepares a statement once however often it runs', async () => {
    const text = 'SELECT count(*) AS n FROM prepared_probe WHERE k <> $1';
    for (let i = 0; i < 20; i++) await sql.query(text, [`x${i}`]);
    expect(await preparedCount(text)).toBe(1);
  });

  it('a statement that fails to parse, or fails when run, is reported each time and runs again afterwards', async () => {
    await expect(sql.query('SELEC nonsense')).rejects.toThrow(/syntax error/);
    await expect(sql.query('SELEC nonsense')).rejects.toThrow(/syntax error/);
    const insert = 'INSERT INTO prepared_probe (k) VALUES ($1)';
    await sql.query(insert, ['dup']);
    await expect(sql.query(insert, ['dup'])).rejects.toMatchObject({ code: '23505' });
    await sql.query(insert, ['dup-2']);
    expect(await preparedCount(insert)).toBe(1);
  });

  it('keeps transactions: committed, rolled back on a throw, and a COMMIT that rolled back is TransactionAbortedError', async () => {
    const insert = 'INSERT INTO prepared_probe (k) VALUES ($1)';
    await sql.transaction(async (tx) => {
      await tx.query(insert, ['tx-1']);
    });
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(insert, ['tx-2']);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(insert, ['tx-1']).catch(() => undefined);
      }),
    ).rejects.toBeInstanceOf(TransactionAbortedError);
    const rows = await sql.query<{ k: string }>(`SELECT k FROM prepared_probe WHERE k LIKE 'tx-%' ORDER BY k`);
    expect(rows.map((r) => r.k)).toEqual(['tx-1']);
  });

  it('a nested transaction that fails rolls back to its savepoint, and the outer one commits', async () => {
    const insert = 'INSERT INTO prepared_probe (k) VALUES ($1)';
    await sql.transaction(async (tx) => {
      await tx.query(insert, ['sp-outer']);
      await expect(
        tx.transaction(async (inner) => {
          await inner.query(insert, ['sp-inner']);
          await inner.query(insert, ['sp-outer']);
        }),
      ).rejects.toMatchObject({ code: '23505' });
      await tx.exec(`INSERT INTO prepared_probe (k) VALUES ('sp-script-1'); INSERT INTO prepared_probe (k) VALUES ('sp-script-2')`);
    });
    const rows = await sql.query<{ k: string }>(`SELECT k FROM prepared_probe WHERE k LIKE 'sp-%' ORDER BY k`);
    expect(rows.map((r) => r.k)).toEqual(['sp-outer', 'sp-script-1', 'sp-script-2']);
  });

  it('refuses calls on a transaction that has ended', async () => {
    let escaped: Parameters<Parameters<typeof sql.transaction>[0]>[0] | undefined;
    await sql.transaction(async (tx) => {
      escaped = tx;
    });
    await expect(escaped?.query('SELECT 1')).rejects.toThrow('Transaction is closed');
  });

  it('keeps at most a bounded number of statements prepared', async () => {
    for (let i = 0; i < 320; i++) await sql.query(`SELECT ${i} AS n`);
    const [row] = await sql.query<{ n: number | string }>('SELECT count(*) AS n FROM pg_prepared_statements');
    expect(Number(row?.n)).toBeLessThanOrEqual(257);
    expect(Number(row?.n)).toBeGreaterThan(200);
    expect(await sql.query('SELECT 5 AS n')).toEqual([{ n: 5 }]);
  });
});
