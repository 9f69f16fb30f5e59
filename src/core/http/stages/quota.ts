import { VendorRateLimitedError } from '../../errors.js';
import type { QuotaState } from '../resilience.js';
import { remainingMs } from './deadline.js';
import { unansweredFacts, type Callee, type Stage } from './stage.js';

/**
 * Holds each attempt at the account's quota gate (the vendor's learned rate-limit window and any
 * static limit, in this process or shared by the fleet), and teaches the gate from every answer. A wait the request's deadline cannot
 * cover fails at once, with the wait, rather than sleeping into the deadline.
 */
export function quota(callee: Callee, gate: QuotaState): Stage {
  return (next) => async (call) => {
    const reserved = gate.reserve();
    // The in-process gate answers at once; only a shared one (Redis) is awaited.
    const wait = typeof reserved === 'number' ? reserved : await reserved;
    if (wait > 0) {
      if (wait >= remainingMs(call.scope, callee.clock)) {
        gate.release();
        call.tally.observation?.quotaRefused();
        const seconds = Math.ceil(wait / 1000);
        throw new VendorRateLimitedError(`${callee.vendorName} asked account "${callee.account}" to wait ${seconds} s, longer than this request may take.`, {
          ...unansweredFacts(callee),
          retryAfterSeconds: seconds,
        });
      }
      call.tally.observation?.quotaWaited(wait);
      await callee.clock.sleep(wait);
    }
    const outcome = await next(call);
    if (outcome.kind === 'answer') gate.observe(outcome.status, outcome.headers);
    return outcome;
  };
}
