import type { AuthStrategy } from '../types.js';
import { transportFailure, type Stage } from './stage.js';

/**
 * Adds the strategy's credentials to each attempt, just before it is sent, and notes their values
 * in the call's tally so that the answer is scrubbed of them (an OAuth token is no account
 * field, yet a vendor may quote it). A strategy that cannot produce them (an OAuth token request
 * that failed) fails the attempt before anything was sent.
 */
export function sign(strategy: AuthStrategy): Stage {
  return (next) => async (call) => {
    let credentials: Record<string, string>;
    try {
      credentials = await strategy.headers(call.target, call.scope);
    } catch (error) {
      return transportFailure('not-sent', error);
    }
    for (const value of Object.values(credentials)) {
      // A key as it is (`DD-API-KEY`), the token of `Bearer <token>` or `Basic <base64>`; not a
      // Digest answer, which is made for one request and would crowd real secrets out of the account's memory.
      const token = /^\S+$/.test(value) ? value : /^[A-Za-z][\w-]*\s+(\S+)$/.exec(value)?.[1];
      if (token) call.tally.credentials.push(token);
    }
    return next({ ...call, headers: { ...call.headers, ...credentials } });
  };
}

/**
 * Tells the strategy about the first 401/407 of a request and, when it asks to (a Digest
 * challenge, an expired OAuth token), sends the request once more through the quota gate and
 * the breaker. The resend does not use up one of the retry stage's attempts; a second refusal is
 * the answer.
 */
export function answerChallenge(strategy: AuthStrategy): Stage {
  return (next) => async (call) => {
    const outcome = await next(call);
    if (outcome.kind !== 'answer' || (outcome.status !== 401 && outcome.status !== 407)) return outcome;
    if (!strategy.onRefused || call.tally.challengeAnswered) return outcome;
    call.tally.challengeAnswered = true;
    const resend = await strategy.onRefused({ status: outcome.status, headers: outcome.headers }, call.target);
    return resend ? next(call) : outcome;
  };
}
