import type { Dispatcher } from 'undici';
import type { CircuitState, QuotaState, RetryOptions } from './resilience.js';
import { answerChallenge, sign } from './stages/auth.js';
import { breaker } from './stages/breaker.js';
import { deadline } from './stages/deadline.js';
import { dispatch } from './stages/dispatch.js';
import { interpret, type InterpretOptions } from './stages/interpret.js';
import { readBody } from './stages/read-body.js';
import { newTally, noteAttempt, recordCall } from './stages/record.js';
import { quota } from './stages/quota.js';
import { retry } from './stages/retry.js';
import type { Attempt, Call, Outcome, Stage } from './stages/stage.js';
import type { AuthStrategy, CallScope, DeleteOutcome, HttpMethod, VendorRequest, VendorResponse } from './types.js';

/** Everything one account's pipeline is built from. */
export interface PipelineParts extends InterpretOptions {
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly auth: AuthStrategy;
  readonly callTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly retry: RetryOptions;
  readonly random: () => number;
  readonly quota: QuotaState;
  readonly breaker: CircuitState;
}

/** Sends one request through the pipeline and returns its parsed body, or throws a typed error. */
export type Send = <T>(scope: CallScope, request: VendorRequest<T>) => Promise<VendorResponse<T>>;

/** Sends one DELETE: success (or an earlier attempt's success, see {@link DeleteOutcome}), or a typed error. */
export type Remove = (scope: CallScope, request: VendorRequest<unknown> & { readonly method: 'DELETE' }) => Promise<DeleteOutcome>;

/** One account's pipeline: requests in general, and deletes, which may find their work already done. */
export interface Pipeline {
  readonly send: Send;
  readonly remove: Remove;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/** Wraps the stages around the last one, the first outermost. */
function compose(...stages: readonly Stage[]): (last: Attempt) => Attempt {
  return (last) => stages.reduceRight((next, stage) => stage(next), last);
}

/**
 * One account's vendor HTTP, as stages with one job each, outermost first. Each attempt of a call
 * passes the quota gate, then the breaker, gets its own deadline and credentials, is sent, and its
 * body is read; what comes back is an outcome, judged on the way out by each stage in turn.
 *
 * Write safety lives in `retry.ts` (`mayResend`) and `interpret.ts` (`transportError`): POST and
 * PATCH are never sent again once they may have reached the vendor, and a timeout or reset after
 * sending one is `OutcomeUnknownError`; GET, PUT and DELETE go again on 429/502/503/504 and on
 * connection failures, within the deadline. The deadline stage lets a client that goes away
 * cancel reads only.
 */
export function createPipeline(parts: PipelineParts): Pipeline {
  const attempt = compose(
    // Outside the gates, so that every resend waits at the quota gate and passes the breaker again.
    retry(parts, parts.retry, parts.random),
    answerChallenge(parts.auth),
    quota(parts, parts.quota),
    breaker(parts, parts.breaker),
    // Inside the breaker: an attempt it refused is not an attempt.
    noteAttempt(parts),
    deadline(parts, parts.callTimeoutMs),
    // Last before the wire: credentials are asked for each attempt, once it passed the gates.
    sign(parts.auth),
  )(readBody(parts.maxBodyBytes)(dispatch(parts.dispatcher, new URL(parts.baseUrl).origin)));
  const basePath = new URL(parts.baseUrl).pathname.replace(/\/+$/, '');

  /** Runs one request's attempts and judges the last outcome; what was sent is remembered as a recent secret. */
  async function exchange<T, R>(scope: CallScope, request: VendorRequest<T>, judge: (call: Call, outcome: Outcome) => R): Promise<R> {
    const tally = newTally();
    parts.recentSecrets.remember(request.sensitive ?? []);
    return recordCall(parts, { scope, tally }, request, async () => {
      const call = newCall(basePath, scope, request, tally);
      try {
        return judge(call, await attempt(call));
      } finally {
        parts.recentSecrets.remember(tally.credentials);
      }
    });
  }

  return {
    send: (scope, request) => exchange(scope, request, (call, outcome) => interpret(parts, call, request, outcome)),
    remove: (scope, request) =>
      exchange(scope, request, (call, outcome) => {
        if (outcome.kind === 'answer' && outcome.status === 404 && call.tally.mayHaveLanded) return { alreadyGone: true };
        interpret(parts, call, request, outcome);
        return { alreadyGone: false };
      }),
  };
}

function newCall(basePath: string, scope: CallScope, request: VendorRequest<unknown>, tally: Call['tally']): Call {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | null = null;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  return {
    scope,
    request,
    idempotent: IDEMPOTENT.has(request.method),
    target: { method: request.method, pathAndQuery: basePath + pathAndQuery(request) },
    headers,
    body,
    signal: null,
    timeoutMs: null,
    tally,
  };
}

/** The route with its `{name}` placeholders filled (URL-encoded), and the query string. */
function pathAndQuery(request: VendorRequest<unknown>): string {
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
  return `${path}${query ? `?${query}` : ''}`;
}
