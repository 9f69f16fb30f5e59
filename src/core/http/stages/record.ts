import type { VendorRequest } from '../types.js';
import type { Call, Callee, CallTally, Stage } from './stage.js';

/**
 * Reports one record per request to the request's scope, whatever the outcome: route template,
 * last status, attempts and duration; never a header, a body or a value from the path.
 */
export async function recordCall<R>(callee: Callee, call: Pick<Call, 'scope' | 'tally'>, request: VendorRequest<unknown>, run: () => Promise<R>): Promise<R> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    call.scope.record?.({
      vendor: callee.vendor,
      account: callee.account,
      method: request.method,
      route: request.route,
      status: call.tally.lastStatus,
      attempts: call.tally.attempts,
      durationMs: Math.round(performance.now() - started),
      cached: false,
    });
  }
}

/** A tally for a request about to start. */
export function newTally(): CallTally {
  return { attempts: 0, lastStatus: null, challengeAnswered: false, credentials: [], mayHaveLanded: false };
}

/** Counts each attempt the breaker let through, keeps the latest status, and logs failures on the wire. */
export function noteAttempt(callee: Callee): Stage {
  return (next) => async (call) => {
    call.tally.attempts += 1;
    const outcome = await next(call);
    if (outcome.kind === 'answer') call.tally.lastStatus = outcome.status;
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
