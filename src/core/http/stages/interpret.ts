import {
  ConflictError,
  NotFoundError,
  OutcomeUnknownError,
  VendorAuthError,
  VendorContractError,
  VendorRateLimitedError,
  VendorUnavailableError,
  VendorValidationError,
  type PatchbayError,
  type VendorCallFacts,
} from '../../errors.js';
import { retryAfterSeconds } from '../rate-limit-headers.js';
import { cleanVendorError, redactSecrets } from '../sanitize.js';
import type { ParsedVendorError, ResponseHeaders, VendorErrorParser, VendorRequest, VendorResponse } from '../types.js';
import { unansweredFacts, unreachable, type Answer, type Call, type Callee, type Outcome, type TransportFailure } from './stage.js';

/** What interpreting an account's answers needs. */
export interface InterpretOptions extends Callee {
  readonly parseError: VendorErrorParser;
  /** Response headers that carry the vendor's request id, first match wins. */
  readonly requestIdHeaders: readonly string[];
  /** The account's own credentials, scrubbed from anything the vendor says like the request's secrets. */
  readonly secrets: readonly string[];
}

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Turns a request's final outcome into its typed result: a success body parsed with the request's
 * schema (zod strips unknown keys), or one error of the catalogue. Messages name the vendor and
 * carry only text that went through the one sanitiser; contract breaches are detailed in the log,
 * by path and issue code, never by value.
 */
export function interpret<T>(options: InterpretOptions, call: Call, request: VendorRequest<T>, outcome: Outcome): VendorResponse<T> {
  switch (outcome.kind) {
    case 'answer': {
      const ok = request.okStatuses ? request.okStatuses.includes(outcome.status) : outcome.status >= 200 && outcome.status < 300;
      return ok ? success(options, request, outcome) : fail(refusal(options, call, outcome));
    }
    case 'failure':
      return fail(transportError(options, call, outcome));
    case 'oversized':
      return fail(new VendorContractError(`${options.vendorName} answered with a body larger than ${outcome.limitBytes} bytes.`, unansweredFacts(options)));
    default:
      return unreachable(outcome);
  }
}

function success<T>(options: InterpretOptions, request: VendorRequest<T>, answer: Answer): VendorResponse<T> {
  const { status, headers, text } = answer;
  if (!request.schema) return { status, headers, body: undefined as T };
  const json = parseJson(text);
  if (json === undefined) {
    logContract(options, request, status, ['body is not JSON']);
    return fail(new VendorContractError(`${options.vendorName} answered ${status} with a body that is not JSON.`, facts(options, answer)));
  }
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    logContract(
      options,
      request,
      status,
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`),
    );
    return fail(new VendorContractError(`${options.vendorName} answered ${status} with a body that does not match its contract.`, facts(options, answer)));
  }
  return { status, headers, body: parsed.data };
}

/** An error status: the status decides the type, the vendor's body lends cleaned facts. */
function refusal(options: InterpretOptions, call: Call, answer: Answer): PatchbayError {
  const name = options.vendorName;
  const { status } = answer;
  const secrets = [...(call.request.sensitive ?? []), ...options.secrets];
  // Secrets leave the body before the vendor's parser sees it, and every string it picks out is cleaned.
  const details = cleanVendorError(options.parseError(status, parseJson(redactSecrets(answer.text, secrets))), secrets);
  const errorFacts = facts(options, answer, details);
  const summary = details.summary ? `: ${details.summary}` : '.';
  if (status === 400 || status === 422) return new VendorValidationError(`${name} refused the input${summary}`, errorFacts, details.fieldErrors ?? []);
  if (status === 401 || status === 403 || status === 407) return new VendorAuthError(`${name} refused the credentials of account "${options.account}" (${status}).`, errorFacts);
  if (status === 404) return new NotFoundError(`${name} has no such resource${summary}`);
  if (status === 409) return new ConflictError(`${name} reports a conflict${summary}`, errorFacts);
  if (status === 429) return new VendorRateLimitedError(`${name} is rate-limiting account "${options.account}".`, errorFacts);
  if (status >= 500) return new VendorUnavailableError(`${name} failed with ${status}.`, errorFacts);
  logContract(options, call.request, status, ['unexpected status']);
  return new VendorContractError(`${name} answered with an unexpected status ${status}.`, errorFacts);
}

/** A write that may have reached the vendor and got no answer is OutcomeUnknownError: only a read-back can tell. */
function transportError(callee: Callee, call: Call, failure: TransportFailure): PatchbayError {
  const name = callee.vendorName;
  const notSent = failure.progress === 'not-sent';
  if (!notSent && !call.idempotent) {
    return new OutcomeUnknownError(
      `${name} may or may not have applied this ${call.request.method}: the connection ${failure.timedOut ? 'timed out' : 'failed'} after the request was sent.`,
      unansweredFacts(callee),
      `Read the resource back from ${name} before trying again.`,
    );
  }
  const why = failure.timedOut ? 'did not answer before the deadline' : notSent ? 'could not be reached' : 'dropped the connection';
  return new VendorUnavailableError(`${name} ${why}.`, unansweredFacts(callee));
}

function facts(options: InterpretOptions, answer: Answer, details?: ParsedVendorError): VendorCallFacts {
  return {
    vendor: options.vendor,
    account: options.account,
    httpStatus: answer.status,
    vendorCode: details?.vendorCode ?? null,
    vendorRequestId: requestId(options.requestIdHeaders, answer.headers) ?? safeRequestId(details?.vendorRequestId),
    retryAfterSeconds: details?.retryAfterSeconds ?? retryAfterSeconds(answer.headers, options.clock.now()),
  };
}

function requestId(names: readonly string[], headers: ResponseHeaders): string | null {
  for (const name of names) {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first && SAFE_REQUEST_ID.test(first)) return first;
  }
  return null;
}

function safeRequestId(value: string | null | undefined): string | null {
  return value && SAFE_REQUEST_ID.test(value) ? value : null;
}

function logContract(callee: Callee, request: VendorRequest<unknown>, status: number, issues: readonly string[]): void {
  callee.logger.warn('vendor answer breaks its contract', {
    vendor: callee.vendor,
    account: callee.account,
    method: request.method,
    route: request.route,
    status,
    issues,
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function fail(error: PatchbayError): never {
  throw error;
}
