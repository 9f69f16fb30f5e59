import type { AccountHealth, HealthStatus } from '../app/health.js';
import { createRequestContext } from '../app/context.js';
import type { Principal } from '../core/auth/authenticator.js';
import { authConfigProblem } from '../core/auth/config.js';
import { ConfigError } from '../core/config/load.js';
import type { AccountConfig } from '../core/config/schema.js';
import { PatchbayError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { openStore } from '../core/store/store.js';
import { VENDORS } from '../vendors/index.js';
import type { VendorModule } from '../vendors/module.js';
import { loadConfigFile } from './config.js';
import { withEnvironmentDefaults } from './operation-limits.js';
import { createRuntime } from './runtime.js';

/**
 * `patchbay check-config <file>`: what a gateway started on this file would find, before it is
 * deployed. The file is read and validated exactly as `serve` does (so a bad file gets the same
 * messages, which never quote a value), then every account is probed through the gateway's own
 * runtime and health check (`accounts { health }`): the same clients, HTTP pipeline, egress rules
 * and sanitiser. Nothing is written anywhere: the store behind the check is an empty in-memory one,
 * so a running gateway's data directory or database is not touched.
 */

/** What the check found for one account. Every field is safe to print: no secret reaches it. */
export interface AccountCheck {
  readonly account: string;
  readonly vendor: string;
  readonly status: HealthStatus;
  /** Why it is not healthy (the typed error's name and message), or the probe's round trip. */
  readonly detail: string;
  /** Only HEALTHY passes: a check before deployment wants every account answering now. */
  readonly ok: boolean;
}

/** The checker, as the health check and the vendors' logs see it: it may read every account. */
const CHECKER: Principal = { id: 'patchbay-check-config', scopes: ['connections:read'], accounts: null };

/** One line of a message, however the vendor's text was broken. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function describeError(error: Error): string {
  // A PatchbayError's message is written for clients and already sanitised; anything else is a bug whose text we do not know.
  return error instanceof PatchbayError ? `${error.name}: ${oneLine(error.message)}` : `unexpected ${error.name}`;
}

function describeHealth(health: AccountHealth): string {
  if (health.error !== null) return describeError(health.error);
  if (health.rateLimitedForSeconds > 0) return `rate-limited by the vendor for ${health.rateLimitedForSeconds} s`;
  if (health.circuit !== 'CLOSED') return `circuit breaker ${health.circuit}`;
  return `answered in ${health.latencyMs ?? 0} ms`;
}

function toCheck(account: AccountConfig, result: AccountHealth | Error | undefined): AccountCheck {
  if (result === undefined || result instanceof Error) {
    return { account: account.id, vendor: account.vendor, status: 'FAILING', detail: result ? describeError(result) : 'not probed', ok: false };
  }
  return { account: account.id, vendor: account.vendor, status: result.status, detail: describeHealth(result), ok: result.status === 'HEALTHY' };
}

/**
 * Validates the config file at `path` and probes every account it names. Throws ConfigError when
 * the file is invalid (including an `auth` section `serve` would refuse); otherwise answers one
 * check per account, in the file's order.
 */
export async function checkConfig(path: string, env: Readonly<Record<string, string | undefined>>, vendors: readonly VendorModule[] = VENDORS): Promise<AccountCheck[]> {
  const config = await loadConfigFile(path, env, vendors);
  const problem = authConfigProblem(config.auth);
  if (problem !== null) throw new ConfigError([{ path: 'auth', message: problem }], path);
  const gateway = withEnvironmentDefaults(config.gateway, env['NODE_ENV']);
  const store = await openStore({ dataDir: null });
  try {
    const runtime = createRuntime({ accounts: config.accounts, gateway, store, logger: silentLogger, vendors });
    try {
      const context = createRequestContext(runtime.deps, undefined, CHECKER);
      const results = await context.accountHealth.loadMany(config.accounts.map((account) => account.id));
      return config.accounts.map((account, index) => toCheck(account, results[index]));
    } finally {
      await runtime.close();
    }
  } finally {
    await store.close();
  }
}

/** The checks as a table: ACCOUNT, VENDOR, STATUS, DETAIL, one account per line. */
export function formatChecks(checks: readonly AccountCheck[]): string {
  const rows = [['ACCOUNT', 'VENDOR', 'STATUS', 'DETAIL'], ...checks.map((check) => [check.account, check.vendor, check.status, check.detail])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const lines = rows.map((row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  '));
  return `${lines.join('\n')}\n`;
}
