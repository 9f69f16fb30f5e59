import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realClock } from '../../src/core/http/clock.js';
import type { TransportLimitOptions, TransportLimits } from '../../src/core/http/limits.js';
import { RedisLimitStore } from '../../src/core/http/redis-limits.js';
import { DEFAULT_BREAKER, HOLD_RELEASE_GAP_MS, type BreakerPass } from '../../src/core/http/resilience.js';
import { createMemoryLogger, silentLogger } from '../../src/core/logger.js';
import { closedPort, countKeys, NO_REDIS, REDIS_URL, redisReachable, StallingRedisProxy, testPrefix } from '../support/redis.js';

/*
 * The Redis limit store against the local Redis: two stores stand for two replicas. Times are
 * real (the windows are measured on the Redis server's clock), so the assertions are about
 * spacing and counts with wide margins, never about absolute times.
 */

const reachable = await redisReachable();
const run = testPrefix('limits-unit');
const stores: RedisLimitStore[] = [];

async function replica(url = REDIS_URL, timeoutMs = 200, logger = silentLogger): Promise<RedisLimitStore> {
  const store = new RedisLimitStore({ url, prefix: run.prefix, timeoutMs, logger });
  stores.push(store);
  await store.connected();
  return store;
}

/** Each test's account is its own, so no test sees another's windows. */
let account = 'shared-0';
let accounts = 0;

