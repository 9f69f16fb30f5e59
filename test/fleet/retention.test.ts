import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_LOCK_KEY, runRetention } from '../../src/core/store/retention.js';
import { openPglite, openPostgres, type SqlClient } from '../../src/core/store/sql.js';
import { migrate } from '../../src/core/store/migrations.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';

/*
 * Issue 13 scope 5: retention deletes audit rows and finished idempotency records older than
 * their ages, in bounded batches, never an unfinished claim, and one runner at a time.
 */

async function seed(sql: SqlClient): Promise<void> {
  // 25 old audit rows, 5 recent; 6 old finished idempotency records, 2 old unfinished claims, 3 recent finished.
  await sql.query(`INSERT INTO audit_log (at, caller, operation, outcome) SELECT now() - interval '100 days', 'c', 'op', 'OK' FROM generate_series(1, 25)`);
  await sql.query(`INSERT INTO audit_log (at, caller, operation, outcome) SELECT now() - interval '1 day', 'c', 'op', 'OK' FROM generate_series(1, 5)`);
  await sql.query(
    `INSERT INTO idempotency_records (key, operation, input_hash, outcome, created_at) SELECT 'old-' || g, 'op', 'h', '{"ok":true}'::jsonb, now() - interval '48 hours' FROM generate_series(1, 6) g`,
  );
  await sql.query(
    `INSERT INTO idempotency_records (key, operation, input_hash, outcome, created_at) SELECT 'running-' || g, 'op', 'h', NULL, now() - interval '48 hours' FROM generate_series(1, 2) g`,
  );
  await sql.query(
    `INSERT INTO idempotency_records (key, operation, input_hash, outcome, created_at) SELECT 'new-' || g, 'op', 'h', '{"ok":true}'::jsonb, now() - interval '1 hour' FROM generate_series(1, 3) g`,
  );
}

/** Rotations two days old: one settled (goes), one with a target left (stays); one fresh and settled (stays). */
async function seedRotations(sql: SqlClient): Promise<void> {
  for (const [id, state, age] of [
    ['rot-old-done', 'DONE', '48 hours'],
    ['rot-old-left', 'PENDING', '48 hours'],
    ['rot-new-done', 'DONE', '1 hour'],
  ] as const) {
    await sql.query(`INSERT INTO secret_rotations (id, caller, idempotency_key, new_fingerprint, created_at, updated_at) VALUES ($1, 'c', NULL, 'f', now() - $2::interval, now() - $2::interval)`, [
      id,
      age,
    ]);
    await sql.query(`INSERT INTO secret_rotation_targets (rotation_id, position, connection_id, field, account, state) VALUES ($1, 0, 'x', 'f', NULL, $2)`, [id, state]);
  }
}

async function counts(sql: SqlClient): Promise<{ audit: number; idempotency: string[] }> {
  const audit = await sql.query<{ n: string | number }>('SELECT count(*) AS n FROM audit_log');
  const keys = await sql.query<{ key: string }>('SELECT key FROM idempotency_records ORDER BY key');
  return { audit: Number(audit[0]?.n), idempotency: keys.map((row) => row.key) };
}

const KEPT_KEYS = ['new-1', 'new-2', 'new-3', 'running-1', 'running-2'];

