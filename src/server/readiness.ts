import { createRequestContext, type GatewayDeps } from '../app/context.js';
import type { AccountHealth } from '../app/health.js';
import type { Principal } from '../core/auth/authenticator.js';

/**
 * What `/readyz` says about the vendors. A replica's readiness depends on its config and its
 * store only: a vendor that fails fails for every replica alike, and taking them all out of the
 * load balancer would stop the accounts that still work. So vendor probes never turn `/readyz`
 * into a 503; they are reported in its body, account by account, so a probe answered 404 (a
 * wrong base URL or token path) or 401 (refused credentials) shows as not healthy there.
 *
 * Probing on every readiness poll would spend the vendors' quotas, and a poll must answer at
 * once, so the answer is the last finished round of probes; a round older than `maxAgeMs`
 * starts a new one in the background (the first poll starts the first round).
 */

/** One account that did not answer its probe as healthy. */
interface NotHealthy {
  readonly account: string;
  readonly vendor: string;
  readonly status: string;
  /** The typed error's class, never its message (this endpoint needs no credentials). */
  readonly error: string | null;
}

export interface VendorReadiness {
  /** When the round of probes reported here finished. */
  readonly checkedAt: string;
  readonly healthy: number;
  readonly notHealthy: readonly NotHealthy[];
}

/** Reads every account, as the health check does, without being any caller. */
const READINESS: Principal = { id: 'patchbay-readiness', scopes: ['connections:read'], accounts: null };

/** Returns the last finished round (null before the first one ends) and keeps rounds fresh. */
export function vendorReadiness(deps: GatewayDeps, maxAgeMs = 30_000): () => VendorReadiness | null {
  let last: VendorReadiness | null = null;
  let startedAt = Number.NEGATIVE_INFINITY;
  let running = false;

  const round = async (): Promise<void> => {
    const context = createRequestContext(deps, undefined, READINESS);
    const keys = deps.accounts.entries.map((entry) => entry.ref.key);
    const results = await context.accountHealth.loadMany(keys);
    const notHealthy: NotHealthy[] = [];
    results.forEach((result, index) => {
      const entry = deps.accounts.entries[index];
      if (!entry) return;
      const health = result instanceof Error ? null : (result as AccountHealth);
      if (health?.status === 'HEALTHY') return;
      notHealthy.push({ account: entry.ref.key, vendor: entry.vendor.id, status: health?.status ?? 'FAILING', error: health ? (health.error?.name ?? null) : (result as Error).name });
    });
    last = { checkedAt: new Date(deps.clock.now()).toISOString(), healthy: keys.length - notHealthy.length, notHealthy };
  };

  return () => {
    if (!running && deps.clock.now() - startedAt >= maxAgeMs) {
      running = true;
      startedAt = deps.clock.now();
      round()
        .catch((error: unknown) => deps.logger.warn('readiness vendor probes failed', { reason: error instanceof Error ? error.name : 'unknown' }))
        .finally(() => {
          running = false;
        });
    }
    return last;
  };
}
