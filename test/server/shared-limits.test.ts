import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { RedisLimitStore } from '../../src/core/http/redis-limits.js';
import { createMemoryLogger, silentLogger } from '../../src/core/logger.js';
import { openSharedLimits } from '../../src/server/shared-limits.js';
import { StartupError } from '../../src/server/startup.js';
import { createChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { type Harness, startHarness } from '../support/harness.js';
import { countKeys, NO_REDIS, REDIS_URL, redisReachable, testPrefix } from '../support/redis.js';

/*
 * Shared limits from the composition root's side: the settings main.ts reads, what /readyz and
 * /metrics say without Redis, and two in-process gateways on one Redis agreeing on a circuit.
 */

const reachable = await redisReachable();
const run = testPrefix('runtime');
const opened: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

afterAll(async () => {
  if (!reachable) return;
  await run.cleanUp();
  expect(await countKeys(run.prefix)).toBe(0);
});

describe('the settings main.ts passes on', () => {
  const settings = { url: undefined, prefix: undefined, timeoutMs: undefined };

  it('without PATCHBAY_REDIS_URL there is no Redis store: limits stay in the process', async () => {
    expect(await openSharedLimits(settings, silentLogger)).toBeNull();
    expect(await openSharedLimits({ ...settings, url: '  ' }, silentLogger)).toBeNull();
  });

  it.each([
    [{ url: 'not a url' }, 'PATCHBAY_REDIS_URL is not a URL'],
    [{ url: 'http://user:canary-redis-secret-0002@127.0.0.1:6379' }, 'must start with redis:// or rediss://, not http://'],
    [{ url: 'redis://127.0.0.1:6379', prefix: 'has space' }, 'PATCHBAY_REDIS_PREFIX must be 1 to 64'],
    [{ url: 'redis://127.0.0.1:6379', timeoutMs: '0' }, 'PATCHBAY_REDIS_TIMEOUT_MS must be a whole number of milliseconds from 1 to 10000, not "0"'],
    [{ url: 'redis://127.0.0.1:6379', timeoutMs: '1.5' }, 'PATCHBAY_REDIS_TIMEOUT_MS must be a whole number'],
  ])('settings that cannot work stop the start with one clear line: %j', async (given, message) => {
    const failure = await openSharedLimits({ ...settings, ...given }, silentLogger).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as Error).message).toContain(message);
    expect((failure as Error).message).not.toContain('canary-redis-secret');
  });
});

describe('without Redis', () => {
  it('/readyz and /metrics say the limits are this process’s own', async () => {
    const h = await startHarness({ accounts: [] });
    opened.push(h);
    const ready = await h.runtime.yoga.fetch('http://patchbay.test/readyz');
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { sharedLimits: unknown }).sharedLimits).toEqual({ backend: 'process' });
    const metrics = await (await h.runtime.yoga.fetch('http://patchbay.test/metrics')).text();
    expect(metrics).toContain('patchbay_shared_limits_state{backend="process",state="alone"} 1');
    expect(metrics).toContain('patchbay_shared_limits_state{backend="redis",state="degraded"} 0');
  });
});

describe.skipIf(!reachable)(`two gateways on one Redis ${reachable ? '' : NO_REDIS}`, () => {
  it('a circuit opened by faults seen on gateway A answers CircuitOpenError on gateway B without calling the vendor', async () => {
    const sim = createChronosphereSimulator();
    await sim.server.listen();
    opened.push({ close: () => sim.server.close() });
    const account: AccountConfig = { id: 'breaks', vendor: 'chronosphere', baseUrl: sim.server.baseUrl, apiToken: 'breaker-token' };
    const gateways: Harness[] = [];
    const stores: RedisLimitStore[] = [];
    for (let i = 0; i < 2; i++) {
      const limits = new RedisLimitStore({ url: REDIS_URL, prefix: run.prefix, timeoutMs: 500, logger: createMemoryLogger() });
      await limits.connected();
      opened.push(limits);
      stores.push(limits);
      const h = await startHarness({
        accounts: [account],
        limits,
        resilience: { breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 }, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
      });
      opened.push(h);
      gateways.push(h);
    }
    const [a, b] = gateways as [Harness, Harness];
    const HEALTH = '{ accounts { key health { status circuit error { __typename } } } }';
    sim.server.addFault({ match: { method: 'GET' }, times: 2, response: { status: 503, body: { code: 14, message: 'unavailable' } } });
    await a.gql(HEALTH);
    const opening = await a.gql(HEALTH);
    expect(opening.data?.['accounts']).toEqual([{ key: 'breaks', health: { status: 'FAILING', circuit: 'OPEN', error: { __typename: 'VendorUnavailableError' } } }]);
    expect(sim.server.requests).toHaveLength(2);

    await stores[0]?.idle();
    // B never saw a fault, yet its circuit is open: no call reaches the vendor.
    const onB = await b.gql(HEALTH);
    expect(onB.data?.['accounts']).toEqual([{ key: 'breaks', health: { status: 'FAILING', circuit: 'OPEN', error: { __typename: 'CircuitOpenError' } } }]);
    expect(sim.server.requests).toHaveLength(2);
  });
});
