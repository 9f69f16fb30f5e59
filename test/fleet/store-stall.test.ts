import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeUnderDeadline } from '../../src/app/store-deadline.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { realClock } from '../../src/core/http/clock.js';
import { storeChecker } from '../../src/core/store/store-check.js';
import { openPostgres } from '../../src/core/store/sql.js';
import { createStore, type Store } from '../../src/core/store/store.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { createRuntime, defaultGatewayConfig } from '../../src/server/runtime.js';

/*
 * Issue 13 scope 3: a stalled store fails the calls that need it with the typed
 * StoreUnavailableError (not after the request deadline, not "Unexpected error"), the settings
 * reach the server as startup parameters, a lock timeout on a one-statement call is tried again
 * within the deadline, and the readiness check does not queue behind a saturated pool.
 */

describe.skipIf(PG_URL === '')('a store that degrades, not stalls', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let store: Store;
  let holder: pg.Client;

  beforeAll(async () => {
    schema = await freshSchema('patchbay_stall');
    const sql = await openPostgres(schema.url, {
      max: 1,
      connectionTimeoutMs: 300,
      lockTimeoutMs: 200,
      statementTimeoutMs: 5_000,
      applicationName: 'patchbay-stall-test',
      idleInTransactionTimeoutMs: 4_000,
    });
    store = await createStore(sql);
    holder = new pg.Client({ connectionString: schema.url });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await store?.close();
    await schema?.drop();
  });

  it('sends application_name and the timeouts as startup parameters (no SET)', async () => {
    await store.ping();
    const rows = await holder.query<{ application_name: string }>("SELECT application_name FROM pg_stat_activity WHERE application_name = 'patchbay-stall-test'");
    expect(rows.rows.length).toBeGreaterThanOrEqual(1);
    // A pool's own connection reports the settings it started with.
    const probe = await openPostgres(schema.url, { max: 1, lockTimeoutMs: 1234, statementTimeoutMs: 4321, idleInTransactionTimeoutMs: 5678, applicationName: 'patchbay-settings' });
    let settings: { lock: string; statement: string; idle: string; app: string }[];
    try {
      settings = await probe.query(
        "SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('application_name') AS app",
      );
    } finally {
      await probe.close();
    }
    expect(settings[0]).toEqual({ lock: '1234ms', statement: '4321ms', idle: '5678ms', app: 'patchbay-settings' });
  });

  it('a saturated pool fails store calls with StoreUnavailableError after connectionTimeoutMs, while the readiness check answers on its own connection', async () => {
    const sql = await openPostgres(schema.url, { max: 1, connectionTimeoutMs: 300 });
    try {
      const pooled = await createStore(sql);
      // The one pooled connection is busy for 3 s.
      const busy = sql.query('SELECT pg_sleep(3)');
      const scoped = storeUnderDeadline(pooled, realClock.now() + 20_000, realClock);
      const started = performance.now();
      await expect(scoped.listAudit()).rejects.toBeInstanceOf(StoreUnavailableError);
      // Failed at the pool's wait bound, far from the 20 s deadline.
      expect(performance.now() - started).toBeLessThan(2_500);
      const check = await storeChecker(sql, 1_000)();
      expect(check.status).toBe('ok');
      expect(check.pool).toMatchObject({ size: 1, open: 1 });
      // The same saturation in /metrics.
      const runtime = createRuntime({ accounts: [], gateway: defaultGatewayConfig(), store: pooled, logger: createMemoryLogger() });
      try {
        const metrics = await (await runtime.yoga.fetch('http://patchbay.test/metrics')).text();
        expect(metrics).toContain('patchbay_store_pool_connections{state="size"} 1');
        expect(metrics).toContain('patchbay_store_pool_connections{state="open"} 1');
        expect(metrics).toMatch(/patchbay_store_pool_connections\{state="waiting"\} \d/);
      } finally {
        await runtime.close();
      }
      await busy;
    } finally {
      await sql.close();
    }
  });

  it('retries an audit append refused by lock_timeout until the lock is released, within the deadline', async () => {
    const scoped = storeUnderDeadline(store, realClock.now() + 10_000, realClock);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE');
    let released = false;
    const release = setTimeout(() => {
      released = true;
      void holder.query('COMMIT');
    }, 1_500);
    try {
      const entry = await scoped.appendAudit({ caller: 'c', operation: 'stallTest', account: null, targetId: null, outcome: 'OK' });
      expect(released).toBe(true);
      expect(entry.operation).toBe('stallTest');
    } finally {
      clearTimeout(release);
      if (!released) await holder.query('COMMIT');
    }
  });

  it('retries a keyed mutation record (one transaction: audit row and outcome) refused by lock_timeout, and stores it once', async () => {
    const claim = await store.claimIdempotencyKey('stall-key', 'stallRecord', 'hash', 30);
    expect(claim.state).toBe('claimed');
    const scoped = storeUnderDeadline(store, realClock.now() + 10_000, realClock);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE');
    let released = false;
    const release = setTimeout(() => {
      released = true;
      void holder.query('COMMIT');
    }, 1_500);
    try {
      await scoped.recordMutation({
        id: 'stall-record-1',
        audit: { caller: 'c', operation: 'stallRecord', account: null, targetId: null, outcome: 'OK' },
        idempotency: { key: 'stall-key', operation: 'stallRecord', outcome: { ok: 1 } },
      });
      expect(released).toBe(true);
    } finally {
      clearTimeout(release);
      if (!released) await holder.query('COMMIT');
    }
    expect(await store.listAudit({ operation: 'stallRecord' })).toHaveLength(1);
    expect(await store.claimIdempotencyKey('stall-key', 'stallRecord', 'hash', 30)).toEqual({ state: 'done', outcome: { ok: 1 } });
  });

  it('gives up with StoreUnavailableError when the lock outlasts the deadline, and makes no try after it', async () => {
    const scoped = storeUnderDeadline(store, realClock.now() + 800, realClock);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE');
    try {
      await expect(scoped.appendAudit({ caller: 'c', operation: 'stallTest2', account: null, targetId: null, outcome: 'OK' })).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await holder.query('COMMIT');
    }
    // The try in flight at the deadline is not cancelled (it may still land once the lock goes), but none follows it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await store.listAudit({ operation: 'stallTest2' })).length).toBeLessThanOrEqual(1);
  });
});
