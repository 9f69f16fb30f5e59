import type { SqlClient } from './sql.js';

/**
 * One schema change. Versions are positive integers, strictly increasing in {@link MIGRATIONS};
 * a released migration is never edited (add a new one instead). `sql` may hold several
 * statements and runs inside the migration transaction.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** What {@link migrate} did. */
export interface MigrationResult {
  /** Versions applied by this call, in order (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** The highest version recorded in `schema_migrations` afterwards. */
  readonly current: number;
}

/** Patchbay's schema, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tracked datadog connections, audit log, idempotency records',
    sql: `
      -- Datadog has no endpoint that lists action connections: Patchbay remembers the ids it
      -- created or was asked to track, per configured account.
      CREATE TABLE tracked_datadog_connections (
        account       text        NOT NULL,
        connection_id text        NOT NULL,
        name          text        NULL,
        tracked_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account, connection_id)
      );

      -- Every mutation: who, what, when, outcome. Never a secret.
      CREATE TABLE audit_log (
        id        bigserial   PRIMARY KEY,
        at        timestamptz NOT NULL DEFAULT now(),
        caller    text        NOT NULL,
        operation text        NOT NULL,
        account   text        NULL,
        target_id text        NULL,
        outcome   text        NOT NULL,
        detail    jsonb       NULL
      );
      CREATE INDEX audit_log_operation_id_idx ON audit_log (operation, id DESC);

      CREATE TABLE idempotency_records (
        key        text        NOT NULL,
        operation  text        NOT NULL,
        input_hash text        NOT NULL,
        outcome    jsonb       NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key, operation)
      );
    `,
  },
  {
    version: 2,
    name: 'write intents',
    sql: `
      -- Write-ahead: a write Patchbay alone can list afterwards (a create at a vendor that has no
      -- list endpoint) is recorded before it is sent, and cleared once its result is recorded. A
      -- row left 'pending' by a process that stopped, or marked 'unconfirmed', is a write an
      -- operator has to look at.
      -- Never a secret: account, operation, caller, a summary such as the new object's name.
      CREATE TABLE write_intents (
        id          bigserial   PRIMARY KEY,
        account     text        NOT NULL,
        operation   text        NOT NULL,
        caller      text        NOT NULL,
        summary     text        NULL,
        state       text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'unconfirmed')),
        reason      text        NULL,
        resource_id text        NULL,
        owner       text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX write_intents_account_idx ON write_intents (account, id);
    `,
  },
  {
    version: 3,
    name: 'idempotency claim owners and leases, audit record ids',
    sql: `
      -- A claim names the replica running the mutation and holds until lease_expires_at, which
      -- that replica keeps pushing forward while it runs. A claim whose lease lapsed without an
      -- outcome was left by a replica that stopped: the next replica to meet the key takes it
      -- over. NULL (a claim made before leases, or by an older replica): created_at + 15 minutes.
      ALTER TABLE idempotency_records ADD COLUMN owner text NULL;
      ALTER TABLE idempotency_records ADD COLUMN lease_expires_at timestamptz NULL;
      ALTER TABLE idempotency_records ADD COLUMN taken_over_at timestamptz NULL;

      -- Set by the writer of a row so that recording it again (a retry from the local spool after
      -- an answer was lost) adds nothing. NULL for rows written one-off.
      ALTER TABLE audit_log ADD COLUMN record_id text NULL;
      CREATE UNIQUE INDEX audit_log_record_id_idx ON audit_log (record_id);

      -- The idempotency key a write intent was recorded under, so that the replica taking the key
      -- over from one that stopped lists the intent as interrupted at once.
      ALTER TABLE write_intents ADD COLUMN idempotency_key text NULL;
      ALTER TABLE write_intents ADD COLUMN idempotency_operation text NULL;
      CREATE INDEX write_intents_idempotency_idx ON write_intents (idempotency_key, idempotency_operation) WHERE idempotency_key IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'secret fingerprints and rotations',
    sql: `
      -- Key custody. A secret Patchbay wrote is remembered by a keyed fingerprint only (an
      -- HMAC-SHA-256 under a key derived from PATCHBAY_SECRET_KEY), one row per connection and
      -- secret field, beside the last four characters the vendor's own hint shows (when the value
      -- is long enough to show any). Never the secret.
      CREATE TABLE secret_fingerprints (
        connection_id text        NOT NULL,
        field         text        NOT NULL,
        account       text        NOT NULL,
        vendor        text        NOT NULL,
        service       text        NOT NULL,
        fingerprint   text        NOT NULL,
        last_four     text        NULL,
        written_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, field)
      );
      CREATE INDEX secret_fingerprints_fingerprint_idx ON secret_fingerprints (fingerprint);

      -- A rotation of one secret into many connections: its targets, in order, and how each
      -- ended, so that a rotation interrupted mid-way resumes only the targets left. The new
      -- value is kept as its fingerprint only: resuming needs the caller to give it again.
      CREATE TABLE secret_rotations (
        id               text        PRIMARY KEY,
        caller           text        NOT NULL,
        idempotency_key  text        NULL,
        new_fingerprint  text        NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX secret_rotations_key_idx ON secret_rotations (caller, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE TABLE secret_rotation_targets (
        rotation_id   text        NOT NULL REFERENCES secret_rotations (id) ON DELETE CASCADE,
        position      integer     NOT NULL,
        connection_id text        NOT NULL,
        field         text        NOT NULL,
        account       text        NULL,
        state         text        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENDING', 'DONE', 'FAILED', 'SKIPPED')),
        outcome       jsonb       NULL,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rotation_id, position)
      );
    `,
  },
  {
    version: 5,
    name: 'connection snapshots, change log, drift scans, account health, webhook outbox',
    sql: `
      -- The last state Patchbay saw of each connection (the domain object: hints and fingerprints
      -- of secrets, never a value), by global id. A deleted connection keeps its row (item NULL)
      -- so that its history stays readable by its id. version: optimistic concurrency between a
      -- write and a scan that observe the same connection at once.
      CREATE TABLE connection_snapshots (
        connection_id text        PRIMARY KEY,
        account       text        NOT NULL,
        vendor        text        NOT NULL,
        name          text        NOT NULL,
        item          jsonb       NULL,
        observed_at   timestamptz NOT NULL,
        changed_at    timestamptz NOT NULL,
        version       integer     NOT NULL DEFAULT 1
      );
      CREATE INDEX connection_snapshots_account_idx ON connection_snapshots (account);

      -- What changed, field by field (secrets only as SET / CHANGED / UNSET), who did it (the
      -- caller, or OUTSIDE_PATCHBAY) and how Patchbay saw it. event_id names the change in live
      -- events and webhook deliveries, so a receiver can de-duplicate.
      CREATE TABLE connection_changes (
        id            bigserial   PRIMARY KEY,
        event_id      text        NOT NULL UNIQUE,
        connection_id text        NOT NULL,
        account       text        NOT NULL,
        vendor        text        NOT NULL,
        name          text        NOT NULL,
        kind          text        NOT NULL CHECK (kind IN ('CREATED', 'UPDATED', 'DELETED', 'SECRET_CHANGED')),
        actor         text        NOT NULL,
        seen          text        NOT NULL CHECK (seen IN ('WRITE', 'SCAN', 'READ')),
        diff          jsonb       NOT NULL,
        at            timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX connection_changes_connection_idx ON connection_changes (connection_id, id);
      CREATE INDEX connection_changes_account_idx ON connection_changes (account, id);
      CREATE INDEX connection_changes_at_idx ON connection_changes (at);

      -- Drift scans: which replica holds an account's scan (a lease: a replica that dies lets it
      -- lapse and another takes over), when it is next due, and how the last one ended.
      CREATE TABLE account_scans (
        account       text        PRIMARY KEY,
        holder        text        NULL,
        held_until    timestamptz NULL,
        next_scan_at  timestamptz NOT NULL DEFAULT now(),
        last_started  timestamptz NULL,
        last_finished timestamptz NULL,
        last_outcome  text        NULL
      );
      -- One row per scan run (kept on the audit log's schedule): who scanned which account when.
      CREATE TABLE scan_runs (
        id            bigserial   PRIMARY KEY,
        account       text        NOT NULL,
        replica       text        NOT NULL,
        started_at    timestamptz NOT NULL,
        finished_at   timestamptz NOT NULL,
        outcome       text        NOT NULL,
        changes       integer     NOT NULL
      );
      CREATE INDEX scan_runs_account_idx ON scan_runs (account, id);

      -- Each account's health as scans and reads last saw it, and its transitions.
      CREATE TABLE account_health_state (
        account       text        PRIMARY KEY,
        status        text        NOT NULL,
        since         timestamptz NOT NULL,
        version       integer     NOT NULL DEFAULT 1
      );
      CREATE TABLE account_health_changes (
        id            bigserial   PRIMARY KEY,
        event_id      text        NOT NULL UNIQUE,
        account       text        NOT NULL,
        vendor        text        NOT NULL,
        status        text        NOT NULL CHECK (status IN ('HEALTHY', 'FAILING', 'RECOVERED')),
        previous      text        NULL,
        error_type    text        NULL,
        error_message text        NULL,
        at            timestamptz NOT NULL DEFAULT now()
      );

      -- Webhook deliveries: one row per (webhook, event), written in the same transaction as the
      -- event, so an event recorded is an event delivered (at least once, retried until given up).
      CREATE TABLE webhook_outbox (
        webhook_id      text        NOT NULL,
        event_id        text        NOT NULL,
        event_type      text        NOT NULL,
        body            text        NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        attempts        integer     NOT NULL DEFAULT 0,
        state           text        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'GAVE_UP')),
        claimed_by      text        NULL,
        claimed_until   timestamptz NULL,
        finished_at     timestamptz NULL,
        PRIMARY KEY (webhook_id, event_id)
      );
      CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at) WHERE state = 'PENDING';
      CREATE TABLE webhook_attempts (
        id            bigserial   PRIMARY KEY,
        webhook_id    text        NOT NULL,
        event_id      text        NOT NULL,
        attempt       integer     NOT NULL,
        at            timestamptz NOT NULL DEFAULT now(),
        http_status   integer     NULL,
        error         text        NULL,
        duration_ms   integer     NOT NULL
      );
      CREATE INDEX webhook_attempts_event_idx ON webhook_attempts (webhook_id, event_id, attempt);
    `,
  },
];

/**
 * Key of the transaction-scoped advisory lock that serialises migrations, so that gateway
 * replicas starting at once against one database migrate one after the other. Advisory locks are
 * per database, so replicas using different schemas of one database also take turns (briefly).
 */
