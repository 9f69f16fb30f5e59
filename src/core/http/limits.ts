import type { Clock } from './clock.js';
import { AccountBreaker, QuotaGate, type BreakerOptions, type CircuitState, type QuotaState } from './resilience.js';

/** Which account transport a limit belongs to, and the limits its config sets. */
export interface TransportLimitOptions {
  readonly vendor: string;
  readonly account: string;
  /** The transport's base URL: an account with two transports (OpsRamp's token endpoint and API) keeps two states. */
  readonly baseUrl: string;
  /** The static limit towards this transport (`maxRequestsPerMinute`), for the whole fleet when shared. */
  readonly maxRequestsPerMinute?: number;
  readonly breaker: BreakerOptions;
  readonly clock: Clock;
}

/** One account transport's quota and circuit, as the pipeline's quota and breaker stages use them. */
export interface TransportLimits {
  readonly quota: QuotaState;
  readonly breaker: CircuitState;
}

/** Where the limit state is kept, as `/readyz` and `/metrics` report it. */
export type LimitStoreStatus =
  | { readonly backend: 'process' }
  | {
      readonly backend: 'redis';
      /** `connected`: shared by the fleet; `degraded`: Redis did not answer in time, this replica decides alone. */
      readonly state: 'connected' | 'degraded';
      /** When the current degradation started (ISO time), null when connected. */
      readonly degradedSince: string | null;
      /** Why, as an error code (`ECONNREFUSED`, `timeout`, …): never an address or a credential. */
      readonly reason: string | null;
      /** Decisions this replica took alone because Redis was unreachable or late, since start. */
      readonly localDecisions: number;
    };

/**
 * The state behind per-account limits: the learned hold-until of a vendor's rate-limit window,
 * the static-rate slot reservation and the circuit breaker. In this process by default
 * ({@link PROCESS_LIMITS}); shared by every replica through Redis when `PATCHBAY_REDIS_URL` is set
 * (`redis-limits.ts`).
 */
export interface LimitStore {
  /** The state of one account transport; called once per transport when the accounts are built. */
  transport(options: TransportLimitOptions): TransportLimits;
  status(): LimitStoreStatus;
  /** Closes what the store holds open (a Redis connection). */
  close(): Promise<void>;
}

/** Limits kept in this process: each replica counts, holds and breaks on its own. */
export const PROCESS_LIMITS: LimitStore = {
  transport: (options) => ({ quota: new QuotaGate(options.clock, options.maxRequestsPerMinute), breaker: new AccountBreaker(options.breaker, options.clock) }),
  status: () => ({ backend: 'process' }),
  close: async () => {},
};
