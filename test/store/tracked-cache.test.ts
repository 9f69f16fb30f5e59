import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/core/store/store.js';
import { withTrackedIdCache } from '../../src/core/store/tracked-cache.js';

let raw: Store;
let reads = 0;
let clock = 0;
let cached: Store;

beforeAll(async () => {
  raw = await openStore({ dataDir: null });
  const counting: Store = {
    ...raw,
    listTrackedDatadogConnections: (account) => {
      reads += 1;
      return raw.listTrackedDatadogConnections(account);
    },
  };
  cached = withTrackedIdCache(counting, { ttlMs: 1_000, now: () => clock });
});
afterAll(async () => {
  await raw.close();
});

describe('tracked-id cache', () => {
  it('answers repeated lists from memory within the TTL, and reads again after it', async () => {
    await cached.trackDatadogConnection('acct', '0b6f3c1e-5a2d-4e8f-9c71-3d4a5b6c7e80');
    reads = 0;
    await cached.listTrackedDatadogConnections('acct');
    await cached.listTrackedDatadogConnections('acct');
    expect(reads).toBe(1);
    clock += 1_001;
    await cached.listTrackedDatadogConnections('acct');
    expect(reads).toBe(2);
  });

  it('forgets an account at once when this gateway tracks or untracks an id', async () => {
    await cached.listTrackedDatadogConnections('acct');
    await cached.trackDatadogConnection('acct', '1c7a4d2f-6b3e-4f9a-8d82-4e5b6c7d8f91');
    expect((await cached.listTrackedDatadogConnections('acct')).map((r) => r.connectionId)).toContain('1c7a4d2f-6b3e-4f9a-8d82-4e5b6c7d8f91');
    await cached.untrackDatadogConnection('acct', '1c7a4d2f-6b3e-4f9a-8d82-4e5b6c7d8f91');
    expect((await cached.listTrackedDatadogConnections('acct')).map((r) => r.connectionId)).not.toContain('1c7a4d2f-6b3e-4f9a-8d82-4e5b6c7d8f91');
  });

  it('a caller cannot change the cached list', async () => {
    const first = await cached.listTrackedDatadogConnections('acct');
    first.length = 0;
    expect((await cached.listTrackedDatadogConnections('acct')).length).toBeGreaterThan(0);
  });
});
