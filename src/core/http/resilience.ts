import type { Clock } from './clock.js';
import { retryAfterSeconds } from './rate-limit-headers.js';

export type { Clock } from './clock.js';

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

/** What the vendor's last answer said of the account's rate-limit window. */
export interface RateLimitBudget {
  /** Requests left in the window (`X-RateLimit-Remaining` / `RateLimit-Remaining`). */
  readonly remaining: number;
  /** The window's size (`X-RateLimit-Limit` / `RateLimit-Limit`), when the vendor sends it. */
  readonly limit: number | null;
}

function headerCount(headers: Headers, names: readonly string[]): number | null {
  for (const name of names) {
    const value = firstHeader(headers, name)?.trim();
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return null;
}

/**
 * How far apart calls held by a learned rate-limit window are let go once it reopens: a queue of
 * held calls drains at 100 a second rather than all in the millisecond the window reopens (which
 * a vendor that just said "too many" answers with another round of 429s).
 */
export const HOLD_RELEASE_GAP_MS = 10;

/**
 * How long an answer says the account must wait, in milliseconds: a 429's `Retry-After` or reset,
 * or a `X-RateLimit-Remaining: 0` / `RateLimit-Remaining: 0` with its reset. Null when the answer
 * asks for no wait. A 429 without any hint still holds the account a second rather than not at all.
 */
export function holdOf(status: number, headers: Headers, now: number): number | null {
  const waitSeconds = retryAfterSeconds(headers, now);
  const remaining = firstHeader(headers, 'x-ratelimit-remaining') ?? firstHeader(headers, 'ratelimit-remaining');
  const exhausted = status === 429 || (remaining !== undefined && remaining.trim() === '0');
  if (!exhausted) return null;
  const seconds = waitSeconds ?? (status === 429 ? 1 : 0);
  return seconds > 0 ? seconds * 1000 : null;
}

/** What the quota stage asks of an account transport's quota, wherever its state lives (see limits.ts). */
export interface QuotaState {
  /** Milliseconds a call starting now must wait (0 when it may go at once), and reserves its slot. */
  reserve(): number | Promise<number>;
  /** Gives back a reservation that was not used (the caller gave up instead of waiting). */
  release(): void;
  /** Learns from a response. */
  observe(status: number, headers: Headers): void;
  /** The budget the vendor's last answer announced; null until one carried rate-limit headers. */
  budget(): RateLimitBudget | null;
  /** Seconds until the learned window reopens, or 0. */
  secondsUntilOpen(): number;
}

/**
 * One account's quota, learned from what the vendor says: a 429's `Retry-After` or reset, or a
 * `X-RateLimit-Remaining: 0` / `RateLimit-Remaining: 0` with its reset. While the vendor's window
 * is exhausted, calls wait here instead of hammering it, and are let go {@link HOLD_RELEASE_GAP_MS}
 * apart when it reopens. An optional static limit (`maxRequestsPerMinute` in config) spaces calls
 * out before the vendor has to say anything. This is the in-process state; `redis-limits.ts`
 * shares the same rules across replicas.
 */
export class QuotaGate implements QuotaState {
  private blockedUntil = 0;
  private readonly intervalMs: number | null;
  private nextSlot = 0;
  /** When the next call held by a learned window may go. */
  private releaseAt = 0;
  private lastBudget: RateLimitBudget | null = null;

  constructor(
    private readonly clock: Clock,
    maxRequestsPerMinute?: number,
  ) {
    this.intervalMs = maxRequestsPerMinute ? 60_000 / maxRequestsPerMinute : null;
  }

  reserve(): number {
    const now = this.clock.now();
    let start = Math.max(now, this.blockedUntil);
    if (this.intervalMs !== null) start = Math.max(start, this.nextSlot);
    // A call that comes while the account is held joins the queue of held calls; one that comes
    // after the window reopened is not held, and goes at once (a stream of calls must not stay
    // paced by a window that is over).
    if (this.blockedUntil > now) {
      start = Math.max(start, this.releaseAt);
      this.releaseAt = start + HOLD_RELEASE_GAP_MS;
    }
    if (this.intervalMs !== null) this.nextSlot = start + this.intervalMs;
    return start - now;
  }

  release(): void {
    const now = this.clock.now();
    if (this.intervalMs !== null) this.nextSlot = Math.max(now, this.nextSlot - this.intervalMs);
    if (this.releaseAt > now) this.releaseAt = Math.max(now, this.releaseAt - HOLD_RELEASE_GAP_MS);
  }

  observe(status: number, headers: Headers): void {
    const remainingCount = headerCount(headers, ['x-ratelimit-remaining', 'ratelimit-remaining']);
    if (remainingCount !== null) this.lastBudget = { remaining: remainingCount, limit: headerCount(headers, ['x-ratelimit-limit', 'ratelimit-limit']) };
    const hold = holdOf(status, headers, this.clock.now());
    if (hold !== null) this.holdFor(hold);
  }

  /** Holds the account for `ms` from now (a hold another replica learned, or this one); a longer hold already known stays. */
  holdFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + ms);
  }

  budget(): RateLimitBudget | null {
    return this.lastBudget;
  }

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
interface ConsecutiveBreakerOptions {
  readonly consecutiveFailures: number;
  readonly halfOpenAfterMs: number;
}

