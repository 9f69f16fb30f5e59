import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../base.js';
import { PROBLEM_JSON_MEDIA_TYPE, VISIBLE_TOKEN_CHARACTERS, type ErrorType } from './contract.js';
import type { StoredConfiguration } from './state.js';

/*
 * Cortex's wire shapes for answers (CONTRACT.md, "Endpoints" and "Errors").
 */

export function ok(body: unknown): SimResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

/** Cortex's `ErrorResponse`, with a fresh `requestId` as Cortex includes for support. */
export function errorResponse(status: number, type: ErrorType, message: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: { type, message, httpStatus: status, requestId: randomUUID() },
  };
}

export function notConfigured(): SimResponse {
  return errorResponse(404, 'NOT_FOUND', 'PagerDuty configuration not found.');
}

/** `TooManyRequestsProblemDetail` with its `Retry-After` header. */
export function tooManyRequests(limit: number, retryAfter: number, path: string): SimResponse {
  // `about:blank` is RFC 9457's type for "nothing more than the status"; the spec only says uri-reference.
  return {
    status: 429,
    headers: { 'content-type': PROBLEM_JSON_MEDIA_TYPE, 'retry-after': String(retryAfter) },
    body: {
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: `Rate limit of ${limit} requests per minute exceeded.`,
      instance: path,
      retryAfter,
    },
  };
}

/**
 * `PagerdutyConfiguration`: the token shows only as its last four characters. `contractBreak`
 * (tests only) is laid over it: a member set to `undefined` is left out of the JSON, any other
 * value replaces the member as it is.
 */
export function renderConfiguration(configuration: StoredConfiguration, contractBreak: Readonly<Record<string, unknown>> | null = null): Record<string, unknown> {
  const rendered = { isTokenReadonly: configuration.isTokenReadonly, lastFour: configuration.token.slice(-VISIBLE_TOKEN_CHARACTERS) };
  return contractBreak === null ? rendered : { ...rendered, ...contractBreak };
}
