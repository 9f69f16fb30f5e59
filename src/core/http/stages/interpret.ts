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
import { EGRESS_DENIED } from '../egress.js';
import type { RecentSecrets } from '../recent-secrets.js';
import { cleanRequestId, cleanVendorError, redactSecrets } from '../sanitize.js';
import { settleBrokenItems, type ItemFailure } from '../tolerant.js';
import type { ParsedVendorError, ResponseHeaders, VendorErrorParser, VendorRequest, VendorResponse } from '../types.js';
import type { ContractBreakKind } from '../../telemetry/metrics.js';
import { unansweredFacts, unreachable, type Answer, type Call, type Callee, type Outcome, type TransportFailure } from './stage.js';

/** What interpreting an account's answers needs. */
export interface InterpretOptions extends Callee {
  readonly parseError: VendorErrorParser;
  /** Response headers that carry the vendor's request id, first match wins. */
  readonly requestIdHeaders: readonly string[];
  /** The account's own credentials, scrubbed from anything the vendor says like the request's secrets. */
  readonly secrets: readonly string[];
  /** Secrets recently sent to the account (shared by its transports), scrubbed as well. */
  readonly recentSecrets: RecentSecrets;
}

/**
 * Everything an answer to this call must not repeat: the request's own secrets, the credentials
 * its attempts carried, the account's credentials and what was recently sent to the account.
 */
function secretsOf(options: InterpretOptions, call: Call): string[] {
  return [...(call.request.sensitive ?? []), ...call.tally.credentials, ...options.secrets, ...options.recentSecrets.values()];
}

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
      const secrets = secretsOf(options, call);
      return ok ? success(options, call, request, outcome, secrets) : fail(refusal(options, call, outcome, secrets));
    }
    case 'failure':
      return fail(transportError(options, call, outcome));
    case 'oversized':
      call.tally.observation?.contractBroken('oversized');
      return fail(new VendorContractError(`${options.vendorName} answered with a body larger than ${outcome.limitBytes} bytes.`, unansweredFacts(options)));
    default:
      return unreachable(outcome);
  }
}

/**
 * A success status. A DELETE needs no body, but one that comes must be JSON: every vendor here
 * answers a delete with nothing or with JSON, and an HTML page in its place (a proxy, a
 * maintenance page) says nothing about whether the delete happened; the caller confirms it by
 * reading the resource back (`confirmDelete` in src/app/settle.ts) instead of reporting success.
 */
