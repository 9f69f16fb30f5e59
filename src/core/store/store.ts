import type { Logger } from '../logger.js';
import { migrate, requireCurrentSchema } from './migrations.js';
import { openPglite, openPostgres, type PostgresOptions } from './sql.js';
import type { PoolStats, SqlClient, SqlKind } from './sql.js';
import { writeIntentStore, type WriteIntentStore } from './write-intents.js';
import { custodyStore, type CustodyStore } from './custody-store.js';
import { historyStore, type HistoryStore } from './history-store.js';
import { AUDIT_COLUMNS, insertAudit, mutationRecordStore, newReplicaId, toAudit, requireText, type AuditRow, type MutationRecordStore } from './mutation-records.js';

/** A Datadog action connection id Patchbay remembers for one account. */
export interface TrackedConnection {
  readonly account: string;
  readonly connectionId: string;
  readonly name: string | null;
  readonly trackedAt: Date;
}

/** Flat, secret-free facts attached to an audit entry. */
export type AuditDetail = Readonly<Record<string, string | number | boolean | null>>;

/** What a caller records about one mutation. Never put a secret in any field. */
export interface AuditInput {
  /** Who asked (a client id, user, or `system`). */
  readonly caller: string;
  /** The operation, e.g. the GraphQL mutation name. */
  readonly operation: string;
  readonly account: string | null;
  readonly targetId: string | null;
  /** e.g. `ok` or an error type name. */
  readonly outcome: string;
  readonly detail?: AuditDetail;
}

/** One stored audit entry. */
export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  readonly caller: string;
  readonly operation: string;
  readonly account: string | null;
  readonly targetId: string | null;
  readonly outcome: string;
  readonly detail: AuditDetail | null;
}

/** Options for {@link Store.listAudit}. */
export interface ListAuditOptions {
  /** At most this many entries (1…{@link MAX_AUDIT_LIMIT}); default {@link DEFAULT_AUDIT_LIMIT}. */
  readonly limit?: number;
  /** Only entries of this operation. */
  readonly operation?: string;
  /** Only entries of one of these operations. */
  readonly operations?: readonly string[];
  /** Only entries of one of these callers. */
  readonly callers?: readonly string[];
  /** Only entries of one of these accounts (entries that name no account are left out). */
  readonly accounts?: readonly string[];
  /** Only entries at or after this instant. */
  readonly since?: Date;
  /** Only entries older than the entry with this id: the keyset cursor of the next page. */
  readonly beforeId?: number;
}

/** Default page size of {@link Store.listAudit}. */
export const DEFAULT_AUDIT_LIMIT = 100;
/** Largest page {@link Store.listAudit} returns. */
export const MAX_AUDIT_LIMIT = 1000;

/**
 * What Patchbay keeps that vendors cannot tell it: tracked Datadog connection ids and the audit
 * log (and, later, idempotency records). Obtain one with {@link openStore} or {@link createStore}.
 */
