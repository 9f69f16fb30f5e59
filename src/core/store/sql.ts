import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { Logger } from '../logger.js';
import { lockDataDir } from './dir-lock.js';
import { startPglite, type ClusterOrigin } from './pglite-start.js';

/**
 * The store's one seam to a database: PostgreSQL's dialect, either embedded (PGlite) or a real
 * server (`pg` pool). Row values come back parsed: `timestamptz` as `Date`, `jsonb` as JSON,
 * `text` as string. `bigint` differs by driver (PGlite: number when safe, pg: string), so
 * callers convert it themselves.
 */
export interface SqlClient {
  /** Which engine answers: embedded PGlite or a PostgreSQL server. */
  readonly kind: SqlKind;
  /** Runs one statement with `$1…$n` parameters and returns its rows. */
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * Runs a script of several `;`-separated statements without parameters (migrations).
   * Needed because PGlite's `query` uses the extended protocol, which refuses multi-statement SQL.
   */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` inside a transaction on one connection: committed when `fn` resolves, rolled back
   * when it throws. Calling `transaction` on the `tx` it receives opens a savepoint.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Releases the database (closes PGlite / ends the pool). Idempotent. */
  close(): Promise<void>;
  /** The request pool's state (PostgreSQL only): how full it is and how many calls wait for a connection. */
  poolStats?(): PoolStats;
  /**
   * Runs `fn` on a connection of its own, outside the request pool, opened with `timeoutMs` as
   * its connect, statement and lock timeout and closed afterwards (PostgreSQL only): `/readyz`
   * must answer truthfully while the pool is saturated.
   */
  withOwnConnection?<T>(timeoutMs: number, fn: (conn: SqlClient) => Promise<T>): Promise<T>;
}

/** See {@link SqlClient.poolStats}. */
export interface PoolStats {
  readonly size: number;
  readonly open: number;
  readonly idle: number;
  readonly waiting: number;
}

/** The engine behind a {@link SqlClient}. */
export type SqlKind = 'pglite' | 'postgres';

/** Options for {@link openPostgres}. */
export interface PostgresOptions {
  /** Pool size; default 10. */
  readonly max?: number;
  /** How long a query waits to connect or for a free pooled connection; default 5 s. */
  readonly connectionTimeoutMs?: number;
  /** `lock_timeout` (0: off); default 2 s. */
  readonly lockTimeoutMs?: number;
  /** `idle_in_transaction_session_timeout` (0: off); default 60 s. */
  readonly idleInTransactionTimeoutMs?: number;
  /** `application_name`; default `patchbay`. */
  readonly applicationName?: string;
  /** Whether the timeouts are sent as startup parameters (default); false sends `application_name` only (a pooler that refuses them). */
  readonly startupParameters?: boolean;
  /** Where background pool errors (an idle connection dropped by the server) are reported. */
  readonly logger?: Logger;
  /**
   * The server ends any statement running longer than this (`statement_timeout`); default 30 s,
   * the default request deadline. A request stops waiting at its own deadline; this frees the
   * connection the stalled statement holds.
   */
  readonly statementTimeoutMs?: number;
}

/** Thrown when a transaction's COMMIT turned into a rollback because a statement inside it failed. */
export class TransactionAbortedError extends Error {
  constructor() {
    super('Transaction was aborted by an earlier failed statement and has been rolled back');
    this.name = 'TransactionAbortedError';
  }
}

/** Options for {@link openPglite}. */
export interface PgliteOptions {
  /** Told when a new store cannot be copied from the template and PGlite runs initdb instead (slow, memory-hungry). */
  readonly logger?: Logger;
}

/** A {@link SqlClient} on PGlite, saying where its cluster came from. */
export interface PgliteClient extends SqlClient {
  /** `existing`: the directory held one; `template`: copied from the store template; `initdb`: PGlite made it. */
  readonly origin: ClusterOrigin;
  /** The cluster's directory (for a throwaway store, the temporary one `close()` removes); null when PGlite keeps it in memory. */
  readonly dataDir: string | null;
}

/** A throwaway store's directory: `<tmpdir>/patchbay-store-XXXXXX`. */
const THROWAWAY_PREFIX = 'patchbay-store-';

/** A throwaway directory younger than this may be one another process is still setting up. */
const THROWAWAY_SWEEP_MIN_AGE_MS = 60_000;

/** Data directories opened by this process, to refuse a second PGlite on the same files. */
const openPgliteDirs = new Set<string>();

/**
 * Opens an embedded PostgreSQL (PGlite). With a `dataDir` the directory is created if missing and
 * the data persists across restarts; a new directory is a copy of the store template (see
 * pglite-template.ts). With `dataDir` null the store is throwaway: a directory of its own under
 * the system's temporary directory, removed again by `close()` (one a killed process left behind
 * is removed by the next throwaway store). It lives on disk rather than in PGlite's in-memory file
 * system, which would keep its files (16 MB, more as its WAL grows) in the process's memory; only
 * where no temporary directory can be made (a read-only file system) is it kept in memory.
 *
 * One instance may open a directory at a time (PGlite is single-user; two instances on the same
 * files corrupt them): within this process by a set of open directories, across processes by a
 * lock file in the directory (`lockDataDir`), so a second gateway fails with {@link DataDirLockedError}.
 */
export async function openPglite(dataDir: string | null, options: PgliteOptions = {}): Promise<PgliteClient> {
  const throwaway = dataDir === null;
  // null: a throwaway store where the system's temporary directory is not writable (a read-only container).
  const dir = throwaway ? await throwawayDir() : resolve(dataDir);
  if (dir !== null) {
    if (openPgliteDirs.has(dir)) {
      throw new Error(`PGlite data directory is already open in this process: ${dir}`);
    }
    openPgliteDirs.add(dir);
  }
  let db: PGlite;
  let origin: ClusterOrigin;
  let pglite: typeof import('@electric-sql/pglite');
  let unlock: () => Promise<void> = async () => undefined;
  const release = async (): Promise<void> => {
    if (dir === null) return;
    await unlock();
    if (throwaway) await rm(dir, { recursive: true, force: true });
    openPgliteDirs.delete(dir);
  };
  try {
    if (dir !== null) {
      await mkdir(dir, { recursive: true });
      unlock = await lockDataDir(dir);
    }
    pglite = await import('@electric-sql/pglite');
    ({ db, origin } = await startPglite(dir, {
      onTemplateMiss: (why) => options.logger?.warn('store: making a new embedded store with initdb, which takes seconds of CPU and keeps hundreds of MB of memory until the process ends', { why }),
    }));
  } catch (error) {
    await release();
    throw error;
  }

  let closing: Promise<void> | null = null;
  const prepared = preparedStatements(db, pglite);
  const client: PgliteClient = {
    kind: 'pglite',
    origin,
    dataDir: dir,
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      // As PGlite's own query: after any transaction running, then its files synced.
      const rows = await db._runExclusiveTransaction(() => db._runExclusiveQuery(() => prepared.run<R>(sql, params)));
      await db.syncToFs();
      return rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      // As PGlite's own transaction (its transaction lock held throughout, each call under its
      // query lock), with BEGIN, COMMIT and ROLLBACK prepared once like every other statement.
      return db._runExclusiveTransaction(async () => {
        const state = { closed: false };
        await db._runExclusiveQuery(() => prepared.run('BEGIN', []));
        try {
          const result = await fn(pgliteTx(db, prepared, state, 0));
          state.closed = true;
          // A COMMIT in a transaction an error aborted rolls back, and says so.
          if ((await db._runExclusiveQuery(() => prepared.command('COMMIT'))) === 'ROLLBACK') throw new TransactionAbortedError();
          return result;
        } catch (error) {
          if (!state.closed) {
            state.closed = true;
            await db._runExclusiveQuery(() => prepared.run('ROLLBACK', []));
          }
          throw error;
        }
      });
    },
    close(): Promise<void> {
      closing ??= db.close().finally(release);
      return closing;
    },
  };
  return client;
}

/** A new throwaway store directory, after sweeping old ones; null when none can be made. */
async function throwawayDir(): Promise<string | null> {
  await sweepThrowawayStores();
  return mkdtemp(join(tmpdir(), THROWAWAY_PREFIX)).catch(() => null);
}

/**
 * Removes throwaway store directories that processes which died (or never closed their store)
 * left behind: those old enough not to be in the middle of being set up, whose lock this
 * process can take (its holder no longer runs). Never throws: a directory it cannot judge stays.
 */
async function sweepThrowawayStores(): Promise<void> {
  const parent = tmpdir();
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(THROWAWAY_PREFIX)) continue;
    const dir = join(parent, name);
    if (openPgliteDirs.has(dir)) continue;
    try {
      const info = await stat(dir);
      if (!info.isDirectory() || Date.now() - info.mtimeMs < THROWAWAY_SWEEP_MIN_AGE_MS) continue;
      await lockDataDir(dir);
      await rm(dir, { recursive: true, force: true });
    } catch {
      // Held by a live process (DataDirLockedError), or gone meanwhile: leave it.
    }
  }
}

function pgliteTx(db: PGlite, prepared: PreparedStatements, state: { readonly closed: boolean }, depth: number): SqlClient {
  const closed = () => Promise.reject(new Error('Transaction is closed'));
  const client: SqlClient = {
    kind: 'pglite',
    query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      if (state.closed) return closed();
      // Inside the transaction, which holds PGlite's transaction lock: only the query lock, as PGlite's own tx.query.
      return db._runExclusiveQuery(() => prepared.run<R>(sql, params));
    },
    exec(sql: string): Promise<void> {
      if (state.closed) return closed();
      return db._runExclusiveQuery(() => prepared.script(sql));
    },
    transaction<T>(fn: (inner: SqlClient) => Promise<T>): Promise<T> {
      return withSavepoint(client, depth + 1, () => fn(pgliteTx(db, prepared, state, depth + 1)));
    },
    close(): Promise<void> {
      return Promise.reject(new Error('close() is not available inside a transaction'));
    },
  };
  return client;
}

/** Runs statements on PGlite as named prepared statements; see {@link preparedStatements}. */
interface PreparedStatements {
  /** Runs one statement and answers its rows; the caller holds PGlite's query lock. */
  run<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
  /** Runs one statement without parameters and answers its command tag (`COMMIT`, or `ROLLBACK` for a COMMIT that rolled back). */
  command(sql: string): Promise<string>;
  /** Runs a script of `;`-separated statements, unprepared (migrations); the caller holds PGlite's query lock. */
  script(sql: string): Promise<void>;
}

/** How many statements stay prepared; the least recently used beyond this are closed. The store has a few dozen. */
const PREPARED_MAX = 256;

/**
 * PGlite's `query` sends every statement unnamed, in five round trips into PostgreSQL (parse,
 * describe, bind, describe, execute, then sync), so PostgreSQL parses and plans it again each
 * time: 0.2–1.5 ms of CPU per store call, most of the embedded store's cost on the write path.
 * Here each SQL text is parsed once as a named prepared statement (its parameter types read
 * then), and every later call is one round trip: bind, describe, execute and sync together,
 * which measured 3–5× cheaper per call. Values are serialized and rows parsed exactly as PGlite's
 * `query` does it (its serializers by the parameter types PostgreSQL inferred, its parsers), so
 * callers see no difference. PostgreSQL re-plans a prepared statement by itself when a table it
 * uses changes (a migration). Prepared statements outlive a rolled-back transaction.
 */
function preparedStatements(db: PGlite, pglite: typeof import('@electric-sql/pglite')): PreparedStatements {
  const { serialize } = pglite.protocol;
  /** By SQL text, least recently used first. */
  const statements = new Map<string, { readonly name: string; readonly paramTypes: readonly number[] }>();
  /** Statements evicted from the map, closed ahead of the next call. */
  const evicted: string[] = [];
  let counter = 0;

  const send = async (parts: readonly Uint8Array[]) => {
    const closing = evicted.splice(0).map((name) => serialize.close({ type: 'S', name }));
    const all = [...closing, ...parts];
    const message = new Uint8Array(all.reduce((total, part) => total + part.length, 0));
    let offset = 0;
    for (const part of all) {
      message.set(part, offset);
      offset += part.length;
    }
    return db.execProtocolStream(message, { syncToFs: false });
  };

  const prepare = async (sql: string) => {
    const name = `patchbay_${++counter}`;
    // A Parse that fails creates nothing, so there is nothing to close.
    const messages = await send([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]);
    const description = messages.find((m): m is typeof m & { dataTypeIDs: number[] } => m.name === 'parameterDescription');
    const statement = { name, paramTypes: description?.dataTypeIDs ?? [] };
    statements.set(sql, statement);
    if (statements.size > PREPARED_MAX) {
      const oldest = statements.keys().next().value as string;
      const gone = statements.get(oldest);
      statements.delete(oldest);
      if (gone) evicted.push(gone.name);
    }
    return statement;
  };

  const execute = async (sql: string, params: readonly unknown[]) => {
    let statement = statements.get(sql);
    if (statement === undefined) statement = await prepare(sql);
    else {
      // Most recently used last.
      statements.delete(sql);
      statements.set(sql, statement);
    }
    const { paramTypes } = statement;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = db.serializers[paramTypes[i] ?? 0];
      return serializer ? serializer(value) : String(value);
    });
    return send([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
  };

  return {
    async run<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
      const messages = await execute(sql, params);
      return (pglite.parse.parseResults(messages, db.parsers)[0]?.rows ?? []) as R[];
    },
    async command(sql: string): Promise<string> {
      const messages = await execute(sql, []);
      const done = messages.find((m): m is typeof m & { text: string } => m.name === 'commandComplete');
      return done?.text ?? '';
    },
    async script(sql: string): Promise<void> {
      await send([serialize.query(sql), serialize.sync()]);
    },
  };
}

/**
 * Opens a pool of connections to a PostgreSQL server. `url` is a libpq-style connection string;
 * `?options=-c search_path=myschema` selects a schema. Connecting is lazy: the first query
 * reaches the server.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<SqlClient> {
  const { default: pg } = await import('pg');
  const max = options.max ?? 10;
  const applicationName = options.applicationName ?? 'patchbay';
  // Startup parameters, not `SET`: the server applies them to the session when it starts, and
  // PgBouncer in transaction pooling (which cannot keep per-session state) passes them through.
  const pool: Pool = new pg.Pool({
    ...startupParameters(url, {
      applicationName,
      statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
      lockTimeoutMs: options.lockTimeoutMs ?? 2_000,
      idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs ?? 60_000,
      timeouts: options.startupParameters ?? true,
    }),
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the
  // process. The pool discards that client; the next query opens a new connection.
  pool.on('error', (error: Error & { code?: string }) => {
    options.logger?.warn('store: idle PostgreSQL connection failed', {
      error: error.message,
      code: error.code ?? null,
    });
  });

  let closing: Promise<void> | null = null;
  return {
    ...statementsOn(pool),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const conn = await pool.connect();
      // Set when the connection's state is unknown (BEGIN, COMMIT or ROLLBACK failed): the pool
      // then destroys it instead of handing it out again.
      let broken: Error | undefined;
      try {
        try {
          await conn.query('BEGIN');
        } catch (error) {
          broken = toError(error);
          throw error;
        }
        let value: T;
        try {
          value = await fn(pgTx(conn, 0));
        } catch (error) {
          await conn.query('ROLLBACK').catch((rollbackError: unknown) => {
            broken = toError(rollbackError);
          });
          throw error;
        }
        let commit: QueryResult;
        try {
          commit = await conn.query('COMMIT');
        } catch (error) {
          broken = toError(error);
          throw error;
        }
        // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK instead of an error.
        if (commit.command === 'ROLLBACK') throw new TransactionAbortedError();
        return value;
      } finally {
        conn.release(broken);
      }
    },
    close(): Promise<void> {
      closing ??= pool.end();
      return closing;
    },
    poolStats(): PoolStats {
      return { size: max, open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
    async withOwnConnection<T>(timeoutMs: number, fn: (conn: SqlClient) => Promise<T>): Promise<T> {
      const conn = new pg.Client({
        ...startupParameters(url, {
          applicationName: `${applicationName}:check`.slice(0, 63),
          statementTimeoutMs: timeoutMs,
          lockTimeoutMs: timeoutMs,
          idleInTransactionTimeoutMs: timeoutMs,
          timeouts: options.startupParameters ?? true,
        }),
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
      });
      // A connection that fails after connecting must not crash the process.
      conn.on('error', () => undefined);
      try {
        await conn.connect();
        return await fn(sessionClient(conn));
      } finally {
        await conn.end().catch(() => undefined);
      }
    },
  };
}

/** The connection settings every Patchbay connection starts with (all startup parameters). */
export interface StartupSettings {
  readonly applicationName: string;
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
  /** False: leave the three timeouts out (the server's role or database settings apply). */
  readonly timeouts?: boolean;
}

/** `pg` client options for `url` with {@link StartupSettings}; `pg` sends them in the startup message (a value of 0 means off and is left out). */
export function startupParameters(url: string, settings: StartupSettings): Record<string, string | number> {
  if (settings.timeouts === false) return { connectionString: url, application_name: settings.applicationName };
  return {
    connectionString: url,
    application_name: settings.applicationName,
    ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}),
    ...(settings.lockTimeoutMs > 0 ? { lock_timeout: settings.lockTimeoutMs } : {}),
    ...(settings.idleInTransactionTimeoutMs > 0 ? { idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs } : {}),
  };
}

/** `query` and `exec` over anything `pg` can run a statement on: the pool, a pooled connection or a client of its own. */
function statementsOn(target: Pool | PoolClient | import('pg').Client): Pick<SqlClient, 'kind' | 'query' | 'exec'> {
  return {
    kind: 'postgres',
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await target.query(sql, [...params]);
      return result.rows as R[];
    },
    async exec(sql: string): Promise<void> {
      await target.query(sql);
    },
  };
}

/** A {@link SqlClient} over one `pg` connection the caller owns (BEGIN/COMMIT are the caller's). */
function sessionClient(conn: PoolClient | import('pg').Client): SqlClient {
  return {
    ...statementsOn(conn),
    transaction(): Promise<never> {
      return Promise.reject(new Error('transaction() is not available on a checking connection; send BEGIN and ROLLBACK'));
    },
    close(): Promise<void> {
      return Promise.reject(new Error('close() is not available on a checking connection'));
    },
  };
}

function pgTx(conn: PoolClient, depth: number): SqlClient {
  const client: SqlClient = {
    ...statementsOn(conn),
    transaction<T>(fn: (inner: SqlClient) => Promise<T>): Promise<T> {
      return withSavepoint(client, depth + 1, () => fn(pgTx(conn, depth + 1)));
    },
    close(): Promise<void> {
      return Promise.reject(new Error('close() is not available inside a transaction'));
    },
  };
  return client;
}

async function withSavepoint<T>(tx: SqlClient, depth: number, fn: () => Promise<T>): Promise<T> {
  const name = `patchbay_sp_${depth}`;
  await tx.query(`SAVEPOINT ${name}`);
  let value: T;
  try {
    value = await fn();
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    throw error;
  }
  await tx.query(`RELEASE SAVEPOINT ${name}`);
  return value;
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