function success<T>(options: InterpretOptions, call: Call, request: VendorRequest<T>, answer: Answer, secrets: readonly string[]): VendorResponse<T> {
  const { status, headers, text } = answer;
  const json = parseJson(text);
  if (!request.schema) {
    if (request.method !== 'DELETE' || text.trim() === '' || json !== undefined) return { status, headers, body: undefined as T };
    logContract(options, call, 'not_json', status, ['body is not JSON']);
    return fail(new VendorContractError(`${options.vendorName} answered the delete with ${status} and a body that is not JSON, so it is not confirmed.`, facts(options, answer, secrets)));
  }
  if (json === undefined) {
    logContract(options, call, 'not_json', status, ['body is not JSON']);
    return fail(new VendorContractError(`${options.vendorName} answered ${status} with a body that is not JSON.`, facts(options, answer, secrets)));
  }
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    logContract(
      options,
      call,
      'body',
      status,
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`),
    );
    return fail(new VendorContractError(`${options.vendorName} answered ${status} with a body that does not match its contract.`, facts(options, answer, secrets)));
  }
  settleItems(options, call, answer, secrets, parsed.data);
  return { status, headers, body: parsed.data };
}

/**
 * Turns the broken items of the answer's tolerant lists into typed item failures (the good items
 * stand), and logs each by field path and issue code, never by value.
 */
function settleItems(options: InterpretOptions, call: Call, answer: Answer, secrets: readonly string[], body: unknown): void {
  const callFacts = facts(options, answer, secrets);
  const broken = settleBrokenItems(body, (item): ItemFailure => {
    const vendorId = cleanRequestId(item.rawId, secrets);
    const article = /^[aeiou]/i.test(item.what) ? 'an' : 'a';
    const named = vendorId === null ? `${article} ${item.what} whose id it could not read` : `${item.what} "${vendorId}"`;
    const shown = item.issues.slice(0, 3).join('; ') + (item.issues.length > 3 ? `; and ${item.issues.length - 3} more` : '');
    return {
      vendorId,
      index: item.index,
      error: new VendorContractError(
        `${options.vendorName} sent ${named} (item ${item.index + 1} of its answer) that does not match its contract (${shown}); Patchbay left it out and kept the rest.`,
        callFacts,
      ),
    };
  });
  for (const item of broken) {
    logContract(
      options,
      call,
      'item',
      answer.status,
      item.issues.map((issue) => `[${item.index}].${issue}`),
    );
  }
}

/** An error status: the status decides the type, the vendor's body lends cleaned facts. */
function refusal(options: InterpretOptions, call: Call, answer: Answer, secrets: readonly string[]): PatchbayError {
  const name = options.vendorName;
  const { status } = answer;
  // Secrets leave the body before the vendor's parser sees it, and every string it picks out is cleaned.
  const details = cleanVendorError(options.parseError(status, parseJson(redactSecrets(answer.text, secrets))), secrets);
  const errorFacts = facts(options, answer, secrets, details);
  const summary = details.summary ? `: ${details.summary}` : '.';
  if (status === 400 || status === 422) return new VendorValidationError(`${name} refused the input${summary}`, errorFacts, details.fieldErrors ?? []);
  if (status === 401 || status === 403 || status === 407) return new VendorAuthError(`${name} refused the credentials of account "${options.account}" (${status}).`, errorFacts);
  if (status === 404) return new NotFoundError(`${name} has no such resource${summary}`, null, details.vendorCode ?? null);
  if (status === 409) return new ConflictError(`${name} reports a conflict${summary}`, errorFacts);
  if (status === 429) return new VendorRateLimitedError(`${name} is rate-limiting account "${options.account}".`, errorFacts);
  if (status >= 500) return new VendorUnavailableError(`${name} failed with ${status}.`, errorFacts);
  logContract(options, call, 'status', status, ['unexpected status']);
  return new VendorContractError(`${name} answered with an unexpected status ${status}.`, errorFacts);
}

/** A write that may have reached the vendor and got no answer is OutcomeUnknownError: only a read-back can tell. */
function transportError(callee: Callee, call: Call, failure: TransportFailure): PatchbayError {
  const name = callee.vendorName;
  if (failure.code === EGRESS_DENIED) {
    return new VendorUnavailableError(`Patchbay refused to connect to ${name}: its host resolves to an address in a denied range (gateway.egress.denyRanges).`, unansweredFacts(callee));
  }
  const notSent = failure.progress === 'not-sent';
  if (!notSent && !call.idempotent) {
    call.tally.observation?.outcomeUnknown();
    return new OutcomeUnknownError(
      `${name} may or may not have applied this ${call.request.method}: the connection ${failure.timedOut ? 'timed out' : 'failed'} after the request was sent.`,
      unansweredFacts(callee),
      `Read the resource back from ${name} before trying again.`,
    );
  }
  const why = failure.timedOut ? 'did not answer before the deadline' : notSent ? 'could not be reached' : 'dropped the connection';
  return new VendorUnavailableError(`${name} ${why}.`, unansweredFacts(callee));
}

function facts(options: InterpretOptions, answer: Answer, secrets: readonly string[], details?: ParsedVendorError): VendorCallFacts {
  return {
    vendor: options.vendor,
    account: options.account,
    httpStatus: answer.status,
    vendorCode: details?.vendorCode ?? null,
    vendorRequestId: requestId(options.requestIdHeaders, answer.headers, secrets) ?? cleanRequestId(details?.vendorRequestId, secrets),
    retryAfterSeconds: details?.retryAfterSeconds ?? retryAfterSeconds(answer.headers, options.clock.now()),
  };
}

/** The first configured header that holds a plain request id carrying no secret (a vendor may put anything there, even the key it was sent). */
function requestId(names: readonly string[], headers: ResponseHeaders, secrets: readonly string[]): string | null {
  for (const name of names) {
    const value = headers[name];
    const clean = cleanRequestId(Array.isArray(value) ? value[0] : value, secrets);
    if (clean !== null) return clean;
  }
  return null;
}

/** Logs a contract break by path and issue code (never by value) and counts it in the request's telemetry. */
function logContract(callee: Callee, call: Call, kind: ContractBreakKind, status: number, issues: readonly string[]): void {
  call.tally.observation?.contractBroken(kind);
  callee.logger.warn('vendor answer breaks its contract', {
    vendor: callee.vendor,
    account: callee.account,
    method: call.request.method,
    route: call.request.route,
    status,
    kind,
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
