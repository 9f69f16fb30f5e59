import { describe, expect, it } from 'vitest';
import { HOLD_RELEASE_GAP_MS, QuotaGate } from '../../src/core/http/resilience.js';
import { fakeClock } from '../resilience/fake-clock.js';

describe('QuotaGate', () => {
  it('spaces calls out to a static per-minute limit before the vendor says anything', () => {
    const clock = fakeClock();
    const gate = new QuotaGate(clock, 60);
    expect(gate.reserve()).toBe(0);
    expect(gate.reserve()).toBe(1000);
    expect(gate.reserve()).toBe(2000);
    gate.release();
    expect(gate.reserve()).toBe(2000);
  });

  it('holds calls until the reset a 429 or an exhausted window announced', () => {
    const clock = fakeClock();
    const gate = new QuotaGate(clock);
    gate.observe(200, { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '30' });
    expect(gate.reserve()).toBe(0);
    gate.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '4' });
    expect(gate.reserve()).toBe(4000);
    expect(gate.secondsUntilOpen()).toBe(4);
    clock.advance(4000);
    expect(gate.reserve()).toBe(0);
    gate.observe(429, {});
    expect(gate.secondsUntilOpen()).toBe(1);
  });

  it('lets the calls held by a window go one release gap apart when it reopens, not all in the same millisecond', () => {
    const clock = fakeClock();
    const gate = new QuotaGate(clock);
    gate.observe(429, { 'retry-after': '2' });
    const waits = Array.from({ length: 5 }, () => gate.reserve());
    expect(waits).toEqual([0, 1, 2, 3, 4].map((k) => 2000 + k * HOLD_RELEASE_GAP_MS));
    // A call given back (its request could not wait) frees its place in the queue.
    gate.release();
    expect(gate.reserve()).toBe(2000 + 4 * HOLD_RELEASE_GAP_MS);
    // A call that comes once the window reopened was not held: it goes at once.
    clock.advance(2000);
    expect(gate.reserve()).toBe(0);
    expect(gate.reserve()).toBe(0);
  });

  it('with a static limit, held calls keep their slots: the spacing is the larger of the two', () => {
    const clock = fakeClock();
    const gate = new QuotaGate(clock, 60);
    expect(gate.reserve()).toBe(0);
    gate.observe(429, { 'retry-after': '3' });
    expect([gate.reserve(), gate.reserve(), gate.reserve()]).toEqual([3000, 4000, 5000]);
  });
});
