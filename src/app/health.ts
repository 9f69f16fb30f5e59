import DataLoader from 'dataloader';
import type { AccountEntry } from './accounts.js';
import type { GatewayContext } from './context.js';
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
}

function circuitOf(entry: AccountEntry): BreakerState {
  const states = entry.transports.map((t) => t.breakerState);
  return states.includes('OPEN') ? 'OPEN' : states.includes('HALF_OPEN') ? 'HALF_OPEN' : 'CLOSED';
}

async function check(entry: AccountEntry, context: GatewayContext): Promise<AccountHealth> {
  const started = performance.now();
  let error: PatchbayError | null = null;
  try {
    // Each vendor's probe reads through the request's loaders, sharing what the request already read.
    await entry.vendor.probe(context, entry);
  } catch (caught) {
    if (!(caught instanceof PatchbayError)) throw caught;
    error = caught instanceof NotFoundError ? null : caught;
  }
  const latencyMs = error instanceof CircuitOpenError ? null : Math.round(performance.now() - started);
  const circuit = circuitOf(entry);
  const rateLimitedForSeconds = Math.max(0, ...entry.transports.map((t) => t.rateLimitedForSeconds));
  const status: HealthStatus = error && !(error instanceof VendorRateLimitedError) ? 'FAILING' : error || circuit !== 'CLOSED' || rateLimitedForSeconds > 0 ? 'DEGRADED' : 'HEALTHY';
  return { status, checkedAt: new Date(), latencyMs, circuit, rateLimitedForSeconds, error };
}

/** Per-request loader: each account is probed at most once per request, all accounts at once. */
export function createHealthLoader(context: () => GatewayContext): DataLoader<string, AccountHealth, string> {
  return new DataLoader<string, AccountHealth, string>((keys) =>
    Promise.all(
      keys.map(async (key) => {
        const entry = context().accounts.get(key);
        return entry ? check(entry, context()) : new NotFoundError(`No account "${key}" is configured.`);
      }),
    ),
  );
}
