import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/core/store/migrations.js';
import { openPglite, openPostgres, TransactionAbortedError } from '../../src/core/store/sql.js';
import type { SqlClient } from '../../src/core/store/sql.js';
import { createStore, openStore } from '../../src/core/store/store.js';
import type { Store } from '../../src/core/store/store.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';

/** One database the shared suite runs against. */
interface Target {
  readonly kind: 'pglite' | 'postgres';
  /** Opens a client on the target's database (in-memory PGlite: a new database each call). */
  openSql(): Promise<SqlClient>;
  /** Opens a store on the same database again, as a restarted gateway would; null for in-memory. */
  readonly reopen: (() => Promise<Store>) | null;
  cleanup(): Promise<void>;
}

function memoryTarget(): Target {
  return { kind: 'pglite', openSql: () => openPglite(null), reopen: null, cleanup: async () => {} };
}

async function directoryTarget(): Promise<Target> {
  const parent = await mkdtemp(join(tmpdir(), 'patchbay-store-'));
  // A directory that does not exist yet: openPglite must create it.
  const dataDir = join(parent, 'nested', 'data');
  return {
    kind: 'pglite',
    openSql: () => openPglite(dataDir),
    reopen: () => openStore({ dataDir }),
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
}

async function postgresTarget(): Promise<Target> {
  const { url, drop } = await freshSchema();
  return {
    kind: 'postgres',
    openSql: () => openPostgres(url, { max: 2 }),
    reopen: () => openStore({ databaseUrl: url }),
    cleanup: drop,
  };
}

function defineSuite(makeTarget: () => Target | Promise<Target>): void {
  let target: Target;
  let sql: SqlClient;
  let store: Store;

  beforeAll(async () => {
    target = await makeTarget();
    sql = await target.openSql();
    store = await createStore(sql);
  });

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  async function migrationRows(client: SqlClient): Promise<{ version: number; name: string }[]> {
    return client.query('SELECT version, name FROM schema_migrations ORDER BY version');
  }

  describe('migrations', () => {
    it('records every version once and creates the tables', async () => {
      expect(store.kind).toBe(target.kind);
      expect(await migrationRows(sql)).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
      const tables = await sql.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = current_schema() ORDER BY table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        'account_health_changes',
        'account_health_state',
        'account_scans',
        'audit_log',
        'connection_changes',
        'connection_snapshots',
        'idempotency_records',
        'scan_runs',
        'schema_migrations',
        'secret_fingerprints',
        'secret_rotation_targets',
        'secret_rotations',
        'tracked_datadog_connections',
        'webhook_attempts',
        'webhook_outbox',
        'write_intents',
      ]);
    });

    it('is idempotent: migrating again applies nothing and records nothing twice', async () => {
      const again = await migrate(sql);
      expect(again).toEqual({ applied: [], current: MIGRATIONS.at(-1)?.version });
      expect(await migrationRows(sql)).toHaveLength(MIGRATIONS.length);
    });

    it('refuses a recorded version whose name changed, and out-of-order versions', async () => {
      const [first] = MIGRATIONS;
      if (first === undefined) throw new Error('no migrations');
      await expect(migrate(sql, [{ ...first, name: 'renamed' }])).rejects.toThrow(/recorded as/);
      await expect(migrate(sql, [first, { version: first.version, name: 'dup', sql: 'SELECT 1' }])).rejects.toThrow(/increasing/);
      expect(await migrationRows(sql)).toHaveLength(MIGRATIONS.length);
    });

    it('applies a later migration once and leaves the schema intact when a migration fails', async () => {
      const extra = [...MIGRATIONS, { version: 1000, name: 'test table', sql: 'CREATE TABLE test_extra (a int); CREATE TABLE test_extra_2 (b int);' }];
      expect((await migrate(sql, extra)).applied).toEqual([1000]);
      expect((await migrate(sql, extra)).applied).toEqual([]);
      // A broken migration rolls back whole: neither its table nor its record remain.
      const broken = [...extra, { version: 1001, name: 'broken', sql: 'CREATE TABLE test_broken (a int); SELECT nope;' }];
      await expect(migrate(sql, broken)).rejects.toThrow();
      const rows = await migrationRows(sql);
      expect(rows.map((r) => r.version)).toEqual([...MIGRATIONS.map((m) => m.version), 1000]);
      const leftovers = await sql.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'test_broken'`);
      expect(leftovers).toEqual([]);
      // Code that is behind the database (an older replica) still starts.
      expect(await migrate(sql)).toEqual({ applied: [], current: 1000 });
      await sql.exec('DROP TABLE test_extra; DROP TABLE test_extra_2; DELETE FROM schema_migrations WHERE version = 1000;');
    });
  });

  describe('SqlClient', () => {
    it('commits, rolls back on throw, and nests with savepoints', async () => {
      await sql.exec('CREATE TABLE test_tx (a int)');
      try {
        await sql.transaction(async (tx) => {
          await tx.query('INSERT INTO test_tx VALUES ($1)', [1]);
        });
        await expect(
          sql.transaction(async (tx) => {
            await tx.query('INSERT INTO test_tx VALUES ($1)', [2]);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        await sql.transaction(async (tx) => {
          await tx.query('INSERT INTO test_tx VALUES ($1)', [3]);
          await expect(
            tx.transaction(async (inner) => {
              await inner.query('INSERT INTO test_tx VALUES ($1)', [4]);
              throw new Error('inner');
            }),
          ).rejects.toThrow('inner');
          await tx.transaction(async (inner) => {
            await inner.query('INSERT INTO test_tx VALUES ($1)', [5]);
          });
        });
        const rows = await sql.query<{ a: number }>('SELECT a FROM test_tx ORDER BY a');
        expect(rows.map((r) => r.a)).toEqual([1, 3, 5]);
      } finally {
        await sql.exec('DROP TABLE test_tx');
      }
    });

    it('reports a transaction whose failed statement was swallowed as aborted', async () => {
      await expect(
        sql.transaction(async (tx) => {
          await tx.query('SELECT nope').catch(() => undefined);
        }),
      ).rejects.toBeInstanceOf(TransactionAbortedError);
      expect(await sql.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });

    it('takes transaction-scoped advisory locks', async () => {
      const rows = await sql.transaction((tx) => tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(42) AS locked'));
      expect(rows).toEqual([{ locked: true }]);
    });
  });

  describe('tracked Datadog connections', () => {
    it('tracks (upsert), lists in order, checks and untracks', async () => {
      const created = await store.trackDatadogConnection('dd-b', 'conn-2', 'Second');
      expect(created).toMatchObject({ account: 'dd-b', connectionId: 'conn-2', name: 'Second' });
      expect(created.trackedAt).toBeInstanceOf(Date);
      await store.trackDatadogConnection('dd-a', 'conn-9');
      await store.trackDatadogConnection('dd-b', 'conn-1', null);
      await store.trackDatadogConnection('dd-a', 'conn-3', 'Third');

      const all = await store.listTrackedDatadogConnections();
      expect(all.map((c) => [c.account, c.connectionId, c.name])).toEqual([
        ['dd-a', 'conn-3', 'Third'],
        ['dd-a', 'conn-9', null],
        ['dd-b', 'conn-1', null],
        ['dd-b', 'conn-2', 'Second'],
      ]);
      expect((await store.listTrackedDatadogConnections('dd-b')).map((c) => c.connectionId)).toEqual(['conn-1', 'conn-2']);
      expect(await store.listTrackedDatadogConnections('dd-none')).toEqual([]);

      // Upsert: no duplicate; undefined keeps the name, a string replaces it, null clears it;
      // trackedAt stays the first one.
      const kept = await store.trackDatadogConnection('dd-b', 'conn-2');
      expect(kept.name).toBe('Second');
      expect(kept.trackedAt.getTime()).toBe(created.trackedAt.getTime());
      expect((await store.trackDatadogConnection('dd-b', 'conn-2', 'Renamed')).name).toBe('Renamed');
      expect((await store.trackDatadogConnection('dd-b', 'conn-2', null)).name).toBeNull();
      expect(await store.listTrackedDatadogConnections('dd-b')).toHaveLength(2);

      expect(await store.isTrackedDatadogConnection('dd-b', 'conn-2')).toBe(true);
      expect(await store.isTrackedDatadogConnection('dd-a', 'conn-2')).toBe(false);
      expect(await store.untrackDatadogConnection('dd-b', 'conn-2')).toBe(true);
      expect(await store.untrackDatadogConnection('dd-b', 'conn-2')).toBe(false);
      expect(await store.isTrackedDatadogConnection('dd-b', 'conn-2')).toBe(false);
      expect((await store.listTrackedDatadogConnections()).map((c) => c.connectionId)).toEqual(['conn-3', 'conn-9', 'conn-1']);
    });

    it('keeps ids of different accounts apart and refuses empty ids', async () => {
      await store.trackDatadogConnection('dd-x', 'same-id', 'x');
      await store.trackDatadogConnection('dd-y', 'same-id', 'y');
      expect(await store.untrackDatadogConnection('dd-x', 'same-id')).toBe(true);
      expect(await store.isTrackedDatadogConnection('dd-y', 'same-id')).toBe(true);
      await store.untrackDatadogConnection('dd-y', 'same-id');
      await expect(store.trackDatadogConnection('', 'id')).rejects.toThrow(/account/);
      await expect(store.trackDatadogConnection('dd-x', '')).rejects.toThrow(/connectionId/);
    });
  });

  describe('audit log', () => {
    it('appends and lists newest first, with limit and operation filter', async () => {
      const first = await store.appendAudit({
        caller: 'alice',
        operation: 'createDatadogConnection',
        account: 'dd-a',
        targetId: 'conn-3',
        outcome: 'ok',
        detail: { integrationType: 'PagerDuty', attempt: 1, dryRun: false, note: null },
      });
      expect(first.id).toEqual(expect.any(Number));
      expect(first.at).toBeInstanceOf(Date);
      expect(first.detail).toEqual({ integrationType: 'PagerDuty', attempt: 1, dryRun: false, note: null });
      await store.appendAudit({ caller: 'bob', operation: 'deleteDatadogConnection', account: 'dd-a', targetId: 'conn-9', outcome: 'NotFoundError' });
      await store.appendAudit({ caller: 'system', operation: 'createDatadogConnection', account: null, targetId: null, outcome: 'ok' });

      const latest = await store.listAudit({ limit: 3 });
      expect(latest.map((e) => [e.caller, e.operation, e.outcome])).toEqual([
        ['system', 'createDatadogConnection', 'ok'],
        ['bob', 'deleteDatadogConnection', 'NotFoundError'],
        ['alice', 'createDatadogConnection', 'ok'],
      ]);
      expect(latest[1]).toMatchObject({ account: 'dd-a', targetId: 'conn-9', detail: null });
      expect(latest[0]).toMatchObject({ account: null, targetId: null });
      expect(latest.every((e) => e.at instanceof Date)).toBe(true);
      const ids = latest.map((e) => e.id);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);

      const creates = await store.listAudit({ operation: 'createDatadogConnection' });
      expect(creates.map((e) => e.caller)).toEqual(['system', 'alice']);
      expect(await store.listAudit({ operation: 'createDatadogConnection', limit: 1 })).toHaveLength(1);
      expect(await store.listAudit({ operation: 'noSuchOperation' })).toEqual([]);
      expect((await store.listAudit()).length).toBeGreaterThanOrEqual(3);
    });

    it('refuses bad limits and non-flat detail', async () => {
      await expect(store.listAudit({ limit: 0 })).rejects.toThrow(RangeError);
      await expect(store.listAudit({ limit: 1.5 })).rejects.toThrow(RangeError);
      await expect(store.listAudit({ limit: 100_000 })).rejects.toThrow(RangeError);
      const nested = { nested: { secret: 'x' } } as unknown as Record<string, string>;
      await expect(store.appendAudit({ caller: 'c', operation: 'op', account: null, targetId: null, outcome: 'ok', detail: nested })).rejects.toThrow(/detail "nested"/);
      await expect(store.listAudit({ operation: 'op' })).resolves.toEqual([]);
    });
  });

  it('answers ping', async () => {
    expect(await store.ping()).toBe(true);
  });

  it('keeps tracked ids and audit rows across a restart (same database)', async (ctx) => {
    if (target.reopen === null) {
      ctx.skip();
      return;
    }
    await store.trackDatadogConnection('dd-restart', 'conn-r1', 'Kept');
    await store.appendAudit({ caller: 'restart', operation: 'restartCheck', account: 'dd-restart', targetId: 'conn-r1', outcome: 'ok', detail: { n: 7 } });
    const trackedBefore = await store.listTrackedDatadogConnections();
    const auditBefore = await store.listAudit({ limit: 1000 });
    await store.close();
    expect(await store.ping()).toBe(false);

    // A restarted gateway: openStore on the same directory / database.
    store = await target.reopen();
    expect(await store.listTrackedDatadogConnections()).toEqual(trackedBefore);
    expect(await store.listAudit({ limit: 1000 })).toEqual(auditBefore);
    expect((await store.listAudit({ operation: 'restartCheck' }))[0]?.detail).toEqual({ n: 7 });
    await store.close();

    // Once more through a raw client, to see that reopening recorded no migration twice.
    sql = await target.openSql();
    store = await createStore(sql);
    expect(await migrationRows(sql)).toHaveLength(MIGRATIONS.length);
    expect(await store.isTrackedDatadogConnection('dd-restart', 'conn-r1')).toBe(true);
    expect(await store.listAudit({ limit: 1000 })).toEqual(auditBefore);
  });
}

describe('store on PGlite in memory', () => {
  defineSuite(memoryTarget);
});

describe('store on PGlite in a data directory', () => {
  defineSuite(directoryTarget);

  it('refuses to open a data directory twice in one process, and allows it after close', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'patchbay-store-'));
    try {
      const first = await openStore({ dataDir: parent });
      await expect(openStore({ dataDir: parent })).rejects.toThrow(/already open/);
      await first.close();
      await first.close(); // idempotent
      const second = await openStore({ dataDir: parent });
      expect(await second.ping()).toBe(true);
      await second.close();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe.skipIf(PG_URL === '')('store on PostgreSQL (PATCHBAY_TEST_DATABASE_URL)', () => {
  defineSuite(postgresTarget);

  it('lets gateway replicas start at once: concurrent openStore migrates exactly once', async () => {
    for (let round = 0; round < 3; round++) {
      const { url, drop } = await freshSchema();
      try {
        const opened = await Promise.allSettled([1, 2, 3].map(() => openStore({ databaseUrl: url })));
        const stores = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        try {
          expect(opened.filter((r) => r.status === 'rejected')).toEqual([]);
          const [a, b] = stores;
          if (a === undefined || b === undefined) throw new Error('unreachable');
          await a.trackDatadogConnection('dd', 'shared', 'from a');
          expect(await b.isTrackedDatadogConnection('dd', 'shared')).toBe(true);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
        const raw = await openPostgres(url);
        try {
          const rows = await raw.query<{ version: number }>('SELECT version FROM schema_migrations');
          expect(rows).toHaveLength(MIGRATIONS.length);
        } finally {
          await raw.close();
        }
      } finally {
        await drop();
      }
    }
  });

  it('leaves nothing behind: each run uses its own schema', async () => {
    const { url, drop } = await freshSchema();
    const store = await openStore({ databaseUrl: url });
    await store.close();
    await drop();
    const schema = new URL(url).searchParams.get('options')?.replace('-c search_path=', '') ?? '';
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      expect(found.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

describe('openStore failures', () => {
  it('rejects, and releases the pool, when the PostgreSQL server is unreachable', async () => {
    await expect(openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow();
  });

  it('an empty databaseUrl means PGlite', async () => {
    const store = await openStore({ databaseUrl: '', dataDir: null });
    try {
      expect(store.kind).toBe('pglite');
    } finally {
      await store.close();
    }
  });
});
