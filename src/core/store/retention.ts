import type { Logger } from '../logger.js';
import type { SqlClient } from './sql.js';

/**
 * Retention: audit rows and finished idempotency records older than configured ages are deleted,
 * in bounded batches, by one replica at a time. The turn is a transaction-scoped advisory lock
 * (`pg_try_advisory_xact_lock`): it needs no session, so it works through PgBouncer's transaction
 * pooling, and it is released by the COMMIT whatever happens to the process. A replica that does
 * not get it skips this round (another is doing the work). An idempotency claim without an
 * outcome (a write still running, or one a crash left for recovery) is never deleted.
 */

/** Key of the advisory lock that makes retention one replica's job at a time. */
export const RETENTION_LOCK_KEY = 7_281_946_103_553n;

export interface RetentionPolicy {
  /** Audit rows older than this are deleted; 0 keeps them. */
  readonly auditDays: number;
  /** Finished idempotency records older than this are deleted; 0 keeps them. */
  readonly idempotencyHours: number;
  /** Rows per DELETE statement; default 1,000. */
  readonly batchSize?: number;
  /** Statements per table per run; default 10 (so at most 10,000 rows of each per run). */
  readonly maxBatches?: number;
}

export interface RetentionRun {
  /** False when another runner held the turn: this one did nothing. */
  readonly ran: boolean;
  readonly auditDeleted: number;
  readonly idempotencyDeleted: number;
  /** Secret rotations whose every target is settled, kept as long as idempotency records (their targets go with them). */
  readonly rotationsDeleted: number;
  /**
   * Change history kept on the audit log's schedule: changes, health transitions, scan runs, and
   * webhook deliveries that ended (delivered or given up) with their attempts. Snapshots are kept:
   * they are the current state, not history.
   */
  readonly historyDeleted: number;
  /** True when a table hit `maxBatches`: more old rows remain for the next run. */
  readonly more: boolean;
}

/** Old history rows, deleted in batches like the audit log (`$1` days, `$2` rows per statement). */
const HISTORY_STATEMENTS: readonly string[] = [
  'DELETE FROM connection_changes WHERE id IN (SELECT id FROM connection_changes WHERE at < now() - make_interval(days => $1::int) ORDER BY id LIMIT $2::int)',
  'DELETE FROM account_health_changes WHERE id IN (SELECT id FROM account_health_changes WHERE at < now() - make_interval(days => $1::int) ORDER BY id LIMIT $2::int)',
  'DELETE FROM scan_runs WHERE id IN (SELECT id FROM scan_runs WHERE finished_at < now() - make_interval(days => $1::int) ORDER BY id LIMIT $2::int)',
  `DELETE FROM webhook_attempts WHERE id IN (
     SELECT a.id FROM webhook_attempts a JOIN webhook_outbox o ON o.webhook_id = a.webhook_id AND o.event_id = a.event_id
     WHERE o.state <> 'PENDING' AND o.finished_at < now() - make_interval(days => $1::int) LIMIT $2::int)`,
  `DELETE FROM webhook_outbox WHERE (webhook_id, event_id) IN (
     SELECT webhook_id, event_id FROM webhook_outbox WHERE state <> 'PENDING' AND finished_at < now() - make_interval(days => $1::int) LIMIT $2::int)`,
];

