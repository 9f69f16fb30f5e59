import type { SqlClient } from './sql.js';

/**
 * Change history (migration 5): the last state Patchbay saw of each connection, the change log,
 * drift-scan leases, account health transitions and the webhook outbox rows written with them.
 * The diff logic is the app's (src/app/history.ts); this file only stores what it decided, with
 * optimistic concurrency on each snapshot (`version`) so that a write and a scan seeing one
 * connection at once never overwrite each other's view.
 */

/** The PostgreSQL channel a recorded event is announced on (payload: {@link EventNotice} as JSON). */
export const EVENTS_CHANNEL = 'patchbay_events';

/** What a NOTIFY on {@link EVENTS_CHANNEL} carries: which row to load, and which replica recorded it. */
export interface EventNotice {
  readonly kind: 'change' | 'health';
  readonly id: number;
  readonly replica: string;
}

export type ChangeKind = 'CREATED' | 'UPDATED' | 'DELETED' | 'SECRET_CHANGED';
/** How a change was seen. `READ` is reserved in the table for changes seen by reads, which do not record yet. */
export type ChangeSeen = 'WRITE' | 'SCAN';
/** The actor of a change Patchbay did not make. */
export const OUTSIDE_PATCHBAY = 'OUTSIDE_PATCHBAY';

/** One changed field as the log keeps it: secrets only as `SET`/`CHANGED`/`UNSET`, never a value. */
export interface StoredFieldChange {
  readonly path: string;
  readonly kind: 'ADDED' | 'REMOVED' | 'CHANGED' | 'SET' | 'UNSET';
  readonly secret: boolean;
  readonly before: string | null;
  readonly after: string | null;
}

export interface SnapshotRow {
  readonly connectionId: string;
  readonly account: string;
  readonly vendor: string;
  readonly name: string;
  /** The connection as last seen (encoded by src/app/history.ts); null once deleted. */
  readonly item: unknown;
  readonly observedAt: Date;
  readonly changedAt: Date;
  readonly version: number;
}

export interface ChangeInput {
  readonly eventId: string;
  readonly connectionId: string;
  readonly account: string;
  readonly vendor: string;
  readonly name: string;
  readonly kind: ChangeKind;
  readonly actor: string;
  readonly seen: ChangeSeen;
  readonly diff: readonly StoredFieldChange[];
}

export interface ChangeRow extends ChangeInput {
  /** Ascending in the order changes were recorded: the cursor of history pages. */
  readonly id: number;
  readonly at: Date;
}

/** One webhook delivery to enqueue with the event it carries (same transaction). */
export interface OutboxInput {
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly body: string;
}

/** What to store of one observation of a connection. */
export interface Observation {
  readonly connectionId: string;
  readonly account: string;
  readonly vendor: string;
  readonly name: string;
  /** The connection as seen now (encoded); null: it is gone. */
  readonly item: unknown;
  /** The snapshot's version this observation was compared with; null when there was none. */
  readonly expectedVersion: number | null;
  /** The change it makes, or null when it only confirms the snapshot (observed_at moves). */
  readonly change: ChangeInput | null;
  readonly outbox: readonly OutboxInput[];
}

export type HealthStatus = 'HEALTHY' | 'FAILING';
export type HealthEventStatus = 'HEALTHY' | 'FAILING' | 'RECOVERED';

export interface HealthChangeRow {
  readonly id: number;
  readonly eventId: string;
  readonly account: string;
  readonly vendor: string;
  readonly status: HealthEventStatus;
  readonly previous: HealthStatus | null;
  readonly errorType: string | null;
  readonly errorMessage: string | null;
  readonly at: Date;
}

export interface HealthInput {
  readonly eventId: string;
  readonly account: string;
  readonly vendor: string;
  readonly status: HealthStatus;
  readonly errorType: string | null;
  readonly errorMessage: string | null;
  /** Builds the outbox rows of the transition, once it is known to be one (its status decided). */
  readonly outbox: (status: HealthEventStatus, previous: HealthStatus | null) => readonly OutboxInput[];
}

