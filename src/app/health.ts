import DataLoader from 'dataloader';
import type { AccountEntry, AccountRegistry } from './accounts.js';
import { CircuitOpenError, NotFoundError, PatchbayError, VendorRateLimitedError } from '../core/errors.js';
import type { CallScope } from '../core/http/vendor-http.js';
import type { BreakerState } from '../core/http/resilience.js';
import { loadOnce, type Loaders } from './loaders/index.js';

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'FAILING';

/** What a live check of one account found. */
export interface AccountHealth {
  readonly status: HealthStatus;
  readonly checkedAt: Date;
  /** Round trip of the probe, when one was sent. */
  readonly latencyMs: number | null;
  readonly circuit: BreakerState;
  /** Seconds until the vendor's rate-limit window reopens (0 when open). */
  readonly rateLimitedForSeconds: number;
  /** Why the account is not healthy, when it is not. */
  readonly error: PatchbayError | null;
}

/**
 * One cheap authenticated read per vendor: it proves the credentials work and carry at least
 * read permission on the resource Patchbay manages.
 */
async function probe(entry: AccountEntry, scope: CallScope, loaders: Loaders): Promise<void> {
  switch (entry.vendor) {
    case 'datadog':
      await entry.client.listAppKeyRegistrations(scope, { size: 1, number: 0 });
      return;
    case 'chronosphere':
      await entry.client.listPage(scope, { pageSize: 1 });
      return;
    case 'mongodb': {
      const [groupId] = entry.client.groupIds;
      if (groupId) await loadOnce(loaders.mongoDbGroup, { account: entry.ref.key, groupId });
      return;
    }
    case 'cortex':
      // No configuration yet (NotFoundError) is a healthy account.
      await loadOnce(loaders.cortexPagerDutyConfiguration, entry.ref.key);
      return;
    case 'opsramp':
      await entry.client.searchInstalled(scope, { pageSize: 1 });
      return;
    default: {
      const unreachable: never = entry;
      throw new Error(`unknown vendor ${String(unreachable)}`);
    }
  }
}

function circuitOf(entry: AccountEntry): BreakerState {
  const states = entry.transports.map((t) => t.breakerState);
  return states.includes('OPEN') ? 'OPEN' : states.includes('HALF_OPEN') ? 'HALF_OPEN' : 'CLOSED';
}

async function check(entry: AccountEntry, scope: CallScope, loaders: Loaders): Promise<AccountHealth> {
  const started = performance.now();
  let error: PatchbayError | null = null;
  try {
    await probe(entry, scope, loaders);
  } catch (caught) {
    if (!(caught instanceof PatchbayError)) throw caught;
    error = caught instanceof NotFoundError ? null : caught;
  }
  const latencyMs = error instanceof CircuitOpenError ? null : Math.round(performance.now() - started);
  const circuit = circuitOf(entry);
  const rateLimitedForSeconds = Math.max(0, ...entry.transports.map((t) => t.rateLimitedForSeconds));
  const status: HealthStatus =
    error && !(error instanceof VendorRateLimitedError) ? 'FAILING' : error || circuit !== 'CLOSED' || rateLimitedForSeconds > 0 ? 'DEGRADED' : 'HEALTHY';
  return { status, checkedAt: new Date(), latencyMs, circuit, rateLimitedForSeconds, error };
}

/** Per-request loader: each account is probed at most once per request, all accounts at once. */
export function createHealthLoader(accounts: AccountRegistry, scope: CallScope, loaders: () => Loaders): DataLoader<string, AccountHealth, string> {
  return new DataLoader<string, AccountHealth, string>((keys) =>
    Promise.all(
      keys.map(async (key) => {
        const entry = accounts.get(key);
        return entry ? check(entry, scope, loaders()) : new NotFoundError(`No account "${key}" is configured.`);
      }),
    ),
  );
}