/** One run: takes the turn or skips; deletes old rows of each table in batches; commits. */
export async function runRetention(sql: SqlClient, policy: RetentionPolicy): Promise<RetentionRun> {
  const batchSize = policy.batchSize ?? 1_000;
  const maxBatches = policy.maxBatches ?? 10;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || !Number.isSafeInteger(maxBatches) || maxBatches < 1) throw new RangeError('batchSize and maxBatches must be positive integers');
  return sql.transaction(async (tx) => {
    const [turn] = await tx.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1::bigint) AS got', [RETENTION_LOCK_KEY.toString()]);
    if (turn?.got !== true) return { ran: false, auditDeleted: 0, idempotencyDeleted: 0, rotationsDeleted: 0, historyDeleted: 0, more: false };
    const batches = async (statement: string, age: number): Promise<{ deleted: number; more: boolean }> => {
      let deleted = 0;
      for (let batch = 0; batch < maxBatches; batch++) {
        const rows = await tx.query<{ n: number | string }>(`WITH gone AS (${statement} RETURNING 1) SELECT count(*) AS n FROM gone`, [age, batchSize]);
        const n = Number(rows[0]?.n ?? 0);
        deleted += n;
        if (n < batchSize) return { deleted, more: false };
      }
      return { deleted, more: true };
    };
    const audit =
      policy.auditDays > 0
        ? await batches('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < now() - make_interval(days => $1::int) ORDER BY id LIMIT $2::int)', policy.auditDays)
        : { deleted: 0, more: false };
    const idempotency =
      policy.idempotencyHours > 0
        ? await batches(
            `DELETE FROM idempotency_records WHERE (key, operation) IN (
               SELECT key, operation FROM idempotency_records
               WHERE outcome IS NOT NULL AND created_at < now() - make_interval(hours => $1::int) LIMIT $2::int)`,
            policy.idempotencyHours,
          )
        : { deleted: 0, more: false };
    // A rotation with a target left to write stays (it can still be resumed), however old.
    const rotations =
      policy.idempotencyHours > 0
        ? await batches(
            `DELETE FROM secret_rotations WHERE id IN (
               SELECT r.id FROM secret_rotations r
               WHERE r.updated_at < now() - make_interval(hours => $1::int)
                 AND NOT EXISTS (SELECT 1 FROM secret_rotation_targets t WHERE t.rotation_id = r.id AND t.state IN ('PENDING', 'SENDING'))
               LIMIT $2::int)`,
            policy.idempotencyHours,
          )
        : { deleted: 0, more: false };
    const history: { deleted: number; more: boolean }[] = [];
    if (policy.auditDays > 0) {
      for (const statement of HISTORY_STATEMENTS) history.push(await batches(statement, policy.auditDays));
    }
    return {
      ran: true,
      auditDeleted: audit.deleted,
      idempotencyDeleted: idempotency.deleted,
      rotationsDeleted: rotations.deleted,
      historyDeleted: history.reduce((sum, part) => sum + part.deleted, 0),
      more: audit.more || idempotency.more || rotations.more || history.some((part) => part.more),
    };
  });
}

export interface RetentionSchedule {
  /** Runs once now (the schedule's own runs continue). */
  runNow(): Promise<RetentionRun>;
  close(): void;
}

/**
 * Runs retention every `intervalMs`, the first time after a random part of a minute (replicas
 * started together do not all try at once); a run that left rows behind is followed by another
 * a second later. Never throws: a failed run is logged and the next one tries again.
 */
export function scheduleRetention(sql: SqlClient, policy: RetentionPolicy & { readonly intervalMs: number }, logger: Logger): RetentionSchedule {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const plan = (ms: number) => {
    if (closed) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    runRetention(sql, policy).then(
      (run) => {
        if (run.auditDeleted + run.idempotencyDeleted + run.rotationsDeleted + run.historyDeleted > 0) {
          logger.info('retention: deleted old rows', { audit: run.auditDeleted, idempotency: run.idempotencyDeleted, rotations: run.rotationsDeleted, history: run.historyDeleted, more: run.more });
        }
        plan(run.more ? 1_000 : policy.intervalMs);
      },
      (error: unknown) => {
        logger.warn('retention: run failed; the next one tries again', { error: error instanceof Error ? error.name : 'unknown', code: codeOf(error) });
        plan(policy.intervalMs);
      },
    );
  };
  plan(Math.floor(Math.random() * Math.min(60_000, policy.intervalMs)));
  return {
    runNow: () => runRetention(sql, policy),
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

function codeOf(error: unknown): string | null {
  const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
  return typeof code === 'string' ? code : null;
}
