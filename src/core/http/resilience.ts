import { CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, SamplingBreaker, circuitBreaker, handleWhen, type IBreaker } from 'cockatiel';
import { retryAfterSeconds } from './rate-limit-headers.js';

/** Time as the HTTP layer sees it; tests inject one that does not really sleep. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** How reads and idempotent writes are retried. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Statuses worth another try of a safe request (not 500: usually a bug that will repeat). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(n−1))]. */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function firstHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One account's quota, learned from what the vendor says: a 429's `Retry-After` or reset, or a
 * `X-RateLimit-Remaining: 0` / `RateLimit-Remaining: 0` with its reset. While the vendor's window
 * is exhausted, calls wait here instead of hammering it. An optional static limit
 * (`maxRequestsPerMinute` in config) spaces calls out before the vendor has to say anything.
 */
export class QuotaGate {
  private blockedUntil = 0;
  private readonly intervalMs: number | null;
  private nextSlot = 0;

  constructor(
    private readonly clock: Clock,
    maxRequestsPerMinute?: number,
  ) {
    this.intervalMs = maxRequestsPerMinute ? 60_000 / maxRequestsPerMinute : null;
  }

  /** Milliseconds a call starting now must wait (0 when it may go at once), and reserves its slot. */
  reserve(): number {
    const now = this.clock.now();
    let start = Math.max(now, this.blockedUntil);
    if (this.intervalMs !== null) {
      start = Math.max(start, this.nextSlot);
      this.nextSlot = start + this.intervalMs;
    }
    return start - now;
  }

  /** Gives back a reservation that was not used (the caller gave up instead of waiting). */
  release(): void {
    if (this.intervalMs !== null) this.nextSlot = Math.max(this.clock.now(), this.nextSlot - this.intervalMs);
  }

  /** Learns from a response. */
  observe(status: number, headers: Headers): void {
    const waitSeconds = retryAfterSeconds(headers, this.clock.now());
    const remaining = firstHeader(headers, 'x-ratelimit-remaining') ?? firstHeader(headers, 'ratelimit-remaining');
    const exhausted = status === 429 || (remaining !== undefined && remaining.trim() === '0');
    if (!exhausted) return;
    // A 429 without any hint still holds the account briefly rather than not at all.
    const seconds = waitSeconds ?? (status === 429 ? 1 : 0);
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + seconds * 1000);
  }

  /** Seconds until the learned window reopens, or 0. */
  secondsUntilOpen(): number {
    return Math.max(0, Math.ceil((this.blockedUntil - this.clock.now()) / 1000));
  }
}

/**
 * Circuit breaker settings, by default a failure-rate breaker: it opens when more than
 * `failureRatio` of the attempts to the account in the last `windowMs` were vendor faults, once
 * at least `minimumAttempts` were made in that window.
 *
 * A rate is what tells an outage from noise at any volume. A count of faults *in a row* does
 * not: with a vendor that fails a steady 10% of calls, five in a row happen about once per
 * 110 000 attempts, so an account busy enough to make that many (an inventory fans out to one
 * GET per stored Datadog connection) has its circuit opened by chance, and every caller gets
 * `CircuitOpenError` for `halfOpenAfterMs` while the vendor is 90% healthy.
 */
export interface SamplingBreakerOptions {
  /** Share of attempts in the window (strictly between 0 and 1) that must be vendor faults. */
  readonly failureRatio: number;
  /** The sliding window the share is measured over. */
  readonly windowMs: number;
  /** Fewest attempts in the window before the share is judged: a quiet account's stray fault never opens it. */
  readonly minimumAttempts: number;
  /** How long it stays open before a single probe is let through. */
  readonly halfOpenAfterMs: number;
}

/**
 * The older count model: opens after `consecutiveFailures` vendor faults in a row, whatever else
 * happens. Predictable for serial traffic (tests use it, some with a huge count to keep the
 * circuit out of the way); wrong under concurrency, see {@link SamplingBreakerOptions}.
 */
export interface ConsecutiveBreakerOptions {
  readonly consecutiveFailures: number;
  readonly halfOpenAfterMs: number;
}

export type BreakerOptions = SamplingBreakerOptions | ConsecutiveBreakerOptions;

/** More than half of at least five attempts in the last 10 s were vendor faults. */
export const DEFAULT_BREAKER: SamplingBreakerOptions = { failureRatio: 0.5, windowMs: 10_000, minimumAttempts: 5, halfOpenAfterMs: 15_000 };

function breakerModel(options: BreakerOptions): IBreaker {
  if ('consecutiveFailures' in options) return new ConsecutiveBreaker(options.consecutiveFailures);
  if (!Number.isInteger(options.minimumAttempts) || options.minimumAttempts < 1) {
    throw new RangeError(`minimumAttempts must be a positive integer, got ${options.minimumAttempts}`);
  }
  // cockatiel takes a minimum rate and judges once `attempts >= duration × rate`, with its duration
  // rounded to whole sub-windows: half an attempt less keeps that comparison clear of the rounding.
  const minimumRps = ((options.minimumAttempts - 0.5) * 1000) / options.windowMs;
  return new SamplingBreaker({ threshold: options.failureRatio, duration: options.windowMs, minimumRps });
}

/** What `accounts { health }` shows of a breaker. */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Marks a failure the breaker should count (vendor faults, not the caller's bad input). */
export class CountedFault extends Error {
  constructor(readonly original: unknown) {
    super('vendor fault');
  }
}

/**
 * One account's circuit breaker (cockatiel): opens after repeated vendor faults, answers at
 * once while open, and lets a single probe through when half-open; callers that arrive while
 * the probe is out are answered at once too (see `VendorHttp.guarded`), not queued behind it.
 */
export class AccountBreaker {
  readonly policy: CircuitBreakerPolicy;
  private openedAt = 0;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {
    this.policy = circuitBreaker(
      handleWhen((error) => error instanceof CountedFault),
      { halfOpenAfter: options.halfOpenAfterMs, breaker: breakerModel(options) },
    );
    this.policy.onBreak(() => {
      this.openedAt = this.clock.now();
    });
  }

  get state(): BreakerState {
    switch (this.policy.state) {
      case CircuitState.Open:
      case CircuitState.Isolated:
        return 'OPEN';
      case CircuitState.HalfOpen:
        return 'HALF_OPEN';
      default:
        return 'CLOSED';
    }
  }

  /** Seconds until a probe may go while open; 1 while a probe is out (its answer decides). */
  retryAfterSeconds(): number {
    if (this.policy.state === CircuitState.HalfOpen) return 1;
    return Math.max(0, Math.ceil((this.openedAt + this.options.halfOpenAfterMs - this.clock.now()) / 1000));
  }
}
