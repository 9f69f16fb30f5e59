import { request, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccountEntry } from '../../src/app/accounts.js';
import { defaultGatewayConfig, type AccountConfig } from '../../src/core/config/schema.js';
import { realClock } from '../../src/core/http/clock.js';
import { createDispatcher } from '../../src/core/http/dispatcher.js';
import { QuotaGate } from '../../src/core/http/resilience.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Store } from '../../src/core/store/store.js';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import type { DatadogClient } from '../../src/vendors/datadog/client.js';
import { createDatadogConnectionLoader, datadogReadConcurrency, DEFAULT_DATADOG_READ_CONCURRENCY, type BudgetReading } from '../../src/vendors/datadog/loaders.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';
import { sharedMemoryStore, startHarness, type Harness } from '../support/harness.js';

/*
 * Issue 12, "Pools and concurrency": a slow vendor must not meet a fixed cap in Patchbay. Times
 * are only compared with each other (ratios with wide margins), never with a fixed budget.
 */

const CONNECTION_PATH = '^/api/v2/actions/connections/';

const INVENTORY = `query($filter: ConnectionFilter) {
  connections(first: 100, filter: $filter) {
    totalCount
    failures { account { key } error { __typename message } }
    itemFailures { vendorId error { __typename message } }
  }
}`;

interface Inventory {
  totalCount: number;
  failures: unknown[];
  itemFailures: unknown[];
}

function datadogAccount(id: string, baseUrl: string, extra: Partial<Record<'maxConcurrentReads', number>> = {}): AccountConfig {
  return { id, vendor: 'datadog', baseUrl, apiKey: 'test-dd-api-key', appKey: 'test-dd-app-key', ...extra };
}

/** Creates `count` connections in the simulator through its API, as Datadog users would, and tracks them. */
async function createTracked(sim: DatadogSimulator, baseUrl: string, store: Store, account: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await request(`${baseUrl}/api/v2/actions/connections`, {
      method: 'POST',
      headers: { 'dd-api-key': 'k', 'dd-application-key': 'a', 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { type: 'action_connection', attributes: { name: `load ${i}`, integration: { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: `sk-test-${i}` } } } },
      }),
    });
    const body = (await response.body.json()) as { data: { id: string } };
    expect(response.statusCode).toBe(201);
    ids.push(body.data.id);
    await store.trackDatadogConnection(account, body.data.id);
  }
  sim.server.clearRequests();
  return ids;
}

/** Counts the vendor requests a dispatcher has open at once (sent and not yet answered in full). */
function countingDispatcher(inner: Dispatcher): { dispatcher: Dispatcher; readonly counts: { now: number; max: number } } {
  const counts = { now: 0, max: 0 };
  const endings: ReadonlySet<PropertyKey> = new Set(['onComplete', 'onError', 'onResponseEnd', 'onResponseError']);
  const dispatcher = inner.compose((dispatch) => (options, handler) => {
    counts.now += 1;
    counts.max = Math.max(counts.max, counts.now);
    let open = true;
    const watched = new Proxy(handler, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (open && endings.has(property)) {
            open = false;
            counts.now -= 1;
          }
          return Reflect.apply(value, target, args);
        };
      },
    });
    return dispatch(options, watched);
  });
  return { dispatcher, counts };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('a slow vendor meets no fixed cap', () => {
  const ACCOUNT = 'dd-slow';
  const TRACKED = 16;
  const CLIENTS = 16;
  let sim: DatadogSimulator;
  let h: Harness;

  beforeAll(async () => {
    sim = createDatadogSimulator();
    const baseUrl = await sim.server.listen();
    const store = await sharedMemoryStore();
    await createTracked(sim, baseUrl, store, ACCOUNT, TRACKED);
    h = await startHarness({ accounts: [datadogAccount(ACCOUNT, baseUrl)], store });
  });
  afterAll(async () => {
    await h.close();
    await sim.server.close();
  });

  const inventory = async (): Promise<Inventory> => {
    const response = await h.gql(INVENTORY, { filter: { accounts: [ACCOUNT] } });
    expect(response.errors).toBeUndefined();
    return response.data?.['connections'] as Inventory;
  };

  it(`${CLIENTS} concurrent inventories take well under ${CLIENTS}× one inventory (default pools)`, async () => {
    // Warm: sockets open, code compiled; then every connection read answers 300 ms late.
    await inventory();
    sim.server.addFault({ match: { method: 'GET', path: CONNECTION_PATH }, delayMs: 300 });

    const one = await timed(inventory);
    expect(one.value).toMatchObject({ totalCount: TRACKED, failures: [], itemFailures: [] });
    sim.server.clearRequests();
    const many = await timed(() => Promise.all(Array.from({ length: CLIENTS }, inventory)));
    for (const result of many.value) expect(result).toMatchObject({ totalCount: TRACKED, failures: [], itemFailures: [] });
    expect(sim.server.requests).toHaveLength(CLIENTS * TRACKED);

    // 256 reads in flight: a pool of 32 sockets needs 8 round trips (ratio ≈ 8), no cap needs one
    // (≈ 1.2 alone; up to 3 with the rest of the suite on two cores, so the margin is wide).
    const ratio = many.ms / one.ms;
    expect(ratio, `one ${one.ms.toFixed(0)} ms, ${CLIENTS} at once ${many.ms.toFixed(0)} ms`).toBeLessThan(5);
  });
});

