import { CircuitOpenError } from '../../errors.js';
import { EGRESS_DENIED } from '../egress.js';
import type { BreakerVerdict, CircuitState } from '../resilience.js';
import { unansweredFacts, unreachable, type Call, type Callee, type Outcome, type Stage } from './stage.js';

/**
 * Passes each attempt through the account's circuit breaker: while it is open (or its one probe
 * is out) the vendor is not called and the caller gets `CircuitOpenError` at once; every attempt
 * it lets through reports back whether the vendor failed.
 */
export function breaker(callee: Callee, circuit: CircuitState): Stage {
  return (next) => async (call) => {
    const admitted = circuit.admit();
    // The in-process breaker answers at once; only a shared one (Redis) is awaited.
    const pass = admitted === null || typeof admitted === 'string' ? admitted : await admitted;
    if (pass === null) {
      call.tally.observation?.breakerRejected();
      throw new CircuitOpenError(`${callee.vendorName} account "${callee.account}" failed repeatedly; calls are paused until a probe succeeds.`, {
        ...unansweredFacts(callee),
        retryAfterSeconds: circuit.retryAfterSeconds(),
      });
    }
    let outcome: Outcome;
    try {
      outcome = await next(call);
    } catch (error) {
      circuit.settle(pass, 'neutral');
      throw error;
    }
    circuit.settle(pass, verdict(outcome, call));
    return outcome;
  };
}

/** Vendor faults are 5xx answers and failures on the wire; 4xx and 429 are answers like any other. */
function verdict(outcome: Outcome, call: Call): BreakerVerdict {
  switch (outcome.kind) {
    case 'answer':
      return outcome.status >= 500 ? 'fault' : 'success';
    case 'failure':
      // A client that went away is not a vendor fault, nor is our own refusal to connect.
      return call.scope.signal?.aborted || outcome.code === EGRESS_DENIED ? 'neutral' : 'fault';
    case 'oversized':
      // A body over the cap is the vendor's contract problem, not an outage.
      return 'neutral';
    default:
      return unreachable(outcome);
  }
}
