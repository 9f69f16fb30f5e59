import type { SqlClient } from './sql.js';

/** One secret field of one connection as Patchbay last wrote it: its keyed fingerprint, never the value. */
export interface SecretFingerprint {
  /** The connection's global id. */
  readonly connectionId: string;
  /** The secret field, as the connection's hint names it (e.g. `events.apiKey`). */
  readonly field: string;
  readonly account: string;
  readonly vendor: string;
  /** The connected service (`PAGERDUTY`, `SLACK`, …). */
  readonly service: string;
  readonly fingerprint: string;
  /** The last four characters the vendor's hint of this value shows, when it shows any. */
  readonly lastFour: string | null;
  readonly writtenAt: Date;
}

/**
 * What a successful write changed of a connection's fingerprints: the fields it set (replacing
 * their rows) and the ones it left without a value. `clear: 'others'` (a full replace) drops every
 * row of the connection not set here; `'all'` (a delete) drops every row.
 */
export interface FingerprintChange {
  readonly connectionId: string;
  readonly account: string;
  readonly vendor: string;
  readonly service: string;
  readonly set: readonly { readonly field: string; readonly fingerprint: string; readonly lastFour: string | null }[];
  readonly clear: readonly string[] | 'others' | 'all';
}

/** The state of one target of a rotation. */
export type RotationTargetState = 'PENDING' | 'SENDING' | 'DONE' | 'FAILED' | 'SKIPPED';

export interface RotationTargetRow {
  readonly position: number;
  readonly connectionId: string;
  readonly field: string;
  readonly account: string | null;
  readonly state: RotationTargetState;
  /** How it ended (secret-free JSON: the hint, the typed error, why it was skipped); while `SENDING`, the hint before the write. */
  readonly outcome: unknown;
  /** When the state last moved: a `SENDING` target older than any request's deadline is no run's any more. */
  readonly updatedAt: Date;
}

export interface RotationRow {
  readonly id: string;
  readonly caller: string;
  readonly idempotencyKey: string | null;
  readonly newFingerprint: string;
  readonly createdAt: Date;
  readonly targets: readonly RotationTargetRow[];
}

/** Fingerprints and rotations (migration 4). */
export interface CustodyStore {
  /** Fingerprints of these connections (all of them when absent), ordered by connection and field. */
  listFingerprints(connectionIds?: readonly string[]): Promise<SecretFingerprint[]>;
  /** Applies fingerprint changes outside a mutation record (tests, tools); mutations record theirs with the audit row. */
  applyFingerprints(changes: readonly FingerprintChange[]): Promise<void>;
  /**
   * Records a new rotation and its targets (all `PENDING`); when the caller already has one under
   * `idempotencyKey`, nothing is written and that one is answered.
   */
  createRotation(rotation: {
    readonly id: string;
    readonly caller: string;
    readonly idempotencyKey: string | null;
    readonly newFingerprint: string;
    readonly targets: readonly { readonly connectionId: string; readonly field: string; readonly account: string | null }[];
  }): Promise<RotationRow>;
  /** A rotation by id (only the caller's own: another caller's id finds nothing), or null. */
  getRotation(id: string, caller: string): Promise<RotationRow | null>;
  /**
   * Moves one target to `state`, with its outcome, when it is in one of the states `from` (any
   * state when absent). Answers whether it moved: two runs of one rotation never both claim a
   * target (`PENDING` → `SENDING`).
   */
  setRotationTarget(id: string, position: number, state: RotationTargetState, outcome: unknown, from?: readonly RotationTargetState[]): Promise<boolean>;
}

interface FingerprintDbRow {
  connection_id: string;
  field: string;
  account: string;
  vendor: string;
  service: string;
  fingerprint: string;
  last_four: string | null;
  written_at: Date;
}

