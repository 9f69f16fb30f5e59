import { defaultGatewayConfig, type GatewayConfig } from '../core/config/schema.js';
import { createJsonLogger } from '../core/logger.js';
import { migrate } from '../core/store/migrations.js';
import { openStoreSql } from '../core/store/store.js';
import { loadConfigFile } from './config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** What `patchbay migrate` did. */
export interface MigrateReport {
  readonly store: 'postgres' | 'pglite';
  readonly applied: readonly number[];
  readonly current: number;
}

/**
 * `patchbay migrate`: brings the store that `patchbay serve` would open (PATCHBAY_DATABASE_URL, or
 * the embedded store in PATCHBAY_DATA_DIR) up to this version's schema and ends. It takes the
 * same advisory lock as a migrating start, so it is safe while replicas run or start. With
 * PATCHBAY_CONFIG set, the file's `gateway.store` settings (application name, timeouts) apply.
 */
export async function runMigrations(env: Environment): Promise<MigrateReport> {
  const configPath = env['PATCHBAY_CONFIG'];
  const gateway: GatewayConfig = configPath ? (await loadConfigFile(configPath, env)).gateway : defaultGatewayConfig();
  const settings = gateway.store;
  const databaseUrl = env['PATCHBAY_DATABASE_URL'] || null;
  const sql = await openStoreSql({
    databaseUrl,
    dataDir: env['PATCHBAY_DATA_DIR'] ?? '.patchbay',
    logger: createJsonLogger({ level: 'warn' }),
    // A migration may rewrite a table: the request deadline does not apply to it.
    statementTimeoutMs: 0,
    postgres: {
      max: 1,
      connectionTimeoutMs: settings.connectionTimeoutMs,
      lockTimeoutMs: 0,
      idleInTransactionTimeoutMs: settings.idleInTransactionTimeoutMs,
      applicationName: `${settings.applicationName}:migrate`.slice(0, 63),
      startupParameters: settings.startupParameters,
    },
  });
  try {
    const result = await migrate(sql);
    return { store: sql.kind, applied: result.applied, current: result.current };
  } finally {
    await sql.close();
  }
}
