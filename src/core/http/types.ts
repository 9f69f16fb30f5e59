import type { ZodType } from 'zod';
import type { FieldError } from '../errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Response headers as undici hands them over. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** One vendor call as reported in `extensions.vendorCalls`: never a header, body or secret. */
export interface VendorCallRecord {
  readonly vendor: string;
  readonly account: string;
  readonly method: HttpMethod;
  /** The route template, e.g. `/api/v2/actions/connections/{connection_id}`: no ids, no query. */
  readonly route: string;
  readonly status: number | null;
  readonly attempts: number;
  readonly durationMs: number;
  readonly cached: boolean;
}

/** What a request carries down to each vendor call: its deadline, its cancellation and its log. */
export interface CallScope {
  /** Epoch milliseconds after which no vendor call may still be running. */
  readonly deadline?: number;
  /** Aborted when the client goes away; only reads follow it (a sent write is never abandoned). */
  readonly signal?: AbortSignal;
  /** Receives one record per vendor call. */
  readonly record?: (call: VendorCallRecord) => void;
}

/** What an auth strategy sees of an outgoing request. */
export interface AuthRequest {
  readonly method: HttpMethod;
  /** Path with query string, as sent. */
  readonly pathAndQuery: string;
}

/** What an auth strategy sees of a refused request. */
export interface AuthChallenge {
  readonly status: number;
  readonly headers: ResponseHeaders;
}

/**
 * How a vendor authenticates. `headers` is asked before every attempt; `onRefused` is told about
 * a 401/407 and answers whether the request should be sent once more (a Digest challenge, an
 * expired OAuth token). The strategy owns its credentials; nothing else reads them.
 */
export interface AuthStrategy {
  headers(request: AuthRequest, scope: CallScope): Promise<Record<string, string>> | Record<string, string>;
  onRefused?(challenge: AuthChallenge, request: AuthRequest): Promise<boolean> | boolean;
}

/**
 * What a vendor's error body says, as the vendor said it. The HTTP layer cleans every string in
 * it in one place (`sanitize.ts`: secrets out, one line, bounded length) before anything shows it.
 */
export interface ParsedVendorError {
  readonly vendorCode?: string | null;
  readonly fieldErrors?: readonly FieldError[];
  /** The part of the body worth showing as a summary; never the whole body. */
  readonly summary?: string | null;
  readonly retryAfterSeconds?: number | null;
  /** The vendor's request id when it puts one in the body rather than a header. */
  readonly vendorRequestId?: string | null;
}

/**
 * Picks the facts out of a vendor's error body; given `undefined` when the body was not JSON.
 * It reads the vendor's shapes only: cleaning the text it returns is the HTTP layer's job.
 */
export type VendorErrorParser = (status: number, body: unknown) => ParsedVendorError;

export interface VendorRequest<T> {
  readonly method: HttpMethod;
  /** Route template with `{name}` placeholders, filled from `params` (URL-encoded). */
  readonly route: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  /** Schema of a successful body; omit when success has no body (204). */
  readonly schema?: ZodType<T>;
  /** Statuses that count as success; default: any 2xx. */
  readonly okStatuses?: readonly number[];
  /** Secret values this request carries: scrubbed from anything the vendor says back. */
  readonly sensitive?: readonly string[];
  /** Extra request headers (never credentials: those come from the auth strategy). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface VendorResponse<T> {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: T;
}

/** How a DELETE ended, when it ended well. */
export interface DeleteOutcome {
  /**
   * True when the vendor answered 404 to a DELETE sent again after an earlier attempt of the
   * same request may have done the work (its answer was lost, or a 5xx came back): the resource
   * is gone, whether that attempt or someone else removed it.
   */
  readonly alreadyGone: boolean;
}