/** Applies fingerprint changes with `db` (inside the caller's transaction when it has one). */
export async function applyFingerprintChanges(db: SqlClient, changes: readonly FingerprintChange[]): Promise<void> {
  for (const change of changes) {
    const keep = change.set.map((row) => row.field);
    if (change.clear === 'all') await db.query('DELETE FROM secret_fingerprints WHERE connection_id = $1', [change.connectionId]);
    else if (change.clear === 'others') await db.query('DELETE FROM secret_fingerprints WHERE connection_id = $1 AND NOT (field = ANY($2::text[]))', [change.connectionId, keep]);
    else if (change.clear.length > 0) await db.query('DELETE FROM secret_fingerprints WHERE connection_id = $1 AND field = ANY($2::text[])', [change.connectionId, [...change.clear]]);
    for (const row of change.set) {
      await db.query(
        `INSERT INTO secret_fingerprints (connection_id, field, account, vendor, service, fingerprint, last_four)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (connection_id, field) DO UPDATE SET account = EXCLUDED.account, vendor = EXCLUDED.vendor, service = EXCLUDED.service,
           fingerprint = EXCLUDED.fingerprint, last_four = EXCLUDED.last_four, written_at = now()`,
        [change.connectionId, row.field, change.account, change.vendor, change.service, row.fingerprint, row.lastFour],
      );
    }
  }
}

/**
 * {@link applyFingerprintChanges} as two data-modifying CTEs (`d`, `s`) of a caller's single
 * statement, applied only where `guard` (an SQL condition) holds; `param` adds a parameter and
 * answers its placeholder. The end state is the same as the statements one by one: a cleared
 * field that is also set is upserted rather than deleted first (PostgreSQL cannot delete and
 * re-insert one row in one statement). Null when a connection appears in two changes, whose order
 * would matter: those are applied one by one.
 */
export function fingerprintChangeCtes(changes: readonly FingerprintChange[], guard: string, param: (value: unknown) => string): string | null {
  const ids = changes.map((change) => change.connectionId);
  if (new Set(ids).size !== ids.length) return null;
  const clears = changes.map((change) => ({
    connection_id: change.connectionId,
    every: change.clear === 'all' || change.clear === 'others',
    fields: Array.isArray(change.clear) ? change.clear : [],
    keep: change.set.map((row) => row.field),
  }));
  // One row per field, the last set winning, as the statements one by one would leave it.
  const sets = changes.flatMap((change) =>
    [...new Map(change.set.map((row) => [row.field, row])).values()].map((row) => ({
      connection_id: change.connectionId,
      field: row.field,
      account: change.account,
      vendor: change.vendor,
      service: change.service,
      fingerprint: row.fingerprint,
      last_four: row.lastFour,
    })),
  );
  return `d AS (
       DELETE FROM secret_fingerprints f
       USING jsonb_to_recordset(${param(JSON.stringify(clears))}::jsonb) AS c(connection_id text, every boolean, fields text[], keep text[])
       WHERE ${guard} AND f.connection_id = c.connection_id AND NOT (f.field = ANY(c.keep)) AND (c.every OR f.field = ANY(c.fields))
     ),
     s AS (
       INSERT INTO secret_fingerprints (connection_id, field, account, vendor, service, fingerprint, last_four)
       SELECT connection_id, field, account, vendor, service, fingerprint, last_four
       FROM jsonb_to_recordset(${param(JSON.stringify(sets))}::jsonb) AS r(connection_id text, field text, account text, vendor text, service text, fingerprint text, last_four text)
       WHERE ${guard}
       ON CONFLICT (connection_id, field) DO UPDATE SET account = EXCLUDED.account, vendor = EXCLUDED.vendor, service = EXCLUDED.service,
         fingerprint = EXCLUDED.fingerprint, last_four = EXCLUDED.last_four, written_at = now()
     )`;
}

interface RotationDbRow {
  id: string;
  caller: string;
  idempotency_key: string | null;
  new_fingerprint: string;
  created_at: Date;
}

interface TargetDbRow {
  position: number;
  connection_id: string;
  field: string;
  account: string | null;
  state: RotationTargetState;
  outcome: unknown;
  updated_at: Date;
}

const TARGET_STATES: readonly RotationTargetState[] = ['PENDING', 'SENDING', 'DONE', 'FAILED', 'SKIPPED'];

