import DataLoader from 'dataloader';
import type { AccountEntry } from './accounts.js';
import type { GatewayContext } from './context.js';
import { countUnconfirmedWrites } from './unconfirmed-writes.js';
import { CircuitOpenError, NotFoundError, PatchbayError, VendorRateLimitedError } from '../core/errors.js';
import type { BreakerState } from '../core/http/resilience.js';

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
  /** Writes to the account Patchbay could not confirm (see unconfirmed-writes.ts); null when the store could not say. */
  readonly unconfirmedWrites: number | null;
}

function circuitOf(entry: AccountEntry): BreakerState {
  const states = entry.transports.map((t) => t.breakerState);
  return states.includes('OPEN') ? 'OPEN' : states.includes('HALF_OPEN') ? 'HALF_OPEN' : 'CLOSED';
}

async function check(entry: AccountEntry, context: GatewayContext, unconfirmed: ReadonlyMap<string, number> | null): Promise<AccountHealth> {
  const started = performance.now();
  let error: PatchbayError | null = null;
  try {
    // Each vendor's probe reads through the request's loaders, sharing what the request already read.
    await entry.vendor.probe(context, entry);
  } catch (caught) {
    if (!(caught instanceof PatchbayError)) throw caught;
    // A probe reads something that must exist (a vendor for whom "nothing there" is healthy, such
    // as a workspace without a configuration, says so in its own probe): "not found" here means
    // the account points at the wrong place, a configuration problem.
    error =
      caught instanceof NotFoundError
        ? new NotFoundError(
            `${entry.vendor.name} answered "not found" to the health probe of account "${entry.ref.key}": check its baseUrl (and the ids or paths it names). ${caught.message}`,
            null,
            caught.vendorCode,
          )
        : caught;
  }
  const latencyMs = error instanceof CircuitOpenError ? null : Math.round(performance.now() - started);
  const circuit = circuitOf(entry);
  const rateLimitedForSeconds = Math.max(0, ...entry.transports.map((t) => t.rateLimitedForSeconds));
  const status: HealthStatus = error && !(error instanceof VendorRateLimitedError) ? 'FAILING' : error || circuit !== 'CLOSED' || rateLimitedForSeconds > 0 ? 'DEGRADED' : 'HEALTHY';
  return { status, checkedAt: new Date(), latencyMs, circuit, rateLimitedForSeconds, error, unconfirmedWrites: unconfirmed === null ? null : (unconfirmed.get(entry.ref.key) ?? 0) };
}

/**
 * Per-request loader: each account is probed at most once per request, all accounts at once, and
 * the store is asked once for the unconfirmed writes of them all (a store that fails or is late
 * leaves the count null; the vendor probes still answer).
 */
export function createHealthLoader(context: () => GatewayContext): DataLoader<string, AccountHealth, string> {
  return new DataLoader<string, AccountHealth, string>(async (keys) => {
    const unconfirmed = countUnconfirmedWrites(context()).catch((error: unknown) => {
      context().logger.warn('unconfirmed writes not counted', { reason: error instanceof Error ? error.name : 'unknown' });
      return null;
    });
    return Promise.all(
      keys.map(async (key) => {
        const entry = context().accounts.get(key);
        return entry ? check(entry, context(), await unconfirmed) : new NotFoundError(`No account "${key}" is configured.`);
      }),
    );
  });
}
