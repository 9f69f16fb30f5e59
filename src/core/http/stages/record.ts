import { VendorCallObservation } from '../../telemetry/vendor-call.js';
import type { VendorRequest } from '../types.js';
import type { Call, Callee, CallTally, Stage } from './stage.js';

/**
 * Reports one record per request to the request's scope, whatever the outcome: route template,
 * last status, attempts and duration; never a header, a body or a value from the path. The same
 * facts go to the request's telemetry (metrics and a span), with the typed error it ended in.
 */
export async function recordCall<R>(callee: Callee, call: Pick<Call, 'scope' | 'tally'>, request: VendorRequest<unknown>, run: () => Promise<R>): Promise<R> {
  const started = performance.now();
  call.tally.observation = VendorCallObservation.begin({ vendor: callee.vendor, account: callee.account, method: request.method, route: request.route });
  let failure: { readonly error: unknown } | null = null;
  try {
    return await run();
  } catch (error) {
    failure = { error };
    throw error;
  } finally {
    const durationMs = performance.now() - started;
    call.tally.observation?.end(call.tally.lastStatus, call.tally.attempts, durationMs, failure);
    call.scope.record?.({
      vendor: callee.vendor,
      account: callee.account,
      method: request.method,
      route: request.route,
      status: call.tally.lastStatus,
      attempts: call.tally.attempts,
      durationMs: Math.round(durationMs),
      cached: false,
    });
  }
}

/** A tally for a request about to start. */
export function newTally(): CallTally {
  return { attempts: 0, lastStatus: null, challengeAnswered: false, credentials: [], mayHaveLanded: false, observation: null };
}

/** Counts each attempt the breaker let through, keeps the latest status, and logs failures on the wire. */
export function noteAttempt(callee: Callee): Stage {
  return (next) => async (call) => {
    call.tally.attempts += 1;
    const outcome = await next(call);
    if (outcome.kind === 'answer') call.tally.lastStatus = outcome.status;
    call.tally.observation?.attempt(
      call.tally.attempts,
      outcome.kind === 'answer' ? outcome.status : null,
      outcome.kind === 'failure' ? (outcome.code ?? (outcome.timedOut ? 'DEADLINE' : 'UNKNOWN')) : null,
    );
    if (outcome.kind === 'failure') {
      callee.logger.warn('vendor call failed in transport', {
        vendor: callee.vendor,
        account: callee.account,
        method: call.request.method,
        route: call.request.route,
        code: outcome.code ?? (outcome.timedOut ? 'DEADLINE' : 'UNKNOWN'),
      });
    }
    return outcome;
  };
}
