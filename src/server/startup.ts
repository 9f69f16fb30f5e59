import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { ConfigError } from '../core/config/load.js';
import type { Logger } from '../core/logger.js';
import { DataDirLockedError } from '../core/store/dir-lock.js';
import { createStore, openStoreSql, type Store } from '../core/store/store.js';
import { SchemaBehindError } from '../core/store/migrations.js';
import type { SqlClient } from '../core/store/sql.js';
import type { GatewayConfig } from '../core/config/schema.js';

/**
 * What start-up needs to fail fast: a start that cannot succeed (a taken port, a data directory
 * the process cannot use) ends with one line saying what to change and a non-zero exit, instead
 * of a stack trace or a process that keeps its simulators and store open and never exits.
 */

/** A start-up failure whose message is the whole story, written for the operator. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The errno code of a Node system error, if it is one. */
function errnoCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** Why `listen` failed, in words an operator can act on. */
function listenProblem(code: string | null, port: number): string {
  switch (code) {
    case 'EADDRINUSE':
      return 'the port is already in use: stop what listens there or set PORT to a free port';
    case 'EACCES':
      return port < 1024 ? 'permission denied: ports below 1024 need privileges, set PORT to 1024 or above' : 'permission denied';
    case 'EADDRNOTAVAIL':
      return 'that address is not on this machine: set HOST to one of its addresses (0.0.0.0 for all)';
    default:
      return code ?? 'unknown error';
  }
}

/** Starts `server` listening, or throws a {@link StartupError} naming the address and what to change. */
export async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((done, fail) => {
    const onError = (error: unknown) => fail(new StartupError(`Patchbay cannot listen on ${host}:${port}: ${listenProblem(errnoCode(error), port)}.`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      done();
    });
  });
}

/**
 * Checks the embedded store's data directory before the store opens it: when it exists it must be
 * a directory this process can read, write and enter. (A missing one is created by the store.)
 */
async function checkDataDir(dataDir: string): Promise<void> {
  const dir = resolve(dataDir);
  let found: Awaited<ReturnType<typeof stat>>;
  try {
    found = await stat(dir);
  } catch (error) {
    // A missing directory is created by the store; any other answer (a parent it may not enter) is the operator's to fix.
    if (errnoCode(error) === 'ENOENT') return;
    throw dataDirError(dir, error);
  }
  if (!found.isDirectory()) throw new StartupError(`Patchbay cannot use its data directory ${dir}: it is not a directory. Set PATCHBAY_DATA_DIR to a directory.`);
  try {
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw dataDirError(dir, error);
  }
}

/** The one line for a data directory the process cannot use. */
function dataDirError(dir: string, error: unknown): StartupError {
  const code = errnoCode(error);
  const reason = code === 'EACCES' || code === 'EPERM' ? 'it is not readable and writable by this process' : `${code ?? 'unknown error'}`;
  const user = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
  return new StartupError(
    `Patchbay cannot use its data directory ${dir}: ${reason}. Give the user running Patchbay${user} read and write access to it, or set PATCHBAY_DATA_DIR to another directory.`,
  );
}

/** Where config mode keeps its store: a PostgreSQL server, or the embedded one in a directory. */
export interface StoreLocation {
  readonly databaseUrl: string | null;
  readonly dataDir: string;
}

/** The store and the database under it (readiness check, retention and `patchbay migrate` use the latter). */
export interface ConfiguredStore {
  readonly store: Store;
  readonly sql: SqlClient;
}

/**
 * Whether start-up migrates: `gateway.store.migrate` unless PATCHBAY_MIGRATE says otherwise
 * (`true` or `false`; anything else is a start-up error).
 */
export function migrateAtStart(settings: GatewayConfig['store'], envValue: string | undefined): boolean {
  if (envValue === undefined || envValue === '') return settings.migrate;
  if (envValue === 'true' || envValue === 'false') return envValue === 'true';
  throw new StartupError(`PATCHBAY_MIGRATE must be true or false, not "${envValue.slice(0, 20)}".`);
}

/**
 * Opens config mode's store with `gateway.store`'s pool and timeouts. With `migrate` false the
 * schema is not changed and a schema behind the code is refused ({@link SchemaBehindError}). The
 * embedded store's directory is checked first, and any file-system error opening it becomes one
 * {@link StartupError} line; a directory held by another gateway keeps its own message (it names
 * the holder). PostgreSQL errors pass through as they are.
 */
export async function openConfiguredStore(location: StoreLocation, logger: Logger, settings: GatewayConfig['store'], migrate: boolean): Promise<ConfiguredStore> {
  const options = {
    logger,
    statementTimeoutMs: settings.statementTimeoutMs,
    postgres: {
      max: settings.poolSize,
      connectionTimeoutMs: settings.connectionTimeoutMs,
      lockTimeoutMs: settings.lockTimeoutMs,
      idleInTransactionTimeoutMs: settings.idleInTransactionTimeoutMs,
      applicationName: settings.applicationName,
      startupParameters: settings.startupParameters,
    },
  };
  let sql: SqlClient;
  if (location.databaseUrl) sql = await openStoreSql({ ...options, databaseUrl: location.databaseUrl });
  else {
    await checkDataDir(location.dataDir);
    try {
      sql = await openStoreSql({ ...options, dataDir: location.dataDir });
    } catch (error) {
      if (error instanceof DataDirLockedError || errnoCode(error) === null) throw error;
      throw dataDirError(resolve(location.dataDir), error);
    }
  }
  try {
    return { store: await createStore(sql, { migrate }), sql };
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw refusedStartupParameter(error) ?? error;
  }
}

/** Things opened during start-up, closed in reverse order when a later step fails. */
export class OpenedResources {
  private readonly closers: Array<() => Promise<void>> = [];

  add(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /** Closes everything opened so far, newest first; a closer that fails or hangs past `timeoutMs` does not stop the others. */
  async closeAll(timeoutMs = 5_000): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((done) => {
        timer = setTimeout(done, timeoutMs);
        timer.unref();
      });
      await Promise.race([close().catch(() => undefined), late]);
      clearTimeout(timer);
    }
  }
}

/** The text a failed start prints on standard error: the message alone for the failures we explain, a prefix for the rest. */
/**
 * A pooler in front of PostgreSQL (PgBouncer by default) refuses startup parameters it does not
 * know, so no connection opens: say which setting and the two ways out, instead of the driver's text.
 */
function refusedStartupParameter(error: unknown): StartupError | null {
  const found = error instanceof Error ? /unsupported startup parameter: (\w+)/.exec(error.message) : null;
  if (!found) return null;
  return new StartupError(
    `Patchbay cannot connect to its store: the server at PATCHBAY_DATABASE_URL (a pooler such as PgBouncer) refuses the startup parameter ${found[1]}. Set gateway.store.startupParameters: false and give the role its timeouts (ALTER ROLE … SET statement_timeout = '30s', lock_timeout = '2s', idle_in_transaction_session_timeout = '60s'), or list statement_timeout, lock_timeout and idle_in_transaction_session_timeout in PgBouncer's ignore_startup_parameters.`,
  );
}

export function startupFailureText(error: unknown): string {
  if (error instanceof ConfigError || error instanceof StartupError || error instanceof DataDirLockedError || error instanceof SchemaBehindError) return `${error.message}\n`;
  return `Patchbay failed to start: ${error instanceof Error ? error.message : String(error)}\n`;
}
