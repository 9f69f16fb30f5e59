import { VendorUnavailableError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { CallScope } from '../types.js';
import { unansweredFacts, type Callee, type Stage } from './stage.js';

/** Milliseconds left before the request's deadline; unbounded when it has none. */
export function remainingMs(scope: CallScope, clock: Clock): number {
  return scope.deadline === undefined ? Number.POSITIVE_INFINITY : scope.deadline - clock.now();
}

/**
 * Gives each attempt the shorter of the per-call timeout and what is left of the request's
 * deadline, for connecting, headers and the whole body; sends nothing once the deadline has
 * passed or the client has gone away (a field still running, a deferred part, a loader batch or
 * a resend starts no vendor call for a client that is gone). A client that goes away cancels
 * reads; a write already on its way is left to finish. Whether its own timer ended an attempt is
 * what tells a timeout from another failure.
 */
export function deadline(callee: Callee, callTimeoutMs: number): Stage {
  return (next) => async (call) => {
    if (call.scope.signal?.aborted) {
      throw new VendorUnavailableError(`The client went away before ${callee.vendorName} could be called.`, unansweredFacts(callee));
    }
    const timeoutMs = Math.min(callTimeoutMs, remainingMs(call.scope, callee.clock));
    if (timeoutMs <= 0) {
      throw new VendorUnavailableError(`The request deadline passed before ${callee.vendorName} could be called.`, unansweredFacts(callee));
    }
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), timeoutMs);
    const signal = call.idempotent && call.scope.signal ? AbortSignal.any([timer.signal, call.scope.signal]) : timer.signal;
    try {
      const outcome = await next({ ...call, signal, timeoutMs });
      return outcome.kind === 'failure' ? { ...outcome, timedOut: timer.signal.aborted } : outcome;
    } finally {
      clearTimeout(timeout);
    }
  };
}