export interface ChangeFilter {
  readonly connectionIds?: readonly string[];
  readonly accounts?: readonly string[];
  readonly vendors?: readonly string[];
  readonly kinds?: readonly ChangeKind[];
  readonly actors?: readonly string[];
  readonly since?: Date;
  /** Only changes recorded before the change with this id (pages run newest first). */
  readonly beforeId?: number;
  readonly limit: number;
}

export interface ScanClaim {
  /** The scan was claimed by this replica until the lease ends. */
  readonly claimed: boolean;
  /** When not claimed: whether another replica holds a live lease (a scan is running there). */
  readonly heldElsewhere: boolean;
}

export interface ScanFinish {
  readonly account: string;
  readonly startedAt: Date;
  readonly outcome: string;
  readonly changes: number;
  /** Seconds until the account's next scan is due. */
  readonly nextInSeconds: number;
}

export interface ScanRunRow {
  readonly id: number;
  readonly account: string;
  readonly replica: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly outcome: string;
  readonly changes: number;
}

export interface HistoryStore {
  /** Snapshots of one account (deleted ones too), or of these connections. */
  listSnapshots(filter: { readonly account?: string; readonly connectionIds?: readonly string[] }): Promise<SnapshotRow[]>;
  /**
   * Stores one observation in one transaction: the snapshot (only if its version is still
   * `expectedVersion`), the change and its outbox rows, and (PostgreSQL) a NOTIFY of the change.
   * Answers the change as stored, null when there was none to store, or `'moved'` when the snapshot
   * changed since it was read (nothing stored: read it again and compare again).
   */
  applyObservation(observation: Observation): Promise<ChangeRow | null | 'moved'>;
  /** Gives a change recorded as outside Patchbay to the write that made it (`actor`, seen `WRITE`); true when it was updated. */
  claimChange(id: number, actor: string): Promise<boolean>;
  /** The latest change of a connection, if any. */
  latestChange(connectionId: string): Promise<ChangeRow | null>;
  /** Changes matching `filter`, newest first. */
  listChanges(filter: ChangeFilter): Promise<ChangeRow[]>;
  /** One change by its row id (what a NOTIFY names). */
  getChange(id: number): Promise<ChangeRow | null>;
  /** Records the account's health as seen now; answers the transition when it is one, null when the status holds. */
  recordHealth(input: HealthInput): Promise<HealthChangeRow | null>;
  getHealthChange(id: number): Promise<HealthChangeRow | null>;
  /**
   * Claims the drift scan of `account` for `leaseSeconds`: only when it is due (`force` skips that,
   * for `scanAccount`) and no other replica holds a live lease.
   */
  claimScan(account: string, leaseSeconds: number, force: boolean): Promise<ScanClaim>;
  /** Ends this replica's scan: logs the run, schedules the next, releases the lease. */
  finishScan(finish: ScanFinish): Promise<void>;
  /** Whether a scan of `account` ever read it whole: the first one only takes a baseline. */
  scannedBefore(account: string): Promise<boolean>;
  /** Scan runs, newest first (observability and tests). */
  listScanRuns(account?: string, limit?: number): Promise<ScanRunRow[]>;
}

interface SnapshotDbRow {
  connection_id: string;
  account: string;
  vendor: string;
  name: string;
  item: unknown;
  observed_at: Date;
  changed_at: Date;
  version: number;
}

interface ChangeDbRow {
  id: number | string;
  event_id: string;
  connection_id: string;
  account: string;
  vendor: string;
  name: string;
  kind: ChangeKind;
  actor: string;
  seen: ChangeSeen;
  diff: StoredFieldChange[];
  at: Date;
}

interface HealthDbRow {
  id: number | string;
  event_id: string;
  account: string;
  vendor: string;
  status: HealthEventStatus;
  previous: HealthStatus | null;
  error_type: string | null;
  error_message: string | null;
  at: Date;
}

const SNAPSHOT_COLUMNS = 'connection_id, account, vendor, name, item, observed_at, changed_at, version';
const CHANGE_COLUMNS = 'id, event_id, connection_id, account, vendor, name, kind, actor, seen, diff, at';
const HEALTH_COLUMNS = 'id, event_id, account, vendor, status, previous, error_type, error_message, at';