export type BreakerOptions = SamplingBreakerOptions | ConsecutiveBreakerOptions;

/** More than half of at least five attempts in the last 10 s were vendor faults. */
export const DEFAULT_BREAKER: SamplingBreakerOptions = { failureRatio: 0.5, windowMs: 10_000, minimumAttempts: 5, halfOpenAfterMs: 15_000 };

/** What `accounts { health }` shows of a breaker. */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** How the breaker let an attempt through: as an ordinary attempt, or as the one probe of a half-open circuit. */
export type BreakerPass = 'ordinary' | 'probe';

/**
 * What an attempt tells the breaker: `fault` for the vendor failing (5xx, connection failures,
 * timeouts), `success` for any answer that is not one (4xx and 429 are answers), `neutral` when
 * the attempt says nothing about the vendor (the client went away, a bug, a refusal before sending).
 */
export type BreakerVerdict = 'success' | 'fault' | 'neutral';

/** Counts faults and answers; says when the circuit should open. */
interface FaultCounter {
  success(now: number): void;
  /** Counts a fault; true when the faults so far call for opening the circuit. */
  fault(now: number): boolean;
  forget(): void;
}

class ConsecutiveFaults implements FaultCounter {
  private inARow = 0;

  constructor(private readonly limit: number) {}

  success(): void {
    this.inARow = 0;
  }

  fault(): boolean {
    this.inARow += 1;
    return this.inARow >= this.limit;
  }

  forget(): void {
    this.inARow = 0;
  }
}

interface Slice {
  /** Which tenth of the window, counted from the epoch. */
  readonly index: number;
  attempts: number;
  faults: number;
}

/** The window is counted in this many slices, so that memory stays bounded at any volume. */
const SLICES = 10;

/** The failure rate over a sliding window, counted in tenths of it (the current tenth and the nine before). */
class FaultRate implements FaultCounter {
  private readonly sliceMs: number;
  private slices: (Slice | undefined)[] = [];

  constructor(private readonly options: SamplingBreakerOptions) {
    this.sliceMs = options.windowMs / SLICES;
  }

  success(now: number): void {
    this.slice(now).attempts += 1;
  }

  fault(now: number): boolean {
    const slice = this.slice(now);
    slice.attempts += 1;
    slice.faults += 1;
    const current = Math.floor(now / this.sliceMs);
    let attempts = 0;
    let faults = 0;
    for (const counted of this.slices) {
      if (counted === undefined || counted.index <= current - SLICES || counted.index > current) continue;
      attempts += counted.attempts;
      faults += counted.faults;
    }
    return attempts >= this.options.minimumAttempts && faults > this.options.failureRatio * attempts;
  }

  forget(): void {
    this.slices = [];
  }

  private slice(now: number): Slice {
    const index = Math.floor(now / this.sliceMs);
    const position = ((index % SLICES) + SLICES) % SLICES;
    const found = this.slices[position];
    if (found?.index === index) return found;
    const fresh: Slice = { index, attempts: 0, faults: 0 };
    this.slices[position] = fresh;
    return fresh;
  }
}