function transport(store: RedisLimitStore, options: Partial<TransportLimitOptions> = {}): TransportLimits {
  return store.transport({ vendor: 'acme', account, baseUrl: 'http://127.0.0.1:1/api', breaker: DEFAULT_BREAKER, clock: realClock, ...options });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
  accounts += 1;
  account = `shared-${accounts}`;
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

afterAll(async () => {
  if (!reachable) return;
  await run.cleanUp();
  expect(await countKeys(run.prefix)).toBe(0);
});

describe.skipIf(!reachable)(`RedisLimitStore: two replicas on one Redis ${reachable ? '' : NO_REDIS}`, () => {
  it('a static limit is reserved for the fleet: two replicas together get slots one interval apart', async () => {
    const [a, b] = [transport(await replica(), { maxRequestsPerMinute: 600 }), transport(await replica(), { maxRequestsPerMinute: 600 })];
    const starts: number[] = [];
    for (let i = 0; i < 10; i++) {
      for (const side of [a, b]) {
        const asked = Date.now();
        starts.push(asked + (await side.quota.reserve()));
      }
    }
    starts.sort((x, y) => x - y);
    const gaps = starts.slice(1).map((start, i) => start - (starts[i] ?? 0));
    // 600 a minute is one slot per 100 ms for both together (a few ms of slack for the local clock's reading).
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(19 * 90);
  });

  it('a slot given back is taken by the next caller, on either replica', async () => {
    const [a, b] = [transport(await replica(), { maxRequestsPerMinute: 60 }), transport(await replica(), { maxRequestsPerMinute: 60 })];
    expect(await a.quota.reserve()).toBeLessThan(50);
    const second = await b.quota.reserve();
    expect(second).toBeGreaterThan(900);
    a.quota.release();
    await stores[0]?.idle();
    // The slot b held is free again; b's next caller gets about the same wait, not one slot more.
    expect(Math.abs((await b.quota.reserve()) - second)).toBeLessThan(200);
  });

  it("one replica's 429 holds the other, whose held calls then go one release gap apart", async () => {
    const [storeA, storeB] = [await replica(), await replica()];
    const [a, b] = [transport(storeA), transport(storeB)];
    expect(await b.quota.reserve()).toBe(0);
    a.quota.observe(429, { 'retry-after': '2' });
    await storeA.idle();
    // Each wait is counted from its own ask: the release times are ask + wait (a busy machine may take some ms between asks).
    const waits: number[] = [];
    const releases: number[] = [];
    for (let i = 0; i < 3; i++) {
      const asked = Date.now();
      const wait = await b.quota.reserve();
      waits.push(wait);
      releases.push(asked + wait);
    }
    expect(waits[0]).toBeGreaterThan(1_500);
    expect(waits[0]).toBeLessThanOrEqual(2_000);
    // Each later held call is let go a gap after the one before (a few ms of slack for the clock's reading).
    for (let i = 1; i < releases.length; i++) expect((releases[i] ?? 0) - (releases[i - 1] ?? 0)).toBeGreaterThan(HOLD_RELEASE_GAP_MS - 5);
    expect(b.quota.secondsUntilOpen()).toBe(2);
    // And the replica that saw the 429 is held like everyone else, after those already queued.
    expect(await a.quota.reserve()).toBeGreaterThan((waits[2] ?? 0) - 50);
  });

  it('a breaker opened on one replica is open on all; half-open, exactly one replica probes; its success closes it for all', async () => {
    const breaker = { consecutiveFailures: 1, halfOpenAfterMs: 300 };
    const [storeA, storeB] = [await replica(), await replica()];
    const [a, b] = [transport(storeA, { breaker }).breaker, transport(storeB, { breaker }).breaker];
    const pass = await a.admit();
    expect(pass).toBe('ordinary');
    a.settle('ordinary', 'fault');
    expect(a.state).toBe('OPEN');
    await storeA.idle();
    expect(await b.admit()).toBeNull();
    expect(b.state).toBe('OPEN');
    expect(b.retryAfterSeconds()).toBeGreaterThanOrEqual(1);

    await sleep(350);
    const passes: (BreakerPass | null)[] = await Promise.all([a, b, a, b, a, b].map((side) => side.admit()));
    expect(passes.filter((p) => p === 'probe')).toHaveLength(1);
    expect(passes.filter((p) => p === null)).toHaveLength(5);
    expect([a.state, b.state]).toEqual(['HALF_OPEN', 'HALF_OPEN']);

    const prober = passes.indexOf('probe') % 2 === 0 ? { side: a, store: storeA } : { side: b, store: storeB };
    prober.side.settle('probe', 'success');
    await prober.store.idle();
    expect([await a.admit(), await b.admit()]).toEqual(['ordinary', 'ordinary']);
    expect([a.state, b.state]).toEqual(['CLOSED', 'CLOSED']);
  });

  it("a probe's fault opens the circuit again for all; a probe that learned nothing hands the turn to the next caller", async () => {
    const breaker = { consecutiveFailures: 1, halfOpenAfterMs: 250 };
    const [storeA, storeB] = [await replica(), await replica()];
    const [a, b] = [transport(storeA, { breaker }).breaker, transport(storeB, { breaker }).breaker];
    a.settle((await a.admit()) ?? 'ordinary', 'fault');
    await storeA.idle();
    await sleep(300);
    expect(await a.admit()).toBe('probe');
    a.settle('probe', 'fault');
    await storeA.idle();
    expect(await b.admit()).toBeNull();
    expect(b.state).toBe('OPEN');
    await sleep(300);
    expect(await b.admit()).toBe('probe');
    expect(await a.admit()).toBeNull();
    b.settle('probe', 'neutral');
    await storeB.idle();
    expect(await a.admit()).toBe('probe');
  });

  it('a replica that does not call the account still shows the fleet’s open circuit and hold within a refresh or two', async () => {
    const breaker = { consecutiveFailures: 1, halfOpenAfterMs: 60_000 };
    const [storeA, storeB] = [await replica(), await replica()];
    const [a, b] = [transport(storeA, { breaker }), transport(storeB, { breaker })];
    a.breaker.settle((await a.breaker.admit()) ?? 'ordinary', 'fault');
    a.quota.observe(429, { 'retry-after': '30' });
    await storeA.idle();
    // B makes no call at all: its health and metrics read the same breaker state and hold.
    await vi.waitFor(
      () => {
        expect(b.breaker.state).toBe('OPEN');
        expect(b.quota.secondsUntilOpen()).toBeGreaterThan(20);
      },
      { timeout: 3_000, interval: 50 },
    );
    expect(b.breaker.retryAfterSeconds()).toBeGreaterThan(50);
  });

  it('Redis unreachable: decisions are taken at once by the replica alone, logged once, reported degraded', async () => {
    const logger = createMemoryLogger('info');
    const store = await replica(`redis://127.0.0.1:${await closedPort()}`, 200, logger);
    const limits = transport(store, { maxRequestsPerMinute: 60 });
    const started = Date.now();
    // No promise at all: the in-process gate answers, and still spaces calls out.
    const [first, second] = [limits.quota.reserve(), limits.quota.reserve()];
    expect(first).toBe(0);
    // One slot later (less the ms a loaded machine may take between the two calls).
    expect(second).toBeGreaterThan(900);
    expect(second).toBeLessThanOrEqual(1000);
    expect(limits.breaker.admit()).toBe('ordinary');
    expect(Date.now() - started).toBeLessThan(100);
    expect(store.status()).toMatchObject({ backend: 'redis', state: 'degraded', reason: 'ECONNREFUSED' });
    expect((store.status() as { localDecisions: number }).localDecisions).toBeGreaterThanOrEqual(3);
    const warnings = logger.lines.filter((line) => line.includes('"level":"warn"'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('shared limits');
    expect(warnings[0]).not.toContain('127.0.0.1');
  });

  it('Redis that stops answering: the call is decided alone within the timeout, and Redis is asked again once it answers', async () => {
    const proxy = new StallingRedisProxy();
    try {
      const logger = createMemoryLogger('info');
      const store = await replica(await proxy.start(), 150, logger);
      const limits = transport(store, { maxRequestsPerMinute: 600 });
      expect(store.status()).toMatchObject({ state: 'connected' });
      expect(await limits.quota.reserve()).toBeLessThan(50);
      proxy.stall();
      const started = Date.now();
      // The in-process gate answers after the timeout (its first slot is free).
      expect(await limits.quota.reserve()).toBe(0);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(100);
      expect(took).toBeLessThan(1_000);
      expect(store.status()).toMatchObject({ state: 'degraded', reason: 'TIMEOUT' });
      // Until the recheck, no call waits on Redis again.
      const quick = Date.now();
      expect(typeof limits.breaker.admit()).toBe('string');
      expect(Date.now() - quick).toBeLessThan(50);
      expect(logger.lines.filter((line) => line.includes('"level":"warn"'))).toHaveLength(1);

      // Redis catches up: after the recheck the fleet's state is used again, and that is logged once.
      proxy.resume();
      await sleep(1_100);
      await limits.quota.reserve();
      expect(store.status()).toMatchObject({ state: 'connected', reason: null });
      // The slot this replica reserved in Redis before the stall still counts: the next one is an interval after it.
      expect(await limits.quota.reserve()).toBeGreaterThan(0);
      expect(logger.lines.filter((line) => line.includes('Redis answers again'))).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
