import { EGRESS_DENIED } from '../egress.js';
import { RETRYABLE_STATUSES, backoffDelay, type RetryOptions } from '../resilience.js';
import { remainingMs } from './deadline.js';
import { unreachable, type Call, type Callee, type Outcome, type Stage } from './stage.js';

/**
 * The write-safety rule: whether an attempt's outcome may be answered by sending the request
 * again. A request that never left this process may always go again. GET, PUT and DELETE also go
 * again after 429/502/503/504, or when no answer came before the connection failed (not when the
 * attempt timed out: that already spent the time). POST and PATCH never go again once they may
 * have reached the vendor, and nothing goes again once an answer started to arrive.
 */
export function mayResend(outcome: Outcome, call: Call): boolean {
  switch (outcome.kind) {
    case 'answer':
      return call.idempotent && RETRYABLE_STATUSES.has(outcome.status);
    case 'failure':
      // A refusal by the egress deny-list is ours and final: the address will not change in a moment.
      if (outcome.code === EGRESS_DENIED) return false;
      return outcome.progress === 'not-sent' || (call.idempotent && outcome.progress === 'sent' && !outcome.timedOut);
    case 'oversized':
      return false;
    default:
      return unreachable(outcome);
  }
}

/** Whether an attempt that ended so may have reached the vendor and done its work. */
function mayHaveLanded(outcome: Outcome): boolean {
  if (outcome.kind === 'failure') return outcome.progress !== 'not-sent';
  return outcome.kind === 'answer' && outcome.status >= 500;
}

/**
 * Sends a call up to `maxAttempts` times while {@link mayResend} allows it, sleeping a jittered
 * backoff between attempts when the deadline leaves room for it. Gives back the last outcome.
 */
export function retry(callee: Callee, options: RetryOptions, random: () => number): Stage {
  return (next) => async (call) => {
    for (let round = 1; ; round++) {
      const outcome = await next(call);
      if (round >= options.maxAttempts || !mayResend(outcome, call)) return outcome;
      if (mayHaveLanded(outcome)) call.tally.mayHaveLanded = true;
      // After a 429 the quota gate already holds the account until the vendor's reset.
      if (outcome.kind === 'answer' && outcome.status === 429) {
        call.tally.observation?.retried('429');
        continue;
      }
      const delay = backoffDelay(round, options, random);
      if (delay >= remainingMs(call.scope, callee.clock)) return outcome;
      call.tally.observation?.retried(outcome.kind === 'answer' ? String(outcome.status) : 'transport');
      await callee.clock.sleep(delay);
    }
  };
}