function faultCounter(options: BreakerOptions): FaultCounter {
  if ('consecutiveFailures' in options) {
    if (!Number.isInteger(options.consecutiveFailures) || options.consecutiveFailures < 1) {
      throw new RangeError(`consecutiveFailures must be a positive integer, got ${options.consecutiveFailures}`);
    }
    return new ConsecutiveFaults(options.consecutiveFailures);
  }
  if (!Number.isInteger(options.minimumAttempts) || options.minimumAttempts < 1) {
    throw new RangeError(`minimumAttempts must be a positive integer, got ${options.minimumAttempts}`);
  }
  if (!(options.failureRatio > 0 && options.failureRatio < 1)) {
    throw new RangeError(`failureRatio must be strictly between 0 and 1, got ${options.failureRatio}`);
  }
  if (!(options.windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${options.windowMs}`);
  return new FaultRate(options);
}

/** What the breaker stage asks of an account transport's circuit, wherever its state lives (see limits.ts). */
export interface CircuitState {
  readonly state: BreakerState;
  /** Lets an attempt through, or answers null while the circuit is open (or its probe is out). */
  admit(): BreakerPass | null | Promise<BreakerPass | null>;
  /** Learns how an attempt it let through ended. */
  settle(pass: BreakerPass, verdict: BreakerVerdict): void;
  /** Seconds until a probe may go while open; 1 while a probe is out (its answer decides). */
  retryAfterSeconds(): number;
}

/** A circuit as the fleet sees it (kept in Redis, see redis-limits.ts), for one replica's breaker to follow. */
export type SharedCircuit =
  | { readonly name: 'CLOSED' }
  | { readonly name: 'OPEN'; readonly remainingMs: number }
  /** `probeHere`: this replica holds the probe lease; otherwise another replica's probe is out. */
  | { readonly name: 'HALF_OPEN'; readonly probeHere: boolean };

/**
 * `HALF_OPEN` with `othersUntil`: another replica's probe is out; should the shared state become
 * unreachable, this replica probes itself from then on rather than wait for an answer it may never see.
 */
type Phase = { readonly name: 'CLOSED' } | { readonly name: 'OPEN'; readonly since: number } | { readonly name: 'HALF_OPEN'; readonly othersUntil?: number };

/**
 * One account's circuit breaker, on the injected clock: opens when the fault counter says so,
 * answers at once while open, and after `halfOpenAfterMs` lets a single probe through. While the
 * probe is out everyone else is answered at once too, not queued behind it (a queue would be
 * released as a burst at a vendor that just recovered). The probe's success closes the circuit;
 * its fault opens it again for another `halfOpenAfterMs`.
 */
export class AccountBreaker implements CircuitState {
  private phase: Phase = { name: 'CLOSED' };
  private readonly counter: FaultCounter;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {
    this.counter = faultCounter(options);
  }

  get state(): BreakerState {
    return this.phase.name;
  }

  /** Lets an attempt through, or answers null while the circuit is open (or its probe is out). */
  admit(): BreakerPass | null {
    switch (this.phase.name) {
      case 'CLOSED':
        return 'ordinary';
      case 'HALF_OPEN':
        if (this.phase.othersUntil === undefined || this.clock.now() < this.phase.othersUntil) return null;
        this.phase = { name: 'HALF_OPEN' };
        return 'probe';
      case 'OPEN':
        if (this.clock.now() - this.phase.since < this.options.halfOpenAfterMs) return null;
        this.phase = { name: 'HALF_OPEN' };
        return 'probe';
      default:
        return unreachable(this.phase);
    }
  }

  /** Learns how an attempt it let through ended. */
  settle(pass: BreakerPass, verdict: BreakerVerdict): void {
    const now = this.clock.now();
    if (pass === 'probe') {
      if (verdict === 'success') {
        this.counter.forget();
        this.counter.success(now);
        this.phase = { name: 'CLOSED' };
      } else if (verdict === 'fault') {
        this.counter.fault(now);
        this.phase = { name: 'OPEN', since: now };
      } else {
        // A probe that learned nothing about the vendor hands its turn to the next caller.
        this.phase = { name: 'OPEN', since: now - this.options.halfOpenAfterMs };
      }
      return;
    }
    if (verdict === 'success') this.counter.success(now);
    // Attempts that were already out when the circuit opened are counted, but only the probe decides.
    else if (verdict === 'fault' && this.counter.fault(now) && this.phase.name === 'CLOSED') this.phase = { name: 'OPEN', since: now };
  }

  /**
   * Takes the fleet's view of the circuit as its own, so that this replica's state, health and
   * metrics agree with the others, and so that it carries on from there if the shared state
   * becomes unreachable. A circuit the fleet closed starts a fresh count here too.
   */
  follow(shared: SharedCircuit): void {
    switch (shared.name) {
      case 'CLOSED':
        if (this.phase.name !== 'CLOSED') this.counter.forget();
        this.phase = { name: 'CLOSED' };
        return;
      case 'OPEN':
        this.phase = { name: 'OPEN', since: this.clock.now() - Math.max(0, this.options.halfOpenAfterMs - shared.remainingMs) };
        return;
      case 'HALF_OPEN':
        this.phase = shared.probeHere ? { name: 'HALF_OPEN' } : { name: 'HALF_OPEN', othersUntil: this.clock.now() + this.options.halfOpenAfterMs };
        return;
      default:
        unreachable(shared);
    }
  }

  retryAfterSeconds(): number {
    switch (this.phase.name) {
      case 'CLOSED':
        return 0;
      case 'HALF_OPEN':
        return 1;
      case 'OPEN':
        return Math.max(0, Math.ceil((this.phase.since + this.options.halfOpenAfterMs - this.clock.now()) / 1000));
      default:
        return unreachable(this.phase);
    }
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected breaker phase ${JSON.stringify(value)}`);
}
