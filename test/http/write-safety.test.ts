import { describe, expect, it } from 'vitest';
import type { HttpMethod } from '../../src/core/http/vendor-http.js';
import { mayResend } from '../../src/core/http/stages/retry.js';
import type { Call, Outcome } from '../../src/core/http/stages/stage.js';

/*
 * The write-safety rule on its own, as a table: which outcome of which method may be answered by
 * sending the request again. vendor-http.test.ts proves the same rule against a real server.
 */

function call(method: HttpMethod): Call {
  return {
    scope: {},
    request: { method, route: '/x' },
    idempotent: method === 'GET' || method === 'PUT' || method === 'DELETE',
    target: { method, pathAndQuery: '/x' },
    headers: {},
    body: null,
    signal: null,
    timeoutMs: null,
    tally: { attempts: 1, lastStatus: null, challengeAnswered: false, credentials: [], mayHaveLanded: false },
  };
}

const answer = (status: number): Outcome => ({ kind: 'answer', status, headers: {}, text: '' });
const failure = (progress: 'not-sent' | 'sent' | 'answering', timedOut = false): Outcome => ({ kind: 'failure', progress, timedOut, code: null });

const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'DELETE', 'POST', 'PATCH'];

describe('mayResend', () => {
  it.each(METHODS)('%s: a request that never left this process may always go again', (method) => {
    expect(mayResend(failure('not-sent'), call(method))).toBe(true);
    expect(mayResend(failure('not-sent', true), call(method))).toBe(true);
  });

  it.each(METHODS)('%s: nothing goes again once an answer started, or after an oversized body', (method) => {
    expect(mayResend(failure('answering'), call(method))).toBe(false);
    expect(mayResend({ kind: 'oversized', limitBytes: 1 }, call(method))).toBe(false);
  });

  it.each(['GET', 'PUT', 'DELETE'] as const)('%s goes again after 429/502/503/504 and a connection lost before any answer, not after a timeout', (method) => {
    for (const status of [429, 502, 503, 504]) expect(mayResend(answer(status), call(method))).toBe(true);
    for (const status of [200, 400, 401, 404, 409, 500]) expect(mayResend(answer(status), call(method))).toBe(false);
    expect(mayResend(failure('sent'), call(method))).toBe(true);
    expect(mayResend(failure('sent', true), call(method))).toBe(false);
  });

  it.each(['POST', 'PATCH'] as const)('%s never goes again once it may have reached the vendor', (method) => {
    for (const status of [429, 502, 503, 504, 500]) expect(mayResend(answer(status), call(method))).toBe(false);
    expect(mayResend(failure('sent'), call(method))).toBe(false);
    expect(mayResend(failure('sent', true), call(method))).toBe(false);
  });
});
