import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { applyFingerprintChanges, fingerprintChangeCtes, type FingerprintChange } from './custody-store.js';
import type { SqlClient } from './sql.js';
import type { AuditDetail, AuditEntry, AuditInput } from './store.js';

/**
 * What a mutation leaves in the store: its idempotency claim while it runs, then its audit row
 * and the outcome under its key, written together. Several gateway replicas may share one
 * database, so a claim names its owner (the replica running the mutation) and holds for a lease
 * that the owner keeps renewing; a claim whose lease lapsed was left by a replica that stopped,
 * and the next replica to meet the key takes it over (exactly one does: the take-over is one
 * conditional UPDATE). Time is the database's (`now()`), so replicas' clocks need not agree.
 */

/** A claim made before leases existed (or by an older replica) holds this long after it was made. */
export const LEGACY_CLAIM_MINUTES = 15;

/** A lease as SQL: `lease_expires_at`, or for a row without one, `created_at` plus {@link LEGACY_CLAIM_MINUTES}. */
const LEASE_END = `COALESCE(lease_expires_at, created_at + interval '${LEGACY_CLAIM_MINUTES} minutes')`;

/** What claiming an idempotency key found. */
export type IdempotencyClaim =
  /** The key is this replica's: run the mutation (and renew the lease while it runs). */
  | { readonly state: 'claimed' }
  /**
   * The key was claimed by a run that never recorded its outcome and whose lease lapsed (its
   * replica stopped, or lost the store): it is now this replica's, to settle what that run did.
   */
  | { readonly state: 'taken-over'; readonly previousOwner: string | null }
  | { readonly state: 'done'; readonly outcome: unknown }
  /** Another run holds a live lease on the key; its lease has `retryAfterSeconds` left (at least 1). */
  | { readonly state: 'in-progress'; readonly retryAfterSeconds: number }
  | { readonly state: 'mismatch' };

/** The idempotency part of one {@link MutationRecord}. */
export type IdempotencyRecordUpdate =
  /** The run's outcome, kept under the key. `ifEmpty`: only when no outcome is recorded yet (a take-over never overwrites the run it took over). */
  | { readonly key: string; readonly operation: string; readonly outcome: unknown; readonly ifEmpty?: boolean }
  /** Frees the key (the run certainly changed nothing and may be tried again), if this replica still holds it. */
  | { readonly key: string; readonly operation: string; readonly release: true };

/** A mutation's audit row and idempotency outcome, recorded in one transaction. Never a secret. */
export interface MutationRecord {
  /** Unique per record (see {@link newRecordId}): recording it again adds nothing. */
  readonly id: string;
  readonly audit: AuditInput;
  readonly idempotency: IdempotencyRecordUpdate | null;
  /** What the mutation changed of secret fingerprints (key custody); absent or empty for most. */
  readonly fingerprints?: readonly FingerprintChange[];
}

/** The claims and mutation records of the store. */
export interface MutationRecordStore {
  /** The replica this store speaks for: the owner of its claims and write intents. */
  readonly replicaId: string;
  /**
   * Claims `(key, operation)` for a mutation with this input hash, for `leaseSeconds`. The first
   * caller gets `claimed`; later callers get the stored outcome (`done`), `in-progress` while a
   * run holds a live lease, `taken-over` when the lease of a run that never finished lapsed
   * (exactly one of several racing callers gets it), or `mismatch` when the key came with
   * another input.
   */
  claimIdempotencyKey(key: string, operation: string, inputHash: string, leaseSeconds?: number): Promise<IdempotencyClaim>;
  /**
   * Pushes this replica's claim's lease to `leaseSeconds` from now (0 lets it lapse at once, so the
   * next caller takes it over); false when the claim is no longer this replica's to renew.
   */
  renewIdempotencyKey(key: string, operation: string, leaseSeconds: number): Promise<boolean>;
  /** Records the outcome of a claimed key. */
  completeIdempotencyKey(key: string, operation: string, outcome: unknown): Promise<void>;
  /** Gives a claim up (the mutation failed unexpectedly and may be tried again), if this replica still holds it. */
  releaseIdempotencyKey(key: string, operation: string): Promise<void>;
  /** Appends the audit row and records (or releases) the idempotency key, in one transaction; a record already stored adds nothing. */
  recordMutation(record: MutationRecord): Promise<void>;
}

