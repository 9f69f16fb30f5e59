/** The store: PostgreSQL (embedded PGlite or a server) for what vendors cannot tell Patchbay. */
export { openStore, createStore, DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT } from './store.js';
export type {
  Store,
  IdempotencyClaim,
  OpenStoreOptions,
  TrackedConnection,
  AuditInput,
  AuditEntry,
  AuditDetail,
  ListAuditOptions,
} from './store.js';
export { openPglite, openPostgres, TransactionAbortedError } from './sql.js';
export type { SqlClient, SqlKind, PostgresOptions } from './sql.js';
export { migrate, MIGRATIONS, MIGRATION_LOCK_KEY } from './migrations.js';
export type { Migration, MigrationResult } from './migrations.js';