describe('Datadog connection reads per account', () => {
  const ACCOUNT = 'dd-many';
  const TRACKED = 200;
  let sim: DatadogSimulator;
  let store: Store;
  let baseUrl: string;
  let runtime: Runtime | null = null;

  beforeAll(async () => {
    // A day-long period: the budget does not roll over while the file runs (barring midnight UTC).
    sim = createDatadogSimulator({ rateLimit: { limit: 1_000_000, periodSeconds: 86_400 } });
    baseUrl = await sim.server.listen();
    store = await sharedMemoryStore();
    await createTracked(sim, baseUrl, store, ACCOUNT, TRACKED);
  });
  afterEach(async () => {
    await runtime?.close();
    runtime = null;
    sim.server.clearFaults();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it(`reads ${TRACKED} tracked connections with more than 8 in flight (the old fixed cap), up to the account's cap`, async () => {
    const { dispatcher, counts } = countingDispatcher(createDispatcher());
    runtime = createRuntime({ accounts: [datadogAccount(ACCOUNT, baseUrl)], gateway: defaultGatewayConfig(), store, logger: silentLogger, dispatcher });
    sim.server.addFault({ match: { method: 'GET', path: CONNECTION_PATH }, delayMs: 50 });
    const response = await runtime.yoga.fetch('http://patchbay.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: INVENTORY, variables: { filter: { accounts: [ACCOUNT] } } }),
    });
    const body = (await response.json()) as { data: { connections: Inventory } };
    expect(body.data.connections).toMatchObject({ totalCount: TRACKED, failures: [], itemFailures: [] });
    expect(counts.max).toBeGreaterThan(8);
    expect(counts.max).toBeLessThanOrEqual(DEFAULT_DATADOG_READ_CONCURRENCY);
    await dispatcher.close();
  });

  it('keeps to a per-account maxConcurrentReads', async () => {
    const { dispatcher, counts } = countingDispatcher(createDispatcher());
    runtime = createRuntime({ accounts: [datadogAccount(ACCOUNT, baseUrl, { maxConcurrentReads: 5 })], gateway: defaultGatewayConfig(), store, logger: silentLogger, dispatcher });
    sim.server.addFault({ match: { method: 'GET', path: CONNECTION_PATH }, delayMs: 20 });
    const response = await runtime.yoga.fetch('http://patchbay.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: INVENTORY, variables: { filter: { accounts: [ACCOUNT] } } }),
    });
    const body = (await response.json()) as { data: { connections: Inventory } };
    expect(body.data.connections.totalCount).toBe(TRACKED);
    expect(counts.max).toBe(5);
    await dispatcher.close();
  });

  it('backs off when the rate-limit headers say the budget runs low', async () => {
    const CAP = 32;
    const read = async (count: number, transport: BudgetReading): Promise<number> => {
      const { dispatcher, counts } = countingDispatcher(createDispatcher());
      const entry = createAccountEntry(datadogAccount(ACCOUNT, baseUrl), datadogRuntime, { dispatcher, logger: silentLogger, gateway: defaultGatewayConfig() });
      const accounts = { get: (key: string) => (key === ACCOUNT ? { ...entry, client: entry.client as DatadogClient } : undefined) };
      const loader = createDatadogConnectionLoader(accounts, {}, () => ({ maxConcurrentReads: CAP, transports: [transport] }));
      const keys = (await store.listTrackedDatadogConnections(ACCOUNT)).slice(0, count).map((row) => ({ account: ACCOUNT, connectionId: row.connectionId }));
      const loaded = await loader.loadMany(keys);
      expect(loaded.filter((result) => result instanceof Error)).toEqual([]);
      await dispatcher.close();
      return counts.max;
    };
    const probe = async (gate: QuotaGate): Promise<void> => {
      const answer = await request(`${baseUrl}/api/v2/actions/app_key_registrations?page[size]=1`, { headers: { 'dd-api-key': 'k', 'dd-application-key': 'a' } });
      await answer.body.dump();
      gate.observe(answer.statusCode, answer.headers);
    };
    sim.server.addFault({ match: { method: 'GET', path: CONNECTION_PATH }, delayMs: 30 });

    // Nothing announced: the account's cap. Window closed (the vendor said 0 or 429): one at a time.
    expect(await read(40, { rateLimitedForSeconds: 0, rateLimitBudget: null })).toBe(CAP);
    expect(await read(6, { rateLimitedForSeconds: 5, rateLimitBudget: null })).toBe(1);

    // The budget as the vendor announces it: other clients spend all but 25, a quota gate reads the answer.
    const gate = new QuotaGate(realClock);
    await probe(gate);
    sim.spendRateLimit((gate.budget()?.remaining ?? 0) - 25);
    await probe(gate);
    expect(gate.budget()).toEqual({ remaining: 24, limit: 1_000_000 });
    expect(await read(20, { rateLimitedForSeconds: 0, rateLimitBudget: gate.budget() })).toBe(12);
  });

  it('sizes concurrency from the budget: the cap while ample, half the remainder when low, one when spent', () => {
    expect(datadogReadConcurrency(32, null)).toBe(32);
    expect(datadogReadConcurrency(32, { remaining: 5_000, limit: 6_000 })).toBe(32);
    expect(datadogReadConcurrency(32, { remaining: 40, limit: 6_000 })).toBe(20);
    expect(datadogReadConcurrency(32, { remaining: 3, limit: null })).toBe(1);
    expect(datadogReadConcurrency(32, { remaining: 0, limit: 6_000 })).toBe(1);
  });
});
