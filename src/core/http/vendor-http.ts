import type { Dispatcher } from 'undici';
import type { Logger } from '../logger.js';
import { realClock, type Clock } from './clock.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { RecentSecrets } from './recent-secrets.js';
import { PROCESS_LIMITS, type LimitStore } from './limits.js';
import { DEFAULT_BREAKER, DEFAULT_RETRY, type BreakerOptions, type BreakerState, type CircuitState, type QuotaState, type RateLimitBudget, type RetryOptions } from './resilience.js';
import type { AuthStrategy, CallScope, DeleteOutcome, VendorErrorParser, VendorRequest, VendorResponse } from './types.js';

export type {
  AuthChallenge,
  AuthRequest,
  AuthStrategy,
  CallScope,
  DeleteOutcome,
  HttpMethod,
  ParsedVendorError,
  VendorCallRecord,
  VendorErrorParser,
  VendorRequest,
  VendorResponse,
} from './types.js';

export interface VendorHttpOptions {
  /** The vendor's id, carried into call records and error facts; this layer never looks it up. */
  readonly vendor: string;
  /** The vendor's human name, used in messages (e.g. "MongoDB Cloud Manager"). */
  readonly vendorName: string;
  readonly account: string;
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly auth: AuthStrategy;
  readonly parseError: VendorErrorParser;
  readonly logger: Logger;
  /** Per-call deadline (connect + headers + whole body). */
  readonly callTimeoutMs?: number;
  /** Largest response body accepted. */
  readonly maxBodyBytes?: number;
  /** Response headers that carry the vendor's request id, first match wins. */
  readonly requestIdHeaders?: readonly string[];
  /** The account's own credentials: scrubbed from anything the vendor says back, like request secrets. */
  readonly secrets?: readonly string[];
  /**
   * The account's memory of secrets recently sent to it, scrubbed from answers as well; shared by
   * all of one account's transports (OpsRamp has two). A transport of its own when absent.
   */
  readonly recentSecrets?: RecentSecrets;
  /** A static limit towards this account, before the vendor says anything. */
  readonly maxRequestsPerMinute?: number;
  readonly retry?: RetryOptions;
  readonly breaker?: BreakerOptions;
  /** Where the quota and breaker state lives: this process (the default) or shared by the fleet (Redis). */
  readonly limits?: LimitStore;
  /** Injected time, for tests; the quota gate, the breaker, backoff and deadlines all read it. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

/**
 * One vendor account's HTTP access. The work is done by the stages composed in `pipeline.ts`;
 * this class owns the account's long-lived state (quota gate and circuit breaker, from its
 * {@link LimitStore}) and shows it to health checks.
 */
export class VendorHttp {
  readonly vendor: string;
  readonly account: string;
  private readonly quota: QuotaState;
  private readonly breaker: CircuitState;
  private readonly pipeline: Pipeline;

  constructor(options: VendorHttpOptions) {
    this.vendor = options.vendor;
    this.account = options.account;
    const clock = options.clock ?? realClock;
    const limits = (options.limits ?? PROCESS_LIMITS).transport({
      vendor: options.vendor,
      account: options.account,
      baseUrl: options.baseUrl,
      breaker: options.breaker ?? DEFAULT_BREAKER,
      clock,
      ...(options.maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute: options.maxRequestsPerMinute }),
    });
    this.quota = limits.quota;
    this.breaker = limits.breaker;
    this.pipeline = createPipeline({
      vendor: options.vendor,
      vendorName: options.vendorName,
      account: options.account,
      clock,
      logger: options.logger,
      baseUrl: options.baseUrl,
      dispatcher: options.dispatcher,
      auth: options.auth,
      parseError: options.parseError,
      requestIdHeaders: options.requestIdHeaders ?? ['x-request-id'],
      secrets: options.secrets ?? [],
      recentSecrets: options.recentSecrets ?? new RecentSecrets(clock),
      callTimeoutMs: options.callTimeoutMs ?? 10_000,
      maxBodyBytes: options.maxBodyBytes ?? 5 * 1024 * 1024,
      retry: options.retry ?? DEFAULT_RETRY,
      random: options.random ?? Math.random,
      quota: this.quota,
      breaker: this.breaker,
    });
  }

  /**
   * Sends one request and returns its parsed body, or throws a typed `PatchbayError`.
   * Reads and idempotent writes are retried on 429/502/503/504 and on connection failures
   * before any response byte, within the deadline; POST/PATCH only when nothing was sent.
   * Every attempt passes the account's quota gate and circuit breaker.
   */
  request<T = undefined>(scope: CallScope, request: VendorRequest<T>): Promise<VendorResponse<T>> {
    return this.pipeline.send(scope, request);
  }

  /**
   * Sends a DELETE like {@link request} (a `schema`, when given, only checks the answer's shape).
   * A 404 to a resend after an attempt whose answer was lost is no failure: the resource is gone,
   * and the outcome says `alreadyGone`. A first-attempt 404 stays `NotFoundError`.
   */
  delete(scope: CallScope, request: Omit<VendorRequest<unknown>, 'method'>): Promise<DeleteOutcome> {
    return this.pipeline.remove(scope, { ...request, method: 'DELETE' });
  }

  /** The breaker state, for health checks. */
  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** Seconds until the vendor's learned rate-limit window reopens (0 when open). */
  get rateLimitedForSeconds(): number {
    return this.quota.secondsUntilOpen();
  }

  /** What the vendor's last answer said of the account's rate-limit budget (null until one said). */
  get rateLimitBudget(): RateLimitBudget | null {
    return this.quota.budget();
  }
}
