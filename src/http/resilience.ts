import { CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
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

/** Circuit breaker settings. */
export interface BreakerOptions {
  /** Consecutive vendor faults that open the circuit. */
  readonly consecutiveFailures: number;
  /** How long it stays open before a single probe is let through. */
  readonly halfOpenAfterMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { consecutiveFailures: 5, halfOpenAfterMs: 15_000 };

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
 * once while open, and lets a single probe through when half-open.
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
      { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.consecutiveFailures) },
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

  /** Seconds until a probe may go, while open. */
  retryAfterSeconds(): number {
    return Math.max(0, Math.ceil((this.openedAt + this.options.halfOpenAfterMs - this.clock.now()) / 1000));
  }
}