export function custodyStore(sql: SqlClient): CustodyStore {
  const withTargets = async (db: SqlClient, row: RotationDbRow): Promise<RotationRow> => {
    const targets = await db.query<TargetDbRow>('SELECT position, connection_id, field, account, state, outcome, updated_at FROM secret_rotation_targets WHERE rotation_id = $1 ORDER BY position', [
      row.id,
    ]);
    return {
      id: row.id,
      caller: row.caller,
      idempotencyKey: row.idempotency_key,
      newFingerprint: row.new_fingerprint,
      createdAt: row.created_at,
      targets: targets.map((t) => ({
        position: Number(t.position),
        connectionId: t.connection_id,
        field: t.field,
        account: t.account,
        state: t.state,
        outcome: t.outcome,
        updatedAt: new Date(t.updated_at),
      })),
    };
  };
  return {
    async listFingerprints(connectionIds) {
      const rows =
        connectionIds === undefined
          ? await sql.query<FingerprintDbRow>('SELECT * FROM secret_fingerprints ORDER BY connection_id, field')
          : connectionIds.length === 0
            ? []
            : await sql.query<FingerprintDbRow>('SELECT * FROM secret_fingerprints WHERE connection_id = ANY($1::text[]) ORDER BY connection_id, field', [[...connectionIds]]);
      return rows.map((row) => ({
        connectionId: row.connection_id,
        field: row.field,
        account: row.account,
        vendor: row.vendor,
        service: row.service,
        fingerprint: row.fingerprint,
        lastFour: row.last_four,
        writtenAt: row.written_at,
      }));
    },

    async applyFingerprints(changes) {
      if (changes.length === 0) return;
      await sql.transaction((tx) => applyFingerprintChanges(tx, changes));
    },

    async createRotation(rotation) {
      return sql.transaction(async (tx) => {
        const inserted = await tx.query<RotationDbRow>(
          `INSERT INTO secret_rotations (id, caller, idempotency_key, new_fingerprint) VALUES ($1, $2, $3, $4)
           ON CONFLICT (caller, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
           RETURNING id, caller, idempotency_key, new_fingerprint, created_at`,
          [rotation.id, rotation.caller, rotation.idempotencyKey, rotation.newFingerprint],
        );
        const row = inserted[0];
        if (row === undefined) {
          const existing = await tx.query<RotationDbRow>('SELECT id, caller, idempotency_key, new_fingerprint, created_at FROM secret_rotations WHERE caller = $1 AND idempotency_key = $2', [
            rotation.caller,
            rotation.idempotencyKey,
          ]);
          const found = existing[0];
          if (found === undefined) throw new Error('a rotation under this key was neither inserted nor found');
          return withTargets(tx, found);
        }
        for (const [position, target] of rotation.targets.entries()) {
          await tx.query('INSERT INTO secret_rotation_targets (rotation_id, position, connection_id, field, account) VALUES ($1, $2, $3, $4, $5)', [
            rotation.id,
            position,
            target.connectionId,
            target.field,
            target.account,
          ]);
        }
        return withTargets(tx, row);
      });
    },

    async getRotation(id, caller) {
      const rows = await sql.query<RotationDbRow>('SELECT id, caller, idempotency_key, new_fingerprint, created_at FROM secret_rotations WHERE id = $1 AND caller = $2', [id, caller]);
      const row = rows[0];
      return row === undefined ? null : withTargets(sql, row);
    },

    async setRotationTarget(id, position, state, outcome, from) {
      const states = (from ?? TARGET_STATES).filter((one) => TARGET_STATES.includes(one));
      const placeholders = states.map((_, index) => `$${index + 5}`).join(', ');
      const moved = await sql.query<{ position: number }>(
        `UPDATE secret_rotation_targets SET state = $3, outcome = $4::jsonb, updated_at = now()
         WHERE rotation_id = $1 AND position = $2 AND state IN (${placeholders}) RETURNING position`,
        [id, position, state, outcome === undefined || outcome === null ? null : JSON.stringify(outcome), ...states],
      );
      if (moved.length === 0) return false;
      await sql.query('UPDATE secret_rotations SET updated_at = now() WHERE id = $1', [id]);
      return true;
    },
  };
}
