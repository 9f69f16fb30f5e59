import type { OutboxInput } from './history-store.js';
import type { SqlClient } from './sql.js';

/**
 * The webhook outbox (migration 5) as the delivery worker and the delivery log use it. Rows are
 * written with their event by the history store (one transaction); from then on everything a
 * delivery needs is here, so a restart loses nothing: a row is claimed with a lease
 * (`claimed_by`/`claimed_until`) before it is sent, so replicas on one PostgreSQL never send one
 * row at once, and a row whose claimer died is claimed again once its lease lapses. Scheduling
 * uses the database's clock (`now()`), the one clock every replica shares.
 */

export type DeliveryState = 'PENDING' | 'DELIVERED' | 'GAVE_UP';

/** A row claimed for one attempt: what to send, and which attempt this is. */
export interface ClaimedDelivery {
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  /** The stored body, sent byte for byte on every attempt. */
  readonly body: string;
  /** This attempt's number (1 for the first): counted when claimed, so a crash mid-send still counts. */
  readonly attempt: number;
  readonly createdAt: Date;
}

/** How one attempt ended, as the attempt log keeps it (no URL, header or body: a status, a short fixed error, a duration). */
export interface AttemptOutcome {
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** One delivery (webhook × event) as the log shows it. */
export interface DeliveryRow {
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  /** The account the event is about (`data.account` of the body), when it names one. */
  readonly account: string | null;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly createdAt: Date;
  /** When the next attempt is due; null once finished. */
  readonly nextAttemptAt: Date | null;
  readonly finishedAt: Date | null;
  /** `created_at` in microseconds since the epoch (decimal text): with the ids, the keyset cursor of log pages. */
  readonly createdKey: string;
}

export interface AttemptRow extends AttemptOutcome {
  readonly webhookId: string;
  readonly eventId: string;
  readonly attempt: number;
  readonly at: Date;
}

/** Where a delivery log page starts: after this row, in the log's order (newest first). */
export interface DeliveryCursor {
  readonly createdKey: string;
  readonly webhookId: string;
  readonly eventId: string;
}

export interface DeliveryFilter {
  readonly webhookIds?: readonly string[];
  readonly eventIds?: readonly string[];
  readonly states?: readonly DeliveryState[];
  /** Only deliveries of events about these accounts (a caller limited to some accounts). */
  readonly accounts?: readonly string[];
  readonly after?: DeliveryCursor;
  readonly limit: number;
}

export interface WebhookStore {
  /** Enqueues deliveries outside an event's transaction (tests, tools); a row already there is left as it is, body included. */
  enqueue(rows: readonly OutboxInput[]): Promise<void>;
  /**
   * Claims up to `limit` due PENDING rows of `webhookIds` for `holder` for `leaseMs`: rows not
   * claimed, or whose claim lapsed. Counts the attempt. Rows past `maxAgeMs` are not claimed
   * (they are given up by {@link giveUpExpired}).
   */
  claimDue(holder: string, webhookIds: readonly string[], leaseMs: number, maxAgeMs: number, limit: number): Promise<ClaimedDelivery[]>;
  /** Ends a claimed row as DELIVERED and logs the attempt; false when the claim was no longer `holder`'s (the attempt is logged anyway). */
  delivered(holder: string, delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<boolean>;
  /**
   * Logs a failed attempt and schedules the next one `retryInMs` from now, but never after the row
   * turns `maxAgeMs` old; a row already that old is GAVE_UP. Answers the row's state then, or null
   * when the claim was no longer `holder`'s.
   */
  failed(holder: string, delivery: ClaimedDelivery, outcome: AttemptOutcome, retryInMs: number, maxAgeMs: number): Promise<{ state: DeliveryState; nextAttemptAt: Date } | null>;
  /** Gives up PENDING rows older than `maxAgeMs` that nobody holds a live claim on; answers how many. */
  giveUpExpired(maxAgeMs: number): Promise<number>;
  /** Deliveries matching `filter`, newest first. */
  listDeliveries(filter: DeliveryFilter): Promise<DeliveryRow[]>;
  /** The attempts of these deliveries, oldest first. */
  listAttempts(keys: readonly { readonly webhookId: string; readonly eventId: string }[]): Promise<AttemptRow[]>;
}

interface ClaimedDbRow {
  webhook_id: string;
  event_id: string;
  event_type: string;
  body: string;
  attempts: number;
  created_at: Date;
}

interface DeliveryDbRow {
  webhook_id: string;
  event_id: string;
  event_type: string;
  account: string | null;
  state: DeliveryState;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  finished_at: Date | null;
  created_key: string;
}

interface AttemptDbRow {
  webhook_id: string;
  event_id: string;
  attempt: number;
  at: Date;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}

const seconds = (ms: number): number => ms / 1000;

/** `created_at` in whole microseconds since the epoch (exact: a JS Date would drop the microseconds that order rows made in one millisecond). */
const CREATED_MICROS = '(extract(epoch FROM created_at) * 1000000)::bigint';

async function logAttempt(sql: SqlClient, delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<void> {
  await sql.query('INSERT INTO webhook_attempts (webhook_id, event_id, attempt, http_status, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)', [
    delivery.webhookId,
    delivery.eventId,
    delivery.attempt,
    outcome.httpStatus,
    outcome.error,
    Math.max(0, Math.round(outcome.durationMs)),
  ]);
}

/** The outbox over `sql` (the store's database). */
export function webhookStore(sql: SqlClient): WebhookStore {
  return {
    async enqueue(rows) {
      if (rows.length === 0) return;
      await sql.query(
        `INSERT INTO webhook_outbox (webhook_id, event_id, event_type, body)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (webhook_id, event_id) DO NOTHING`,
        [rows.map((r) => r.webhookId), rows.map((r) => r.eventId), rows.map((r) => r.eventType), rows.map((r) => r.body)],
      );
    },

    async claimDue(holder, webhookIds, leaseMs, maxAgeMs, limit) {
      if (webhookIds.length === 0 || limit < 1) return [];
      // SKIP LOCKED lets replicas claim side by side without waiting on each other's candidates;
      // the outer WHERE checks the claim again, so a row is never claimed by two at once.
      const rows = await sql.query<ClaimedDbRow>(
        `UPDATE webhook_outbox o
            SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2), attempts = o.attempts + 1
          WHERE (o.webhook_id, o.event_id) IN (
                  SELECT webhook_id, event_id FROM webhook_outbox
                   WHERE state = 'PENDING' AND next_attempt_at <= now()
                     AND (claimed_until IS NULL OR claimed_until < now())
                     AND created_at > now() - make_interval(secs => $3)
                     AND webhook_id = ANY($4::text[])
                   ORDER BY next_attempt_at
                   LIMIT $5
                   FOR UPDATE SKIP LOCKED)
            AND o.state = 'PENDING' AND (o.claimed_until IS NULL OR o.claimed_until < now())
          RETURNING o.webhook_id, o.event_id, o.event_type, o.body, o.attempts, o.created_at`,
        [holder, seconds(leaseMs), seconds(maxAgeMs), [...webhookIds], limit],
      );
      return rows.map((row) => ({ webhookId: row.webhook_id, eventId: row.event_id, eventType: row.event_type, body: row.body, attempt: row.attempts, createdAt: row.created_at }));
    },

    delivered(holder, delivery, outcome) {
      return sql.transaction(async (tx) => {
        await logAttempt(tx, delivery, outcome);
        const rows = await tx.query<{ state: string }>(
          `UPDATE webhook_outbox SET state = 'DELIVERED', finished_at = now(), claimed_by = NULL, claimed_until = NULL
            WHERE webhook_id = $1 AND event_id = $2 AND claimed_by = $3 AND state = 'PENDING'
            RETURNING state`,
          [delivery.webhookId, delivery.eventId, holder],
        );
        return rows.length > 0;
      });
    },

    failed(holder, delivery, outcome, retryInMs, maxAgeMs) {
      return sql.transaction(async (tx) => {
        await logAttempt(tx, delivery, outcome);
        const rows = await tx.query<{ state: DeliveryState; next_attempt_at: Date }>(
          `UPDATE webhook_outbox
              SET state = CASE WHEN now() >= created_at + make_interval(secs => $5) THEN 'GAVE_UP' ELSE 'PENDING' END,
                  finished_at = CASE WHEN now() >= created_at + make_interval(secs => $5) THEN now() ELSE NULL END,
                  next_attempt_at = LEAST(now() + make_interval(secs => $4), created_at + make_interval(secs => $5)),
                  claimed_by = NULL, claimed_until = NULL
            WHERE webhook_id = $1 AND event_id = $2 AND claimed_by = $3 AND state = 'PENDING'
            RETURNING state, next_attempt_at`,
          [delivery.webhookId, delivery.eventId, holder, seconds(retryInMs), seconds(maxAgeMs)],
        );
        const row = rows[0];
        return row === undefined ? null : { state: row.state, nextAttemptAt: row.next_attempt_at };
      });
    },

    async giveUpExpired(maxAgeMs) {
      const rows = await sql.query<{ n: number | string }>(
        `WITH gone AS (
           UPDATE webhook_outbox SET state = 'GAVE_UP', finished_at = now(), claimed_by = NULL, claimed_until = NULL
            WHERE state = 'PENDING' AND created_at <= now() - make_interval(secs => $1)
              AND (claimed_until IS NULL OR claimed_until < now())
            RETURNING 1)
         SELECT count(*) AS n FROM gone`,
        [seconds(maxAgeMs)],
      );
      return Number(rows[0]?.n ?? 0);
    },

    async listDeliveries(filter) {
      const params: unknown[] = [];
      const where: string[] = [];
      const param = (value: unknown): string => {
        params.push(value);
        return `$${params.length}`;
      };
      if (filter.webhookIds !== undefined) where.push(`webhook_id = ANY(${param([...filter.webhookIds])}::text[])`);
      if (filter.eventIds !== undefined) where.push(`event_id = ANY(${param([...filter.eventIds])}::text[])`);
      if (filter.states !== undefined) where.push(`state = ANY(${param([...filter.states])}::text[])`);
      if (filter.accounts !== undefined) where.push(`(body::jsonb #>> '{data,account}') = ANY(${param([...filter.accounts])}::text[])`);
      if (filter.after !== undefined) {
        const { createdKey, webhookId, eventId } = filter.after;
        where.push(`(${CREATED_MICROS}, webhook_id, event_id) < (${param(createdKey)}::bigint, ${param(webhookId)}, ${param(eventId)})`);
      }
      const rows = await sql.query<DeliveryDbRow>(
        `SELECT webhook_id, event_id, event_type, body::jsonb #>> '{data,account}' AS account, state, attempts,
                created_at, next_attempt_at, finished_at, ${CREATED_MICROS}::text AS created_key
           FROM webhook_outbox ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at DESC, webhook_id DESC, event_id DESC
          LIMIT ${param(filter.limit)}`,
        params,
      );
      return rows.map((row) => ({
        webhookId: row.webhook_id,
        eventId: row.event_id,
        eventType: row.event_type,
        account: row.account,
        state: row.state,
        attempts: row.attempts,
        createdAt: row.created_at,
        nextAttemptAt: row.state === 'PENDING' ? row.next_attempt_at : null,
        finishedAt: row.finished_at,
        createdKey: row.created_key,
      }));
    },

    async listAttempts(keys) {
      if (keys.length === 0) return [];
      const rows = await sql.query<AttemptDbRow>(
        `SELECT a.webhook_id, a.event_id, a.attempt, a.at, a.http_status, a.error, a.duration_ms
           FROM webhook_attempts a
           JOIN unnest($1::text[], $2::text[]) AS k(webhook_id, event_id) ON a.webhook_id = k.webhook_id AND a.event_id = k.event_id
          ORDER BY a.webhook_id, a.event_id, a.attempt, a.id`,
        [keys.map((k) => k.webhookId), keys.map((k) => k.eventId)],
      );
      return rows.map((row) => ({
        webhookId: row.webhook_id,
        eventId: row.event_id,
        attempt: row.attempt,
        at: row.at,
        httpStatus: row.http_status,
        error: row.error,
        durationMs: row.duration_ms,
      }));
    },
  };
}