export const MIGRATION_LOCK_KEY = 7_281_946_103_552n;

/**
 * Brings the schema up to the newest of `migrations`, in one transaction: takes the advisory
 * lock, creates `schema_migrations` if needed, applies every version not yet recorded, and
 * records each. Safe to call any number of times and from several processes at once. A database
 * that is already ahead of this code (a newer replica migrated it) is left alone.
 *
 * @throws when `migrations` is not strictly increasing, or when a recorded version carries a
 *   different name than the code's (a released migration was edited or renumbered).
 */
export async function migrate(sql: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  checkOrder(migrations);
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer     PRIMARY KEY,
        name       text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )
    `);
    const rows = await tx.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    const recorded = new Map(rows.map((row) => [row.version, row.name]));
    const applied: number[] = [];
    for (const migration of migrations) {
      const name = recorded.get(migration.version);
      if (name !== undefined) {
        if (name !== migration.name) {
          throw new Error(`Migration ${migration.version} is recorded as "${name}" but the code calls it "${migration.name}"`);
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    const versions = [...recorded.keys(), ...applied];
    return { applied, current: versions.length === 0 ? 0 : Math.max(...versions) };
  });
}

/** The gateway was told not to migrate (`gateway.store.migrate: false`) and the schema is older than its code. */
export class SchemaBehindError extends Error {
  constructor(
    readonly current: number,
    readonly required: number,
  ) {
    super(
      `Patchbay's store schema is at version ${current} but this gateway needs ${required}, and migrating at start is off (gateway.store.migrate: false or PATCHBAY_MIGRATE=false): run \`patchbay migrate\` first.`,
    );
    this.name = 'SchemaBehindError';
  }
}

/** The highest version recorded in `schema_migrations` (0 when the table does not exist yet); takes no lock and changes nothing. */
export async function schemaVersion(sql: SqlClient): Promise<number> {
  const table = await sql.query<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found");
  if (table[0]?.found === null || table[0]?.found === undefined) return 0;
  const rows = await sql.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return rows[0]?.version ?? 0;
}

/** Throws {@link SchemaBehindError} when the database's schema is older than `migrations`' newest version. */
export async function requireCurrentSchema(sql: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  const required = migrations.at(-1)?.version ?? 0;
  const current = await schemaVersion(sql);
  if (current < required) throw new SchemaBehindError(current, required);
}

function checkOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const { version } of migrations) {
    if (!Number.isSafeInteger(version) || version <= previous) {
      throw new Error(`Migration versions must be positive integers in increasing order; got ${version} after ${previous}`);
    }
    previous = version;
  }
}