export interface Store extends WriteIntentStore, MutationRecordStore, CustodyStore, HistoryStore {
  /** Which engine backs the store. */
  readonly kind: SqlKind;
  /**
   * Remembers a Datadog connection id for `account` (upsert). `name` undefined keeps the name
   * already stored (null for a new row); null clears it. `trackedAt` of an existing row is kept.
   */
  trackDatadogConnection(account: string, connectionId: string, name?: string | null): Promise<TrackedConnection>;
  /** Forgets a tracked id; true when it was tracked. */
  untrackDatadogConnection(account: string, connectionId: string): Promise<boolean>;
  /** Tracked ids of one account, or of all accounts, ordered by account then connection id. */
  listTrackedDatadogConnections(account?: string): Promise<TrackedConnection[]>;
  /** Whether `connectionId` is tracked for `account`. */
  isTrackedDatadogConnection(account: string, connectionId: string): Promise<boolean>;
  /** Appends one entry to the audit log and returns it as stored. */
  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  /** Audit entries, newest first. */
  listAudit(options?: ListAuditOptions): Promise<AuditEntry[]>;
  /** True when the database answers (for `/readyz`); never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * Tells the other replicas that `account`'s tracked ids changed (PostgreSQL `NOTIFY` on
   * {@link TRACKED_CHANNEL}; see tracked-notify.ts); nothing on the embedded store, which has one process.
   */
  notifyTrackedChange(account: string): Promise<void>;
  /** The request pool's state (PostgreSQL), for `/readyz`; null on the embedded store. */
  poolStats(): PoolStats | null;
  /** Closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** A PostgreSQL connection string; when set, the store uses that server. */
  readonly databaseUrl?: string | null;
  /** PGlite data directory when no `databaseUrl`; null or absent makes a throwaway store (removed on close, see `openPglite`). */
  readonly dataDir?: string | null;
  /** Receives background database errors (PostgreSQL pool). */
  readonly logger?: Logger;
  /** PostgreSQL only: the server ends statements running longer than this (pass the request deadline). */
  readonly statementTimeoutMs?: number;
  /** This replica's id as the owner of its idempotency claims and write intents; default a new {@link newReplicaId}. */
  readonly replicaId?: string;
  /** PostgreSQL only: pool size, connection, lock and idle-in-transaction timeouts, `application_name` (`gateway.store`). */
  readonly postgres?: Omit<PostgresOptions, 'logger' | 'statementTimeoutMs'>;
  /** Whether to apply pending migrations (default); false refuses a schema behind the code with `SchemaBehindError`. */
  readonly migrate?: boolean;
}

/** The PostgreSQL channel a tracked-id change is announced on. */
export const TRACKED_CHANNEL = 'patchbay_tracked';

/** Opens the database {@link openStore} would use, without building a store on it (`patchbay migrate`, start-up). */
export async function openStoreSql(options: OpenStoreOptions = {}): Promise<SqlClient> {
  const { databaseUrl = null, dataDir = null, logger, statementTimeoutMs } = options;
  const pgOptions: PostgresOptions = { ...options.postgres, ...(logger === undefined ? {} : { logger }), ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }) };
  return databaseUrl !== null && databaseUrl !== '' ? openPostgres(databaseUrl, pgOptions) : openPglite(dataDir, logger === undefined ? {} : { logger });
}

/**
 * Opens the store: a PostgreSQL server when `databaseUrl` is set (several replicas may share
 * it), otherwise embedded PGlite in `dataDir` (in memory when null). Runs pending migrations;
 * on failure the database is closed again and the error rethrown.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const sql = await openStoreSql(options);
  try {
    return await createStore(sql, { migrate: options.migrate ?? true, ...(options.replicaId === undefined ? {} : { replicaId: options.replicaId }) });
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
}

interface TrackedRow {
  account: string;
  connection_id: string;
  name: string | null;
  tracked_at: Date;
}

const TRACKED_COLUMNS = 'account, connection_id, name, tracked_at';

/**
 * Builds a {@link Store} over an open {@link SqlClient}, applying pending migrations first. The
 * store owns `sql` from then on: `store.close()` closes it.
 */
