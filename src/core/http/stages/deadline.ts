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
    // One controller per attempt: its timer, or the client going away (reads only), aborts it.
    // A listener on the request's signal, removed when the attempt ends, costs far less than
    // AbortSignal.any, which this path would otherwise build for every vendor call.
    const attempt = new AbortController();
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      attempt.abort();
    }, timeoutMs);
    const clientSignal = call.idempotent ? call.scope.signal : undefined;
    const onClientGone = () => attempt.abort(clientSignal?.reason);
    clientSignal?.addEventListener('abort', onClientGone, { once: true });
    try {
      const outcome = await next({ ...call, signal: attempt.signal, timeoutMs });
      return outcome.kind === 'failure' ? { ...outcome, timedOut } : outcome;
    } finally {
      clearTimeout(timeout);
      clientSignal?.removeEventListener('abort', onClientGone);
    }
  };
}
