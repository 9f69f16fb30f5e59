import { describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load.js';

/*
 * A small run of the load test (`npm run load` runs 2,000 operations from 50 clients): faulty
 * vendors (10% 5xx, 5% slow, 429 bursts), concurrent mixed queries and mutations, then every
 * create and delete is compared with the simulator's state. The heap is checked by the full run
 * only (it needs --expose-gc).
 */
describe('load against faulty vendors', () => {
  it('300 operations from 20 clients: well-formed answers, nothing lost, nothing doubled', async () => {
    const report = await runLoad({ operations: 300, clients: 20, seconds: 60 });
    expect(report.violations).toEqual([]);
    expect(report.operations).toBe(300);
    expect(report.byKind['create']).toBeGreaterThan(0);
    expect(report.byKind['delete']).toBeGreaterThan(0);
  }, 90_000);
});
