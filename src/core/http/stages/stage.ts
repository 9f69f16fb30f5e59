import type { VendorCallFacts } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import type { VendorCallObservation } from '../../telemetry/vendor-call.js';
import type { AuthRequest, CallScope, ResponseHeaders, VendorRequest } from '../types.js';

/** Who is being called, as every stage needs it for messages, facts and the log. */
export interface Callee {
  /** The vendor's id, carried into records, facts and the log; never looked up. */
  readonly vendor: string;
  /** The human name used in messages, e.g. "MongoDB Cloud Manager". */
  readonly vendorName: string;
  readonly account: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What the stages learn while one request runs: the only mutable part of a call. */
export interface CallTally {
  /** Attempts the breaker let through, auth resends included. */
  attempts: number;
  /** Status of the latest answer; null until one came. */
  lastStatus: number | null;
  /** Whether the auth strategy has had its one chance to answer a 401/407 for this request. */
  challengeAnswered: boolean;
  /**
   * Credential values the auth strategy put on the wire for this request (header values, and
   * the token of a `<scheme> <token>` header): secrets the vendor's answer must not echo.
   */
  credentials: string[];
  /**
   * Whether an earlier attempt may have reached the vendor and done its work: it was sent and
   * its answer was lost, or a 5xx came back (a proxy may answer so after the vendor acted).
   * A DELETE resent after such an attempt that finds nothing has not failed: it is already gone.
   */
  mayHaveLanded: boolean;
  /** Where the stages report retries, waits, refusals and contract breaks (metrics, span); absent or null outside a request. */
  observation?: VendorCallObservation | null;
}

/**
 * One request on its way through the stages. The request part is built once and shared by every
 * attempt; `signal`, `timeoutMs` and `headers` are what the deadline and auth stages add to the
 * attempt they pass on.
 */
export interface Call {
  readonly scope: CallScope;
  readonly request: VendorRequest<unknown>;
  /** GET, PUT and DELETE: sending one twice does no more than sending it once. */
  readonly idempotent: boolean;
  /** What the auth strategy sees; the same object for every attempt, so a strategy may key on it. */
  readonly target: AuthRequest;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  readonly signal: AbortSignal | null;
  /** Time allowed for this attempt's headers and body; null for no limit. */
  readonly timeoutMs: number | null;
  readonly tally: CallTally;
}

/** The vendor answered, and its whole body (within the cap) was read. */
export interface Answer {
  readonly kind: 'answer';
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly text: string;
}

/**
 * An attempt failed on the wire. `progress` is the fact write-safety rests on: `not-sent` means
 * nothing left this process (connection refused, no credentials); `sent` that the request may
 * have reached the vendor and no answer came; `answering` that the answer started and was cut off.
 */
export interface TransportFailure {
  readonly kind: 'failure';
  readonly progress: 'not-sent' | 'sent' | 'answering';
  /** Set by the deadline stage when its own timer ended the attempt. */
  readonly timedOut: boolean;
  /** The Node or undici error code, for the log. */
  readonly code: string | null;
}

/** The answer's body was larger than the cap; it was not read whole. */
interface OversizedBody {
  readonly kind: 'oversized';
  readonly limitBytes: number;
}

/**
 * How one attempt ended. Everything that happened on the wire comes back as an outcome, so that
 * retry, breaker, quota and interpret each judge it; a stage throws only a final, typed refusal
 * made before anything was sent (circuit open, deadline passed, quota wait too long) or a bug.
 */
export type Outcome = Answer | TransportFailure | OversizedBody;

/** Sends one attempt of a call. */
export type Attempt = (call: Call) => Promise<Outcome>;

/** One concern wrapped around the attempts beneath it. */
export type Stage = (next: Attempt) => Attempt;

/** The Node or undici error code of a failure, looking through `cause`. */
export function errorCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null) {
    if ('code' in error && typeof error.code === 'string') return error.code;
    if ('cause' in error && error.cause !== undefined) return errorCode(error.cause);
  }
  return null;
}

export function transportFailure(progress: TransportFailure['progress'], error: unknown): TransportFailure {
  return { kind: 'failure', progress, timedOut: false, code: errorCode(error) };
}

/** Facts of a call the vendor did not answer, for the errors raised before or instead of an answer. */
export function unansweredFacts(callee: Callee): VendorCallFacts {
  return { vendor: callee.vendor, account: callee.account, httpStatus: null, vendorCode: null, vendorRequestId: null, retryAfterSeconds: null };
}

/** The end of an exhaustive switch: a new outcome kind fails to compile until every stage handles it. */
export function unreachable(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
