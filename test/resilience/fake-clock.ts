import type { Clock } from '../../src/core/http/resilience.js';

/** A clock whose sleeps return at once and move its time forward; it remembers every sleep. */
export function fakeClock(): Clock & { readonly sleeps: number[]; advance(ms: number): void } {
  const start = Date.now();
  let offset = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    // Time moves only when a sleep or `advance` moves it, so tests see exact numbers.
    now: () => start + offset,
    sleep: async (ms) => {
      sleeps.push(ms);
      offset += ms;
    },
    advance: (ms) => {
      offset += ms;
    },
  };
}
