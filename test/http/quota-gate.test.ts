import { describe, expect, it } from 'vitest';
import { QuotaGate } from '../../src/core/http/resilience.js';
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
});
