import { describe, expect, it } from 'vitest';
import { AccountBreaker, DEFAULT_BREAKER, type BreakerVerdict } from '../../src/core/http/resilience.js';
import { fakeClock } from '../resilience/fake-clock.js';

/** Lets one attempt through and reports how it ended; false when the breaker refused it. */
function attempt(breaker: AccountBreaker, verdict: BreakerVerdict): boolean {
  const pass = breaker.admit();
  if (pass === null) return false;
  breaker.settle(pass, verdict);
  return true;
}

describe('AccountBreaker on the injected clock', () => {
  it('judges the failure rate only from the fifth attempt in the window, and opens above one half', () => {
    const breaker = new AccountBreaker(DEFAULT_BREAKER, fakeClock());
    for (let i = 0; i < 4; i++) attempt(breaker, 'fault');
    expect(breaker.state).toBe('CLOSED');
    attempt(breaker, 'fault');
    expect(breaker.state).toBe('OPEN');
    expect(breaker.retryAfterSeconds()).toBe(15);
  });

  it('forgets faults older than the window', () => {
    const clock = fakeClock();
    const breaker = new AccountBreaker(DEFAULT_BREAKER, clock);
    for (let i = 0; i < 4; i++) attempt(breaker, 'fault');
    clock.advance(10_000);
    for (let i = 0; i < 4; i++) attempt(breaker, 'fault');
    expect(breaker.state).toBe('CLOSED');
    attempt(breaker, 'fault');
    expect(breaker.state).toBe('OPEN');
  });

  it('counts answers, not neutral attempts, against the faults', () => {
    const breaker = new AccountBreaker(DEFAULT_BREAKER, fakeClock());
    for (let i = 0; i < 3; i++) attempt(breaker, 'success');
    for (let i = 0; i < 10; i++) attempt(breaker, 'neutral');
    for (let i = 0; i < 3; i++) attempt(breaker, 'fault');
    expect(breaker.state).toBe('CLOSED');
    attempt(breaker, 'fault');
    expect(breaker.state).toBe('OPEN');
  });

  it('lets one probe through after halfOpenAfter; its success closes the circuit and starts a fresh count', () => {
    const clock = fakeClock();
    const breaker = new AccountBreaker(DEFAULT_BREAKER, clock);
    for (let i = 0; i < 5; i++) attempt(breaker, 'fault');
    clock.advance(14_999);
    expect(breaker.admit()).toBeNull();
    clock.advance(1);
    expect(breaker.admit()).toBe('probe');
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.admit()).toBeNull();
    expect(breaker.retryAfterSeconds()).toBe(1);
    breaker.settle('probe', 'success');
    expect(breaker.state).toBe('CLOSED');
    // The five old faults are forgotten: the probe and three faults are too few to judge.
    for (let i = 0; i < 3; i++) attempt(breaker, 'fault');
    expect(breaker.state).toBe('CLOSED');
  });

  it("opens again on the probe's fault, and hands the turn on when the probe learned nothing", () => {
    const clock = fakeClock();
    const breaker = new AccountBreaker({ consecutiveFailures: 2, halfOpenAfterMs: 1_000 }, clock);
    attempt(breaker, 'fault');
    attempt(breaker, 'success');
    attempt(breaker, 'fault');
    expect(breaker.state).toBe('CLOSED');
    attempt(breaker, 'fault');
    expect(breaker.state).toBe('OPEN');
    clock.advance(1_000);
    breaker.settle(breaker.admit() ?? 'ordinary', 'fault');
    expect(breaker.state).toBe('OPEN');
    expect(breaker.retryAfterSeconds()).toBe(1);
    clock.advance(1_000);
    breaker.settle(breaker.admit() ?? 'ordinary', 'neutral');
    expect(breaker.state).toBe('OPEN');
    expect(breaker.admit()).toBe('probe');
  });

  it('refuses settings it cannot judge by', () => {
    const clock = fakeClock();
    expect(() => new AccountBreaker({ ...DEFAULT_BREAKER, minimumAttempts: 0 }, clock)).toThrow(RangeError);
    expect(() => new AccountBreaker({ ...DEFAULT_BREAKER, failureRatio: 1 }, clock)).toThrow(RangeError);
    expect(() => new AccountBreaker({ consecutiveFailures: 0, halfOpenAfterMs: 1 }, clock)).toThrow(RangeError);
  });

  it("follows the fleet's circuit, and carries on from it alone: another replica's probe that never answers does not block it for ever", () => {
    const clock = fakeClock();
    const breaker = new AccountBreaker({ consecutiveFailures: 3, halfOpenAfterMs: 10_000 }, clock);
    attempt(breaker, 'fault');
    attempt(breaker, 'fault');
    breaker.follow({ name: 'OPEN', remainingMs: 4_000 });
    expect(breaker.state).toBe('OPEN');
    expect(breaker.retryAfterSeconds()).toBe(4);
    expect(breaker.admit()).toBeNull();
    breaker.follow({ name: 'HALF_OPEN', probeHere: false });
    expect(breaker.admit()).toBeNull();
    clock.advance(10_000);
    expect(breaker.admit()).toBe('probe');
    breaker.settle('probe', 'success');
    expect(breaker.state).toBe('CLOSED');
    // A circuit the fleet closed starts a fresh count here: two faults before it no longer count.
    attempt(breaker, 'fault');
    attempt(breaker, 'fault');
    breaker.follow({ name: 'OPEN', remainingMs: 0 });
    breaker.follow({ name: 'CLOSED' });
    attempt(breaker, 'fault');
    attempt(breaker, 'fault');
    expect(breaker.state).toBe('CLOSED');
    attempt(breaker, 'fault');
    expect(breaker.state).toBe('OPEN');
  });
});