export async function createStore(sql: SqlClient, options: { readonly replicaId?: string; readonly migrate?: boolean } = {}): Promise<Store> {
  if (options.migrate === false) await requireCurrentSchema(sql);
  else await migrate(sql);
  const replicaId = options.replicaId ?? newReplicaId();

  const store: Store = {
    kind: sql.kind,
    // The embedded store is one process's alone (its data directory is locked), so another owner's pending intent is abandoned.
    ...writeIntentStore(sql, sql.kind === 'pglite', replicaId),
    ...mutationRecordStore(sql, replicaId),
    ...custodyStore(sql),
    ...historyStore(sql, replicaId),

    async trackDatadogConnection(account, connectionId, name) {
      requireText('account', account);
      requireText('connectionId', connectionId);
      // $4: whether the caller passed a name at all (undefined keeps the stored one).
      const rows = await sql.query<TrackedRow>(
        `INSERT INTO tracked_datadog_connections (account, connection_id, name)
         VALUES ($1, $2, $3)
         ON CONFLICT (account, connection_id) DO UPDATE
           SET name = CASE WHEN $4::boolean THEN EXCLUDED.name ELSE tracked_datadog_connections.name END
         RETURNING ${TRACKED_COLUMNS}`,
        [account, connectionId, name ?? null, name !== undefined],
      );
      return toTracked(single(rows));
    },

    async untrackDatadogConnection(account, connectionId) {
      const rows = await sql.query<{ connection_id: string }>('DELETE FROM tracked_datadog_connections WHERE account = $1 AND connection_id = $2 RETURNING connection_id', [account, connectionId]);
      return rows.length > 0;
    },

    async listTrackedDatadogConnections(account) {
      const rows =
        account === undefined
          ? await sql.query<TrackedRow>(`SELECT ${TRACKED_COLUMNS} FROM tracked_datadog_connections ORDER BY account, connection_id`)
          : await sql.query<TrackedRow>(`SELECT ${TRACKED_COLUMNS} FROM tracked_datadog_connections WHERE account = $1 ORDER BY account, connection_id`, [account]);
      return rows.map(toTracked);
    },

    async isTrackedDatadogConnection(account, connectionId) {
      const rows = await sql.query<{ one: number }>('SELECT 1 AS one FROM tracked_datadog_connections WHERE account = $1 AND connection_id = $2', [account, connectionId]);
      return rows.length > 0;
    },

    async appendAudit(entry) {
      const stored = await insertAudit(sql, entry);
      if (stored === null) throw new Error('Expected the statement to return a row');
      return stored;
    },

    async listAudit(options = {}) {
      const limit = options.limit ?? DEFAULT_AUDIT_LIMIT;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) {
        throw new RangeError(`limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}; got ${limit}`);
      }
      const params: unknown[] = [];
      const where: string[] = [];
      const condition = (template: (placeholder: string) => string, value: unknown): void => {
        params.push(value);
        where.push(template(`$${params.length}`));
      };
      if (options.operation !== undefined) condition((p) => `operation = ${p}`, options.operation);
      if (options.operations !== undefined) condition((p) => `operation = ANY(${p}::text[])`, [...options.operations]);
      if (options.callers !== undefined) condition((p) => `caller = ANY(${p}::text[])`, [...options.callers]);
      if (options.accounts !== undefined) condition((p) => `account = ANY(${p}::text[])`, [...options.accounts]);
      if (options.since !== undefined) condition((p) => `at >= ${p}::timestamptz`, options.since.toISOString());
      if (options.beforeId !== undefined) condition((p) => `id < ${p}::bigint`, String(options.beforeId));
      params.push(limit);
      // Newest first: ids come from one sequence, so they follow insertion order.
      const rows = await sql.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`, params);
      return rows.map(toAudit);
    },

    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      });
      const probe = sql.query<{ ok: number }>('SELECT 1 AS ok').then(
        (rows) => rows[0]?.ok === 1,
        () => false,
      );
      try {
        return await Promise.race([probe, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async notifyTrackedChange(account) {
      if (sql.kind !== 'postgres') return;
      // pg_notify is transactional and needs no session: it works through PgBouncer's transaction pooling.
      await sql.query('SELECT pg_notify($1, $2)', [TRACKED_CHANNEL, account]);
    },

    poolStats() {
      return sql.poolStats?.() ?? null;
    },

    close() {
      return sql.close();
    },
  };
  return store;
}

function toTracked(row: TrackedRow): TrackedConnection {
  return { account: row.account, connectionId: row.connection_id, name: row.name, trackedAt: row.tracked_at };
}

function single<R>(rows: readonly R[]): R {
  const row = rows[0];
  if (row === undefined) throw new Error('Expected the statement to return a row');
  return row;
}