const toSnapshot = (row: SnapshotDbRow): SnapshotRow => ({
  connectionId: row.connection_id,
  account: row.account,
  vendor: row.vendor,
  name: row.name,
  item: row.item,
  observedAt: row.observed_at,
  changedAt: row.changed_at,
  version: row.version,
});

const toChange = (row: ChangeDbRow): ChangeRow => ({
  id: Number(row.id),
  eventId: row.event_id,
  connectionId: row.connection_id,
  account: row.account,
  vendor: row.vendor,
  name: row.name,
  kind: row.kind,
  actor: row.actor,
  seen: row.seen,
  diff: row.diff,
  at: row.at,
});

const toHealth = (row: HealthDbRow): HealthChangeRow => ({
  id: Number(row.id),
  eventId: row.event_id,
  account: row.account,
  vendor: row.vendor,
  status: row.status,
  previous: row.previous,
  errorType: row.error_type,
  errorMessage: row.error_message,
  at: row.at,
});

async function insertOutbox(tx: SqlClient, rows: readonly OutboxInput[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO webhook_outbox (webhook_id, event_id, event_type, body)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (webhook_id, event_id) DO NOTHING`,
    [rows.map((r) => r.webhookId), rows.map((r) => r.eventId), rows.map((r) => r.eventType), rows.map((r) => r.body)],
  );
}

async function notify(tx: SqlClient, notice: EventNotice): Promise<void> {
  // pg_notify is transactional: other replicas hear of the event only once it is committed.
  if (tx.kind === 'postgres') await tx.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify(notice)]);
}

export function historyStore(sql: SqlClient, replicaId: string): HistoryStore {
  return {
    async listSnapshots(filter) {
      if (filter.connectionIds !== undefined) {
        const rows = await sql.query<SnapshotDbRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM connection_snapshots WHERE connection_id = ANY($1::text[])`, [[...filter.connectionIds]]);
        return rows.map(toSnapshot);
      }
      const rows =
        filter.account === undefined
          ? await sql.query<SnapshotDbRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM connection_snapshots ORDER BY connection_id`)
          : await sql.query<SnapshotDbRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM connection_snapshots WHERE account = $1 ORDER BY connection_id`, [filter.account]);
      return rows.map(toSnapshot);
    },

    async applyObservation(observation) {
      // One statement (atomic by itself, so no transaction round trips): the snapshot, only if its
      // version is still the one compared with; the change, only if the snapshot moved; its outbox
      // rows; and on PostgreSQL the NOTIFY, which is delivered at commit like any.
      const item = observation.item === null ? null : JSON.stringify(observation.item);
      const change = observation.change;
      const outbox = observation.outbox;
      const snapshot =
        observation.expectedVersion === null
          ? `INSERT INTO connection_snapshots (connection_id, account, vendor, name, item, observed_at, changed_at)
             SELECT $1, $2, $3, $4, $5::jsonb, now(), now() WHERE $6::int IS NULL
             ON CONFLICT (connection_id) DO NOTHING RETURNING version`
          : `UPDATE connection_snapshots
                SET item = $5::jsonb, name = $4, observed_at = now(),
                    changed_at = CASE WHEN $7::text IS NOT NULL THEN now() ELSE changed_at END,
                    version = version + 1
              WHERE connection_id = $1 AND version = $6::int
              RETURNING version`;
      const announce = sql.kind === 'postgres' ? `, CASE WHEN c.id IS NOT NULL THEN pg_notify($17, json_build_object('kind', 'change', 'id', c.id, 'replica', $18::text)::text) END AS notified` : '';
      const rows = await sql.query<ChangeDbRow & { applied: number | string }>(
        `WITH snap AS (${snapshot}),
         c AS (
           INSERT INTO connection_changes (event_id, connection_id, account, vendor, name, kind, actor, seen, diff)
           SELECT $7, $1, $2, $3, $8, $9, $10, $11, $12::jsonb FROM snap WHERE $7::text IS NOT NULL
           RETURNING ${CHANGE_COLUMNS}
         ),
         o AS (
           INSERT INTO webhook_outbox (webhook_id, event_id, event_type, body)
           SELECT w, e, t, b FROM unnest($13::text[], $14::text[], $15::text[], $16::text[]) AS x(w, e, t, b)
           WHERE EXISTS (SELECT 1 FROM c)
           ON CONFLICT (webhook_id, event_id) DO NOTHING
         )
         SELECT (SELECT count(*) FROM snap) AS applied, c.*${announce} FROM (SELECT 1) AS one LEFT JOIN c ON true`,
        [
          observation.connectionId,
          observation.account,
          observation.vendor,
          observation.name,
          item,
          observation.expectedVersion,
          change?.eventId ?? null,
          change?.name ?? null,
          change?.kind ?? null,
          change?.actor ?? null,
          change?.seen ?? null,
          change === null ? null : JSON.stringify(change.diff),
          outbox.map((r) => r.webhookId),
          outbox.map((r) => r.eventId),
          outbox.map((r) => r.eventType),
          outbox.map((r) => r.body),
          ...(sql.kind === 'postgres' ? [EVENTS_CHANNEL, replicaId] : []),
        ],
      );
      const row = single(rows);
      if (Number(row.applied) === 0) return 'moved';
      return row.id === null || row.id === undefined ? null : toChange(row);
    },

    async claimChange(id, actor) {
      const rows = await sql.query<{ id: number }>(`UPDATE connection_changes SET actor = $2, seen = 'WRITE' WHERE id = $1::bigint AND actor = $3 RETURNING id`, [String(id), actor, OUTSIDE_PATCHBAY]);
      return rows.length > 0;
    },

    async latestChange(connectionId) {
      const rows = await sql.query<ChangeDbRow>(`SELECT ${CHANGE_COLUMNS} FROM connection_changes WHERE connection_id = $1 ORDER BY id DESC LIMIT 1`, [connectionId]);
      return rows[0] === undefined ? null : toChange(rows[0]);
    },

    async listChanges(filter) {
      const params: unknown[] = [];
      const where: string[] = [];
      const condition = (template: (p: string) => string, value: unknown): void => {
        params.push(value);
        where.push(template(`$${params.length}`));
      };
      if (filter.connectionIds !== undefined) condition((p) => `connection_id = ANY(${p}::text[])`, [...filter.connectionIds]);
      if (filter.accounts !== undefined) condition((p) => `account = ANY(${p}::text[])`, [...filter.accounts]);
      if (filter.vendors !== undefined) condition((p) => `vendor = ANY(${p}::text[])`, [...filter.vendors]);
      if (filter.kinds !== undefined) condition((p) => `kind = ANY(${p}::text[])`, [...filter.kinds]);
      if (filter.actors !== undefined) condition((p) => `actor = ANY(${p}::text[])`, [...filter.actors]);
      if (filter.since !== undefined) condition((p) => `at >= ${p}::timestamptz`, filter.since.toISOString());
      if (filter.beforeId !== undefined) condition((p) => `id < ${p}::bigint`, String(filter.beforeId));
      params.push(filter.limit);
      const rows = await sql.query<ChangeDbRow>(
        `SELECT ${CHANGE_COLUMNS} FROM connection_changes ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toChange);
    },

    async getChange(id) {
      const rows = await sql.query<ChangeDbRow>(`SELECT ${CHANGE_COLUMNS} FROM connection_changes WHERE id = $1::bigint`, [String(id)]);
      return rows[0] === undefined ? null : toChange(rows[0]);
    },

    recordHealth(input) {
      return sql.transaction(async (tx) => {
        const current = await tx.query<{ status: HealthStatus; version: number }>('SELECT status, version FROM account_health_state WHERE account = $1 FOR UPDATE', [input.account]);
        const previous = current[0]?.status ?? null;
        if (previous === input.status) return null;
        if (previous === null) {
          const inserted = await tx.query<{ status: string }>(`INSERT INTO account_health_state (account, status, since) VALUES ($1, $2, now()) ON CONFLICT (account) DO NOTHING RETURNING status`, [
            input.account,
            input.status,
          ]);
          // Another replica recorded the first status at the same moment: it told the transition.
          if (inserted.length === 0) return null;
          // A first look at an account that is healthy is no transition anyone waits for.
          if (input.status === 'HEALTHY') return null;
        } else {
          await tx.query('UPDATE account_health_state SET status = $2, since = now(), version = version + 1 WHERE account = $1', [input.account, input.status]);
        }
        const status: HealthEventStatus = input.status === 'HEALTHY' && previous === 'FAILING' ? 'RECOVERED' : input.status;
        const rows = await tx.query<HealthDbRow>(
          `INSERT INTO account_health_changes (event_id, account, vendor, status, previous, error_type, error_message)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${HEALTH_COLUMNS}`,
          [input.eventId, input.account, input.vendor, status, previous, input.errorType, input.errorMessage],
        );
        const stored = toHealth(single(rows));
        await insertOutbox(tx, input.outbox(status, previous));
        await notify(tx, { kind: 'health', id: stored.id, replica: replicaId });
        return stored;
      });
    },

    async getHealthChange(id) {
      const rows = await sql.query<HealthDbRow>(`SELECT ${HEALTH_COLUMNS} FROM account_health_changes WHERE id = $1::bigint`, [String(id)]);
      return rows[0] === undefined ? null : toHealth(rows[0]);
    },

    async claimScan(account, leaseSeconds, force) {
      // One conditional upsert: exactly one replica gets a due (or forced) scan whose lease is free or lapsed.
      const rows = await sql.query<{ holder: string }>(
        `INSERT INTO account_scans AS s (account, holder, held_until, next_scan_at, last_started)
         VALUES ($1, $2, now() + make_interval(secs => $3), now(), now())
         ON CONFLICT (account) DO UPDATE
           SET holder = EXCLUDED.holder, held_until = EXCLUDED.held_until, last_started = now()
         WHERE (s.held_until IS NULL OR s.held_until < now() OR s.holder = EXCLUDED.holder)
           AND ($4::boolean OR s.next_scan_at <= now())
         RETURNING holder`,
        [account, replicaId, leaseSeconds, force],
      );
      if (rows.length > 0) return { claimed: true, heldElsewhere: false };
      const held = await sql.query<{ live: boolean }>('SELECT (held_until IS NOT NULL AND held_until >= now() AND holder <> $2) AS live FROM account_scans WHERE account = $1', [account, replicaId]);
      return { claimed: false, heldElsewhere: held[0]?.live === true };
    },

    async finishScan(finish) {
      await sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO scan_runs (account, replica, started_at, finished_at, outcome, changes) VALUES ($1, $2, $3::timestamptz, now(), $4, $5)`, [
          finish.account,
          replicaId,
          finish.startedAt.toISOString(),
          finish.outcome,
          finish.changes,
        ]);
        await tx.query(
          `UPDATE account_scans
              SET holder = NULL, held_until = NULL, last_finished = now(), last_outcome = $3,
                  next_scan_at = now() + make_interval(secs => $4)
            WHERE account = $1 AND holder = $2`,
          [finish.account, replicaId, finish.outcome, finish.nextInSeconds],
        );
      });
    },

    async scannedBefore(account) {
      const rows = await sql.query<{ one: number }>(`SELECT 1 AS one FROM scan_runs WHERE account = $1 AND outcome = 'OK' LIMIT 1`, [account]);
      return rows.length > 0;
    },

    async listScanRuns(account, limit = 100) {
      const rows = await sql.query<{ id: number | string; account: string; replica: string; started_at: Date; finished_at: Date; outcome: string; changes: number }>(
        `SELECT id, account, replica, started_at, finished_at, outcome, changes FROM scan_runs ${account === undefined ? '' : 'WHERE account = $2'} ORDER BY id DESC LIMIT $1`,
        account === undefined ? [limit] : [limit, account],
      );
      return rows.map((row) => ({
        id: Number(row.id),
        account: row.account,
        replica: row.replica,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        outcome: row.outcome,
        changes: row.changes,
      }));
    },
  };
}

function single<R>(rows: readonly R[]): R {
  const row = rows[0];
  if (row === undefined) throw new Error('Expected the statement to return a row');
  return row;
}
