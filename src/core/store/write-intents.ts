import { randomUUID } from 'node:crypto';
import type { SqlClient } from './sql.js';

/**
 * Write-ahead records. Some writes create things Patchbay alone remembers (a vendor without a list
 * endpoint shows only the ids Patchbay tracks), so Patchbay writes down its intent before
 * sending such a write and clears it once the result is recorded. An intent that is not cleared
 * is an unconfirmed write: the vendor may hold something Patchbay cannot list, and an operator
 * has to look. Nothing here names a vendor; an intent is an account, an operation and a summary.
 */

/** Why a write is unconfirmed. */
export type UnconfirmedReason =
  /** The vendor's answer was lost, or could not be read: the write may or may not have happened. */
  | 'OUTCOME_UNKNOWN'
  /** The write happened, but recording its result (tracking the new id) failed. */
  | 'RECORD_FAILED'
  /** Patchbay stopped (or lost its store) between recording the intent and recording the outcome. */
  | 'INTERRUPTED';

/** What a caller records before a write. Never a secret: a name is fine, a credential is not. */
export interface WriteIntentInput {
  readonly account: string;
  readonly operation: string;
  readonly caller: string;
  /** What is being written, for a person to recognise it (e.g. the new connection's name). */
  readonly summary: string | null;
  /** The idempotency key (store record key and operation) the write runs under, when it has one. */
  readonly idempotency?: { readonly key: string; readonly operation: string } | null;
}

/** A write whose result Patchbay could not confirm. */
export interface UnconfirmedWrite extends WriteIntentInput {
  readonly id: string;
  readonly reason: UnconfirmedReason;
  /** The vendor's id of what was written, when Patchbay learnt it. */
  readonly resourceId: string | null;
  readonly createdAt: Date;
}

/** The write-ahead part of the store. */
export interface WriteIntentStore {
  /** Records the intent of a write about to be sent; it is in flight in this process until settled. */
  beginWrite(intent: WriteIntentInput): Promise<{ readonly id: string }>;
  /** Clears an intent whose result is recorded, or whose write certainly did not happen. */
  finishWrite(id: string): Promise<void>;
  /** Keeps an intent as an unconfirmed write, with why and what the vendor's id is when known. */
  markWriteUnconfirmed(id: string, reason: Exclude<UnconfirmedReason, 'INTERRUPTED'>, resourceId: string | null): Promise<void>;
  /** Unconfirmed writes, oldest first; of these accounts only, when given. */
  listUnconfirmedWrites(accounts?: readonly string[]): Promise<UnconfirmedWrite[]>;
  /**
   * Lists the pending intents recorded under an idempotency key as interrupted writes at once: the
   * key was taken over from a run that stopped, so nobody is working on them. Answers how many.
   */
  interruptWritesOf(key: string, operation: string): Promise<number>;
  /** Removes an unconfirmed write (an operator resolved it) and returns it; null when there is no such unconfirmed write. */
  resolveUnconfirmedWrite(id: string): Promise<UnconfirmedWrite | null>;
}

/** A pending intent of another process older than this is taken as abandoned, even on a shared server. */
export const INTENT_ABANDONED_AFTER_MINUTES = 15;

/**
 * No request runs longer than the longest request deadline (10 minutes): an intent of this
 * process still "in flight" after that lost its request (its insert finished after the request
 * had given up on the store), and is listed as interrupted.
 */
const IN_FLIGHT_MAX_MS = 11 * 60_000;

interface IntentRow {
  id: number | string;
  account: string;
  operation: string;
  caller: string;
  summary: string | null;
  reason: UnconfirmedReason;
  resource_id: string | null;
  created_at: Date;
}

/**
 * Which rows are unconfirmed writes: those marked so, and pending intents nobody is working on:
 * this process's own that are no longer in flight (its final store write failed), and another
 * process's when that process is surely gone: on the embedded store (which one process holds at a
 * time, see the data-directory lock) at once, on a shared server after
 * {@link INTENT_ABANDONED_AFTER_MINUTES}. $1 is this process, $2 its in-flight ids, $3 whether it
 * holds the database alone.
 */
