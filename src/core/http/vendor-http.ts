import { BrokenCircuitError, IsolatedCircuitError } from 'cockatiel';
import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import {
  CircuitOpenError,
  ConflictError,
  NotFoundError,
  OutcomeUnknownError,
  VendorAuthError,
  VendorContractError,
  VendorRateLimitedError,
  VendorUnavailableError,
  VendorValidationError,
  type FieldError,
  type PatchbayError,
  type VendorCallFacts,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { VendorId } from '../vendor.js';
import { VENDOR_NAMES } from '../vendor.js';
import { retryAfterSeconds } from './rate-limit-headers.js';
import {
  AccountBreaker,
  CountedFault,
  DEFAULT_BREAKER,
  DEFAULT_RETRY,
  QuotaGate,
  RETRYABLE_STATUSES,
  backoffDelay,
  realClock,
  type BreakerOptions,
  type BreakerState,
  type Clock,
  type RetryOptions,
} from './resilience.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One vendor call as reported in `extensions.vendorCalls`: never a header, body or secret. */
export interface VendorCallRecord {
  readonly vendor: VendorId;
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
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
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

/** What a vendor's error body says, already sanitised by the vendor's own parser. */
export interface ParsedVendorError {
  readonly vendorCode?: string | null;
  readonly fieldErrors?: readonly FieldError[];
  /** A short, safe summary; never the raw body. */
  readonly summary?: string | null;
  readonly retryAfterSeconds?: number | null;
  /** The vendor's request id when it puts one in the body rather than a header. */
  readonly vendorRequestId?: string | null;
}

/** Turns a vendor's error body into safe facts; given `undefined` when the body was not JSON. */
export type VendorErrorParser = (status: number, body: unknown) => ParsedVendorError;

export interface VendorHttpOptions {
  readonly vendor: VendorId;
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
  /** A static limit towards this account, before the vendor says anything. */
  readonly maxRequestsPerMinute?: number;
  readonly retry?: RetryOptions;
  readonly breaker?: BreakerOptions;
  /** Injected time, for tests. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

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
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: T;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/** Transport failures that prove the request never left this process. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

class BodyTooLarge extends Error {}

/** A failed attempt, and whether sending the request again is safe. */
class TransportFailure extends Error {
  constructor(
    readonly error: PatchbayError,
    readonly retrySafe: boolean,
  ) {
    super(error.message);
  }
}

/**
 * One vendor account's HTTP access: builds requests, applies auth, enforces the call deadline and
 * the body cap, parses every body with zod, and turns every failure into the typed catalogue.
 */
export class VendorHttp {
  readonly vendor: VendorId;
  readonly account: string;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly callTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly retry: RetryOptions;
  private readonly quota: QuotaGate;
  private readonly breaker: AccountBreaker;

  constructor(private readonly options: VendorHttpOptions) {
    this.vendor = options.vendor;
    this.account = options.account;
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.quota = new QuotaGate(this.clock, options.maxRequestsPerMinute);
    this.breaker = new AccountBreaker(options.breaker ?? DEFAULT_BREAKER, this.clock);
  }

  /**
   * Sends one request and returns its parsed body, or throws a typed `PatchbayError`.
   * Reads and idempotent writes are retried on 429/502/503/504 and on connection failures
   * before any response byte, within the deadline; POST/PATCH only when nothing was sent.
   * Every attempt passes the account's quota gate and circuit breaker.
   */
  async request<T = undefined>(scope: CallScope, request: VendorRequest<T>): Promise<VendorResponse<T>> {
    const started = performance.now();
    let attempts = 0;
    let status: number | null = null;
    try {
      let allowAuthRetry = true;
      for (let round = 1; ; round++) {
        await this.waitForQuota(scope);
        let outcome: AttemptOutcome;
        try {
          attempts += 1;
          outcome = await this.guarded(scope, request);
        } catch (error) {
          if (error instanceof TransportFailure) {
            if (error.retrySafe && round < this.retry.maxAttempts && (await this.pauseBeforeRetry(scope, round))) continue;
            throw error.error;
          }
          if (error instanceof CircuitOpenError) attempts -= 1;
          throw error;
        }
        status = outcome.status;
        this.quota.observe(outcome.status, outcome.headers);
        if ((outcome.status === 401 || outcome.status === 407) && allowAuthRetry && this.options.auth.onRefused) {
          allowAuthRetry = false;
          if (await this.options.auth.onRefused({ status: outcome.status, headers: outcome.headers }, outcome.authRequest)) {
            round -= 1;
            continue;
          }
        }
        if (RETRYABLE_STATUSES.has(outcome.status) && IDEMPOTENT.has(request.method) && round < this.retry.maxAttempts) {
          // After a 429 the quota gate already holds the account until the vendor's reset.
          if (outcome.status === 429 || (await this.pauseBeforeRetry(scope, round))) continue;
        }
        return this.interpret(request, outcome);
      }
    } finally {
      scope.record?.({
        vendor: this.vendor,
        account: this.account,
        method: request.method,
        route: request.route,
        status,
        attempts,
        durationMs: Math.round(performance.now() - started),
        cached: false,
      });
    }
  }

  /** The breaker state, for health checks. */
  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** Seconds until the vendor's learned rate-limit window reopens (0 when open). */
  get rateLimitedForSeconds(): number {
    return this.quota.secondsUntilOpen();
  }

  private remainingMs(scope: CallScope): number {
    return scope.deadline === undefined ? Number.POSITIVE_INFINITY : scope.deadline - this.clock.now();
  }

  private async waitForQuota(scope: CallScope): Promise<void> {
    const wait = this.quota.reserve();
    if (wait <= 0) return;
    if (wait >= this.remainingMs(scope)) {
      this.quota.release();
      throw new VendorRateLimitedError(
        `${VENDOR_NAMES[this.vendor]} asked account "${this.account}" to wait ${Math.ceil(wait / 1000)} s, longer than this request may take.`,
        { ...this.facts(null), retryAfterSeconds: Math.ceil(wait / 1000) },
      );
    }
    await this.clock.sleep(wait);
  }

  /** Sleeps the backoff before attempt `round + 1`; false when the deadline leaves no room. */
  private async pauseBeforeRetry(scope: CallScope, round: number): Promise<boolean> {
    const delay = backoffDelay(round, this.retry, this.random);
    if (delay >= this.remainingMs(scope)) return false;
    await this.clock.sleep(delay);
    return true;
  }

  /** One attempt through the account's circuit breaker; vendor faults count against it. */
  private async guarded(scope: CallScope, request: VendorRequest<unknown>): Promise<AttemptOutcome> {
    // While the single probe is out, everyone else is answered at once: cockatiel would hold them
    // until the probe settles and then send them all, a burst at a vendor that just recovered.
    if (this.breaker.state === 'HALF_OPEN') throw this.circuitOpen();
    try {
      return await this.breaker.policy.execute(async () => {
        let outcome: AttemptOutcome;
        try {
          outcome = await this.attempt(scope, request);
        } catch (error) {
          // A body over the cap is the vendor's contract problem, not an outage.
          // A client that went away is not a vendor fault.
          if (error instanceof TransportFailure && !(error.error instanceof VendorContractError) && !scope.signal?.aborted) throw new CountedFault(error);
          throw error;
        }
        if (outcome.status >= 500) throw new CountedFault(outcome);
        return outcome;
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) throw this.circuitOpen();
      if (error instanceof CountedFault) {
        const original = error.original;
        if (original instanceof TransportFailure) throw original;
        return original as AttemptOutcome;
      }
      throw error;
    }
  }

  private circuitOpen(): CircuitOpenError {
    return new CircuitOpenError(
      `${VENDOR_NAMES[this.vendor]} account "${this.account}" failed repeatedly; calls are paused until a probe succeeds.`,
      { ...this.facts(null), retryAfterSeconds: this.breaker.retryAfterSeconds() },
    );
  }

  private facts(status: number | null, headers?: AttemptOutcome['headers'], parsed?: ParsedVendorError): VendorCallFacts {
    return {
      vendor: this.vendor,
      account: this.account,
      httpStatus: status,
      vendorCode: parsed?.vendorCode ?? null,
      vendorRequestId: (headers ? this.requestId(headers) : null) ?? safeRequestId(parsed?.vendorRequestId),
      retryAfterSeconds: parsed?.retryAfterSeconds ?? (headers ? retryAfterSeconds(headers) : null),
    };
  }

  private requestId(headers: AttemptOutcome['headers']): string | null {
    for (const name of this.options.requestIdHeaders ?? ['x-request-id']) {
      const value = headers[name];
      const first = Array.isArray(value) ? value[0] : value;
      if (first && /^[\w.:-]{1,128}$/.test(first)) return first;
    }
    return null;
  }

  private buildPath(request: VendorRequest<unknown>): string {
    const path = request.route.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = request.params?.[name];
      if (value === undefined) throw new Error(`route ${request.route} is missing parameter ${name}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
      else search.append(key, String(value));
    }
    const query = search.toString();
    return `${this.basePath}${path}${query ? `?${query}` : ''}`;
  }

  private async attempt(scope: CallScope, request: VendorRequest<unknown>): Promise<AttemptOutcome> {
    const pathAndQuery = this.buildPath(request);
    const authRequest: AuthRequest = { method: request.method, pathAndQuery };
    const idempotent = IDEMPOTENT.has(request.method);
    const remaining = Math.min(this.callTimeoutMs, this.remainingMs(scope));
    if (remaining <= 0) {
      throw new VendorUnavailableError(
        `The request deadline passed before ${VENDOR_NAMES[this.vendor]} could be called.`,
        this.facts(null),
      );
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), remaining);
    // A client that goes away cancels reads; a write already on its way is left to finish.
    const signal = idempotent && scope.signal ? AbortSignal.any([controller.signal, scope.signal]) : controller.signal;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    let sent = false;
    let answered = false;
    try {
      Object.assign(headers, await this.options.auth.headers(authRequest, scope));
      sent = true;
      const response = await this.options.dispatcher.request({
        origin: this.origin,
        path: pathAndQuery,
        method: request.method,
        headers,
        body: body ?? null,
        signal,
        headersTimeout: remaining,
        bodyTimeout: remaining,
      });
      answered = true;
      const text = await this.readBody(response.body);
      return { status: response.statusCode, headers: response.headers, text, authRequest };
    } catch (error) {
      const code = errorCode(error);
      const notSent = !sent || (code !== null && NOT_SENT_CODES.has(code));
      const timedOut = controller.signal.aborted;
      const typed = this.transportError(error, request, notSent, timedOut);
      // Safe to send again: nothing left this process, or a read/idempotent write that got no byte back in time.
      const retrySafe = !(error instanceof BodyTooLarge) && (notSent || (IDEMPOTENT.has(request.method) && !answered && !timedOut));
      throw new TransportFailure(typed, retrySafe);
    } finally {
      clearTimeout(timer);
    }
  }

  private async readBody(body: Dispatcher.ResponseData['body']): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > this.maxBodyBytes) {
        body.destroy();
        throw new BodyTooLarge();
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private transportError(error: unknown, request: VendorRequest<unknown>, notSent: boolean, timedOut: boolean): PatchbayError {
    const name = VENDOR_NAMES[this.vendor];
    if (error instanceof BodyTooLarge) {
      return new VendorContractError(`${name} answered with a body larger than ${this.maxBodyBytes} bytes.`, this.facts(null));
    }
    const code = errorCode(error);
    this.options.logger.warn('vendor call failed in transport', {
      vendor: this.vendor,
      account: this.account,
      method: request.method,
      route: request.route,
      code: code ?? (timedOut ? 'DEADLINE' : 'UNKNOWN'),
    });
    if (!notSent && !IDEMPOTENT.has(request.method)) {
      return new OutcomeUnknownError(
        `${name} may or may not have applied this ${request.method}: the connection ${timedOut ? 'timed out' : 'failed'} after the request was sent.`,
        this.facts(null),
        `Read the resource back from ${name} before trying again.`,
      );
    }
    const why = timedOut ? 'did not answer before the deadline' : notSent ? 'could not be reached' : 'dropped the connection';
    return new VendorUnavailableError(`${name} ${why}.`, this.facts(null));
  }

  private interpret<T>(request: VendorRequest<T>, outcome: AttemptOutcome): VendorResponse<T> {
    const { status, headers, text } = outcome;
    const ok = request.okStatuses ? request.okStatuses.includes(status) : status >= 200 && status < 300;
    const name = VENDOR_NAMES[this.vendor];
    if (ok) {
      if (!request.schema) return { status, headers, body: undefined as T };
      const json = parseJson(text);
      if (json === undefined) {
        this.logContract(request, status, ['body is not JSON']);
        throw new VendorContractError(`${name} answered ${status} with a body that is not JSON.`, this.facts(status, headers));
      }
      const parsed = request.schema.safeParse(json);
      if (!parsed.success) {
        this.logContract(
          request,
          status,
          parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`),
        );
        throw new VendorContractError(`${name} answered ${status} with a body that does not match its contract.`, this.facts(status, headers));
      }
      return { status, headers, body: parsed.data };
    }
    // Secrets are taken out of the body before the vendor's parser shortens or reshapes it, and
    // once more from what the parser made of it.
    const sensitive = [...(request.sensitive ?? []), ...(this.options.secrets ?? [])];
    const json = parseJson(scrubText(text, sensitive));
    const details = scrub(this.options.parseError(status, json), sensitive);
    const facts = this.facts(status, headers, details);
    const summary = details.summary ? `: ${details.summary}` : '.';
    if (status === 400 || status === 422) {
      return throwIt(new VendorValidationError(`${name} refused the input${summary}`, facts, details.fieldErrors ?? []));
    }
    if (status === 401 || status === 403 || status === 407) {
      return throwIt(new VendorAuthError(`${name} refused the credentials of account "${this.account}" (${status}).`, facts));
    }
    if (status === 404) return throwIt(new NotFoundError(`${name} has no such resource${summary}`));
    if (status === 409) return throwIt(new ConflictError(`${name} reports a conflict${summary}`, facts));
    if (status === 429) {
      return throwIt(new VendorRateLimitedError(`${name} is rate-limiting account "${this.account}".`, facts));
    }
    if (status >= 500) return throwIt(new VendorUnavailableError(`${name} failed with ${status}.`, facts));
    this.logContract(request, status, ['unexpected status']);
    return throwIt(new VendorContractError(`${name} answered with an unexpected status ${status}.`, facts));
  }

  private logContract(request: VendorRequest<unknown>, status: number, issues: readonly string[]): void {
    this.options.logger.warn('vendor answer breaks its contract', {
      vendor: this.vendor,
      account: this.account,
      method: request.method,
      route: request.route,
      status,
      issues,
    });
  }
}

interface AttemptOutcome {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  readonly authRequest: AuthRequest;
}

function safeRequestId(value: string | null | undefined): string | null {
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : null;
}

function scrubText(text: string, sensitive: readonly string[]): string {
  let out = text;
  for (const secret of sensitive) {
    if (secret.length < 4) continue;
    out = out.split(secret).join('[redacted]');
    // The same secret as it appears inside a JSON string.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join('[redacted]');
  }
  return out;
}

/** Replaces any secret the request carried wherever the vendor's error echoes it. */
function scrub(details: ParsedVendorError, sensitive: readonly string[]): ParsedVendorError {
  const secrets = sensitive.filter((value) => value.length >= 4);
  if (secrets.length === 0) return details;
  const clean = (text: string): string => secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
  return {
    ...details,
    summary: details.summary ? clean(details.summary) : details.summary ?? null,
    vendorCode: details.vendorCode ? clean(details.vendorCode) : details.vendorCode ?? null,
    fieldErrors: (details.fieldErrors ?? []).map((fe) => ({ path: fe.path.map(clean), message: clean(fe.message) })),
  };
}

function throwIt(error: PatchbayError): never {
  throw error;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined) return errorCode(cause);
  }
  return null;
}
