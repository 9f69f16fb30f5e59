import type { PoolStats, SqlClient } from './sql.js';

/** The tables a request may write; a lock held on one of them stalls the writes that need it. */
const WRITTEN_TABLES = ['audit_log', 'idempotency_records', 'tracked_datadog_connections', 'write_intents'] as const;

/** What `/readyz` says about the store. */
export interface StoreCheck {
  /** `ok`; `degraded`: the database answers but a table the gateway writes is locked by someone else; `unreachable`: no answer within the bound. */
  readonly status: 'ok' | 'degraded' | 'unreachable';
  /** How long the check took. */
  readonly latencyMs: number;
  /** Tables whose writes would wait now (another session holds a conflicting lock). */
  readonly lockedTables: readonly string[];
  /** The request pool: its size, open and idle connections, and calls waiting for one (null on the embedded store). */
  readonly pool: PoolStats | null;
}

/**
 * The readiness check of the store, on a connection of its own (never the request pool, which a
 * stalled database fills), bounded by `timeoutMs`: connect, `SELECT 1`, then for each table the
 * gateway writes `LOCK … IN ROW EXCLUSIVE MODE NOWAIT` inside a transaction that is rolled back
 * (the lock an INSERT takes, asked without waiting: it fails at once when another session holds
 * a conflicting one). Concurrent callers share one check. The embedded store has no pool and no
 * other sessions: its check is `SELECT 1` within the bound.
 */
export function storeChecker(sql: SqlClient, timeoutMs = 1_000, now: () => number = () => performance.now()): () => Promise<StoreCheck> {
  let running: Promise<StoreCheck> | null = null;
  const check = async (): Promise<StoreCheck> => {
    const started = now();
    const pool = sql.poolStats?.() ?? null;
    const done = (status: StoreCheck['status'], lockedTables: readonly string[] = []): StoreCheck => ({ status, latencyMs: Math.round(now() - started), lockedTables, pool });
    const own = sql.withOwnConnection?.bind(sql);
    try {
      if (own === undefined) {
        const answered = await bounded(sql.query<{ ok: number }>('SELECT 1 AS ok'), timeoutMs);
        return done(answered?.[0]?.ok === 1 ? 'ok' : 'unreachable');
      }
      const locked = await bounded(
        own(timeoutMs, async (conn) => {
          await conn.query('SELECT 1');
          const held: string[] = [];
          for (const table of WRITTEN_TABLES) {
            await conn.query('BEGIN');
            try {
              await conn.query(`LOCK TABLE ${table} IN ROW EXCLUSIVE MODE NOWAIT`);
            } catch (error) {
              // 55P03 lock_not_available: someone holds a conflicting lock. 42P01: not created yet (a schema being migrated).
              if (codeOf(error) === '55P03') held.push(table);
              else if (codeOf(error) !== '42P01') throw error;
            } finally {
              await conn.query('ROLLBACK');
            }
          }
          return held;
        }),
        timeoutMs * 2,
      );
      if (locked === null) return done('unreachable');
      return done(locked.length > 0 ? 'degraded' : 'ok', locked);
    } catch {
      return done('unreachable');
    }
  };
  return () => {
    running ??= check().finally(() => {
      running = null;
    });
    return running;
  };
}

/** `call`'s value, or null when it has not settled within `ms`. */
async function bounded<T>(call: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    timer.unref();
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

function codeOf(error: unknown): string | null {
  const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
  return typeof code === 'string' ? code : null;
}