const UNCONFIRMED = `(state = 'unconfirmed'
  OR (state = 'pending' AND owner = $1 AND NOT (id = ANY($2::bigint[])))
  OR (state = 'pending' AND owner <> $1 AND ($3::boolean OR created_at < now() - interval '${INTENT_ABANDONED_AFTER_MINUTES} minutes')))`;

const COLUMNS = `id, account, operation, caller, summary, CASE WHEN state = 'unconfirmed' THEN reason ELSE 'INTERRUPTED' END AS reason, resource_id, created_at`;

/** The write-ahead part of a store over `sql`; `exclusive` when no other process can use the database; `owner` is this replica. */
export function writeIntentStore(sql: SqlClient, exclusive: boolean, owner: string = randomUUID()): WriteIntentStore {
  /** This process's intents whose write is running, with when each began. */
  const inFlight = new Map<string, number>();
  const scope = (): unknown[] => {
    const oldest = Date.now() - IN_FLIGHT_MAX_MS;
    for (const [id, began] of inFlight) if (began < oldest) inFlight.delete(id);
    return [owner, [...inFlight.keys()], exclusive];
  };

  return {
    async beginWrite(intent) {
      const rows = await sql.query<{ id: number | string }>(
        'INSERT INTO write_intents (account, operation, caller, summary, owner, idempotency_key, idempotency_operation) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
        [intent.account, intent.operation, intent.caller, intent.summary, owner, intent.idempotency?.key ?? null, intent.idempotency?.operation ?? null],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('Expected the insert to return the intent id');
      inFlight.set(String(id), Date.now());
      return { id: String(id) };
    },

    async finishWrite(id) {
      try {
        await sql.query('DELETE FROM write_intents WHERE id = $1::bigint', [id]);
      } finally {
        inFlight.delete(id);
      }
    },

    async markWriteUnconfirmed(id, reason, resourceId) {
      try {
        await sql.query(`UPDATE write_intents SET state = 'unconfirmed', reason = $2, resource_id = $3, updated_at = now() WHERE id = $1::bigint`, [id, reason, resourceId]);
      } finally {
        inFlight.delete(id);
      }
    },

    async interruptWritesOf(key, operation) {
      const rows = await sql.query<{ id: number | string }>(
        `UPDATE write_intents SET state = 'unconfirmed', reason = 'INTERRUPTED', updated_at = now()
         WHERE idempotency_key = $1 AND idempotency_operation = $2 AND state = 'pending' RETURNING id`,
        [key, operation],
      );
      return rows.length;
    },

    async listUnconfirmedWrites(accounts) {
      const params = scope();
      const only = accounts === undefined ? '' : ` AND account = ANY($${params.push([...accounts])}::text[])`;
      const rows = await sql.query<IntentRow>(`SELECT ${COLUMNS} FROM write_intents WHERE ${UNCONFIRMED}${only} ORDER BY id`, params);
      return rows.map(toUnconfirmed);
    },

    async resolveUnconfirmedWrite(id) {
      if (!/^\d{1,18}$/.test(id)) return null;
      const params = scope();
      const rows = await sql.query<IntentRow>(`DELETE FROM write_intents WHERE id = $${params.push(id)}::bigint AND ${UNCONFIRMED} RETURNING ${COLUMNS}`, params);
      const row = rows[0];
      return row === undefined ? null : toUnconfirmed(row);
    },
  };
}

function toUnconfirmed(row: IntentRow): UnconfirmedWrite {
  return {
    // bigserial: PGlite returns a number, pg a string.
    id: String(row.id),
    account: row.account,
    operation: row.operation,
    caller: row.caller,
    summary: row.summary,
    reason: row.reason,
    resourceId: row.resource_id,
    createdAt: row.created_at,
  };
}