/** Default lease of {@link MutationRecordStore.claimIdempotencyKey}. */
export const DEFAULT_LEASE_SECONDS = 30;

/** A replica id: this host, this process and a random part (two stores of one process differ). At most 128 characters. */
export function newReplicaId(): string {
  const host =
    hostname()
      .replace(/[^\w.-]/g, '_')
      .slice(0, 64) || 'host';
  return `${host}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** A new {@link MutationRecord.id}. */
export function newRecordId(): string {
  return randomBytes(12).toString('hex');
}

export interface AuditRow {
  id: number | string;
  at: Date;
  caller: string;
  operation: string;
  account: string | null;
  target_id: string | null;
  outcome: string;
  detail: AuditDetail | null;
}

export const AUDIT_COLUMNS = 'id, at, caller, operation, account, target_id, outcome, detail';

/** The audit row's insert (none when `record_id` is stored already) and its seven parameters. */
function auditInsert(entry: AuditInput, recordId: string | null): { readonly sql: string; readonly params: unknown[] } {
  requireText('caller', entry.caller);
  requireText('operation', entry.operation);
  requireText('outcome', entry.outcome);
  const detail = entry.detail === undefined ? null : checkDetail(entry.detail);
  return {
    sql: `INSERT INTO audit_log (caller, operation, account, target_id, outcome, detail, record_id)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (record_id) DO NOTHING
     RETURNING ${AUDIT_COLUMNS}`,
    params: [entry.caller, entry.operation, entry.account, entry.targetId, entry.outcome, detail === null ? null : JSON.stringify(detail), recordId],
  };
}

/** Inserts one audit row (none when `recordId` is already stored) and returns it as stored, or null when it was already there. */
export async function insertAudit(sql: SqlClient, entry: AuditInput, recordId: string | null = null): Promise<AuditEntry | null> {
  const insert = auditInsert(entry, recordId);
  const rows = await sql.query<AuditRow>(insert.sql, insert.params);
  const row = rows[0];
  return row === undefined ? null : toAudit(row);
}

/**
 * The audit row and its fingerprint changes as one statement (atomic by itself): on the embedded
 * store that is one call instead of a transaction's four or more. False when the changes cannot
 * be one statement (see {@link fingerprintChangeCtes}); nothing was written then.
 */
async function insertAuditWithFingerprints(sql: SqlClient, entry: AuditInput, recordId: string, changes: readonly FingerprintChange[]): Promise<boolean> {
  const insert = auditInsert(entry, recordId);
  const params = [...insert.params];
  const ctes = fingerprintChangeCtes(changes, 'EXISTS (SELECT 1 FROM a)', (value) => `$${params.push(value)}`);
  if (ctes === null) return false;
  await sql.query(`WITH a AS (${insert.sql}), ${ctes} SELECT count(*) AS inserted FROM a`, params);
  return true;
}

/** The claims and mutation records of a store over `sql`, owned by `replicaId`. */
export function mutationRecordStore(sql: SqlClient, replicaId: string): MutationRecordStore {
  const complete = (db: SqlClient, key: string, operation: string, outcome: unknown, ifEmpty: boolean) =>
    db.query(`UPDATE idempotency_records SET outcome = $3::jsonb WHERE key = $1 AND operation = $2${ifEmpty ? ' AND outcome IS NULL' : ''}`, [key, operation, JSON.stringify(outcome)]);
  const release = (db: SqlClient, key: string, operation: string) =>
    db.query('DELETE FROM idempotency_records WHERE key = $1 AND operation = $2 AND outcome IS NULL AND owner = $3', [key, operation, replicaId]);

  const records: MutationRecordStore = {
    replicaId,

    async claimIdempotencyKey(key, operation, inputHash, leaseSeconds = DEFAULT_LEASE_SECONDS) {
      requireText('key', key);
      checkLease(leaseSeconds, 1);
      // Bounded: each round either decides, or saw the row change under it (released, taken over).
      for (let round = 0; round < 5; round++) {
        const inserted = await sql.query<{ key: string }>(
          `INSERT INTO idempotency_records (key, operation, input_hash, owner, lease_expires_at)
           VALUES ($1, $2, $3, $4, now() + $5::double precision * interval '1 second')
           ON CONFLICT (key, operation) DO NOTHING RETURNING key`,
          [key, operation, inputHash, replicaId, leaseSeconds],
        );
        if (inserted.length > 0) return { state: 'claimed' };
        const rows = await sql.query<{ input_hash: string; outcome: unknown; owner: string | null; lease_left: number }>(
          `SELECT input_hash, outcome, owner, EXTRACT(EPOCH FROM (${LEASE_END} - now()))::double precision AS lease_left
           FROM idempotency_records WHERE key = $1 AND operation = $2`,
          [key, operation],
        );
        const row = rows[0];
        if (!row) continue; // released between the insert and the select
        if (row.input_hash !== inputHash) return { state: 'mismatch' };
        if (row.outcome !== null && row.outcome !== undefined) return { state: 'done', outcome: row.outcome };
        const left = Number(row.lease_left);
        if (left > 0) return { state: 'in-progress', retryAfterSeconds: Math.max(1, Math.ceil(left)) };
        // The lease lapsed: take the claim over. Under the row lock the condition is checked again,
        // so of several replicas racing here exactly one updates the row.
        const taken = await sql.query<{ key: string }>(
          `UPDATE idempotency_records
           SET owner = $3, lease_expires_at = now() + $4::double precision * interval '1 second', taken_over_at = now()
           WHERE key = $1 AND operation = $2 AND outcome IS NULL AND ${LEASE_END} <= now()
           RETURNING key`,
          [key, operation, replicaId, leaseSeconds],
        );
        if (taken.length > 0) return { state: 'taken-over', previousOwner: row.owner };
      }
      throw new Error('The idempotency record kept changing while it was claimed');
    },

    async renewIdempotencyKey(key, operation, leaseSeconds) {
      checkLease(leaseSeconds, 0);
      const rows = await sql.query<{ key: string }>(
        `UPDATE idempotency_records SET lease_expires_at = now() + $4::double precision * interval '1 second'
         WHERE key = $1 AND operation = $2 AND owner = $3 AND outcome IS NULL RETURNING key`,
        [key, operation, replicaId, leaseSeconds],
      );
      return rows.length > 0;
    },

    async completeIdempotencyKey(key, operation, outcome) {
      await complete(sql, key, operation, outcome, false);
    },

    async releaseIdempotencyKey(key, operation) {
      await release(sql, key, operation);
    },

    async recordMutation(record) {
      requireText('record id', record.id);
      // Without a key the audit row (and the fingerprints it changed) is the whole record: one
      // statement is atomic by itself, and a transaction would add round trips to every unkeyed
      // mutation (the embedded store's cost is per call).
      const fingerprints = record.fingerprints ?? [];
      if (record.idempotency === null && fingerprints.length === 0) {
        await insertAudit(sql, record.audit, record.id);
        return;
      }
      if (record.idempotency === null && (await insertAuditWithFingerprints(sql, record.audit, record.id, fingerprints))) return;
      await sql.transaction(async (tx) => {
        // A record stored already (a retry from the spool) changes nothing again.
        const inserted = await insertAudit(tx, record.audit, record.id);
        if (inserted !== null) await applyFingerprintChanges(tx, fingerprints);
        const update = record.idempotency;
        if (update === null) return;
        if ('release' in update) await release(tx, update.key, update.operation);
        else await complete(tx, update.key, update.operation, update.outcome, update.ifEmpty === true);
      });
    },
  };
  return records;
}

export function toAudit(row: AuditRow): AuditEntry {
  return {
    // bigserial: PGlite returns a number, pg a string.
    id: Number(row.id),
    at: row.at,
    caller: row.caller,
    operation: row.operation,
    account: row.account,
    targetId: row.target_id,
    outcome: row.outcome,
    detail: row.detail,
  };
}

function checkLease(seconds: number, min: number): void {
  if (!Number.isFinite(seconds) || seconds < min || seconds > 3600) throw new RangeError(`leaseSeconds must be from ${min} to 3600; got ${seconds}`);
}

export function requireText(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${field} must be a non-empty string`);
  }
}

/** Keeps the audit log flat and JSON-safe even when a caller bypasses the types. */
function checkDetail(detail: AuditDetail): AuditDetail {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    throw new TypeError('audit detail must be an object');
  }
  for (const [key, value] of Object.entries(detail)) {
    const ok = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw new TypeError(`audit detail "${key}" must be a string, finite number, boolean or null`);
  }
  return detail;
}