describe('retention on the embedded store', () => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await openPglite(null);
    await migrate(sql);
  }, 30_000);
  afterAll(async () => {
    await sql.close();
  });

  it('deletes in bounded batches, leaves the rest for the next run, and keeps unfinished claims and rotations', async () => {
    await seed(sql);
    await seedRotations(sql);
    const first = await runRetention(sql, { auditDays: 90, idempotencyHours: 24, batchSize: 10, maxBatches: 2 });
    expect(first).toEqual({ ran: true, auditDeleted: 20, idempotencyDeleted: 6, rotationsDeleted: 1, historyDeleted: 0, more: true });
    const second = await runRetention(sql, { auditDays: 90, idempotencyHours: 24, batchSize: 10, maxBatches: 2 });
    expect(second).toEqual({ ran: true, auditDeleted: 5, idempotencyDeleted: 0, rotationsDeleted: 0, historyDeleted: 0, more: false });
    expect(await counts(sql)).toEqual({ audit: 5, idempotency: KEPT_KEYS });
    expect((await sql.query<{ id: string }>('SELECT id FROM secret_rotations ORDER BY id')).map((row) => row.id)).toEqual(['rot-new-done', 'rot-old-left']);
  });

  it('deletes old change history on the audit schedule (changes, health transitions, scan runs, ended deliveries) and keeps the rest', async () => {
    const diff = '[]';
    for (const [event, age] of [
      ['old-change', '100 days'],
      ['new-change', '1 day'],
    ] as const) {
      await sql.query(
        `INSERT INTO connection_changes (event_id, connection_id, account, vendor, name, kind, actor, seen, diff, at) VALUES ($1, 'c', 'a', 'v', 'n', 'UPDATED', 'x', 'SCAN', $2::jsonb, now() - $3::interval)`,
        [event, diff, age],
      );
    }
    await sql.query(`INSERT INTO account_health_changes (event_id, account, vendor, status, at) VALUES ('old-health', 'a', 'v', 'FAILING', now() - interval '100 days')`);
    await sql.query(`INSERT INTO scan_runs (account, replica, started_at, finished_at, outcome, changes) VALUES ('a', 'r', now() - interval '100 days', now() - interval '100 days', 'OK', 0)`);
    for (const [event, state, age] of [
      ['old-delivered', 'DELIVERED', '100 days'],
      ['old-pending', 'PENDING', '100 days'],
      ['new-delivered', 'DELIVERED', '1 day'],
    ] as const) {
      await sql.query(`INSERT INTO webhook_outbox (webhook_id, event_id, event_type, body, state, finished_at) VALUES ('w', $1, 't', '{}', $2, now() - $3::interval)`, [event, state, age]);
      await sql.query(`INSERT INTO webhook_attempts (webhook_id, event_id, attempt, duration_ms) VALUES ('w', $1, 1, 5)`, [event]);
    }
    const run = await runRetention(sql, { auditDays: 90, idempotencyHours: 0 });
    // One change, one health transition, one scan run, one ended delivery and its attempt.
    expect(run.historyDeleted).toBe(5);
    expect((await sql.query<{ event_id: string }>('SELECT event_id FROM connection_changes')).map((r) => r.event_id)).toEqual(['new-change']);
    expect((await sql.query<{ event_id: string }>('SELECT event_id FROM webhook_outbox ORDER BY event_id')).map((r) => r.event_id)).toEqual(['new-delivered', 'old-pending']);
    expect((await sql.query<{ event_id: string }>('SELECT event_id FROM webhook_attempts ORDER BY event_id')).map((r) => r.event_id)).toEqual(['new-delivered', 'old-pending']);
  });

  it('0 keeps a table forever; bad batch sizes are refused', async () => {
    await sql.query(`INSERT INTO audit_log (at, caller, operation, outcome) VALUES (now() - interval '1000 days', 'c', 'op', 'OK')`);
    expect(await runRetention(sql, { auditDays: 0, idempotencyHours: 0 })).toEqual({ ran: true, auditDeleted: 0, idempotencyDeleted: 0, rotationsDeleted: 0, historyDeleted: 0, more: false });
    await expect(runRetention(sql, { auditDays: 1, idempotencyHours: 1, batchSize: 0 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe.skipIf(PG_URL === '')('retention on PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let a: SqlClient;
  let b: SqlClient;
  beforeAll(async () => {
    schema = await freshSchema('patchbay_retention');
    a = await openPostgres(schema.url, { max: 2 });
    b = await openPostgres(schema.url, { max: 2 });
    await migrate(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await schema?.drop();
  });

  it('of two runners started together, one does the work and the other skips its turn', async () => {
    await seed(a);
    // While A holds the turn (inside its transaction), B skips and deletes nothing.
    const skipped = await a.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [RETENTION_LOCK_KEY.toString()]);
      return runRetention(b, { auditDays: 90, idempotencyHours: 24 });
    });
    expect(skipped).toEqual({ ran: false, auditDeleted: 0, idempotencyDeleted: 0, rotationsDeleted: 0, historyDeleted: 0, more: false });
    expect((await counts(a)).audit).toBe(30);

    const runs = await Promise.all([runRetention(a, { auditDays: 90, idempotencyHours: 24, batchSize: 5 }), runRetention(b, { auditDays: 90, idempotencyHours: 24, batchSize: 5 })]);
    // At most one ran at a time: together they deleted each old row exactly once.
    expect(runs.reduce((sum, run) => sum + run.auditDeleted, 0)).toBe(25);
    expect(runs.reduce((sum, run) => sum + run.idempotencyDeleted, 0)).toBe(6);
    expect(await counts(a)).toEqual({ audit: 5, idempotency: KEPT_KEYS });
  });
});
