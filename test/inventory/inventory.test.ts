import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFleet, vendorRequests, type Fleet } from './support.js';

const PAGE = `query($first: Int, $after: String, $filter: ConnectionFilter) {
  connections(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { __typename ... on VendorConnection { id name vendor service } } }
    pageInfo { hasNextPage endCursor }
    failures { account { key } error { __typename message } }
  }
}`;

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { id: string; name: string; vendor: string; service: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  failures: { account: { key: string }; error: { __typename: string; message: string } }[];
}

let fleet: Fleet;

async function page(variables: Record<string, unknown>): Promise<Page> {
  const result = await fleet.h.gql(PAGE, variables);
  expect(result.errors).toBeUndefined();
  return result.data?.['connections'] as Page;
}

beforeAll(async () => {
  fleet = await startFleet();
});
afterAll(async () => {
  await fleet.close();
});
beforeEach(() => {
  for (const { simulator } of fleet.simulators) {
    simulator.server.clearFaults();
    simulator.server.clearRequests();
  }
});

describe('connections across every account', () => {
  it('returns items of all five vendors, in one stable order (name, then id)', async () => {
    const all = await page({ first: 100 });
    expect(all.failures).toEqual([]);
    expect(new Set(all.edges.map((e) => e.node.vendor))).toEqual(new Set(['DATADOG', 'CHRONOSPHERE', 'MONGODB_CLOUD_MANAGER', 'CORTEX', 'OPSRAMP']));
    const keys = all.edges.map((e) => [e.node.name, e.node.id] as const);
    const sorted = [...keys].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(keys).toEqual(sorted);
    expect(all.totalCount).toBe(all.edges.length);
  });

  it('walks every item exactly once with first: 3, in the same order as one large page', async () => {
    const whole = (await page({ first: 100 })).edges.map((e) => e.node.id);
    const walked: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const next: Page = await page({ first: 3, after });
      walked.push(...next.edges.map((e) => e.node.id));
      if (!next.pageInfo.hasNextPage) break;
      after = next.pageInfo.endCursor;
    }
    expect(walked).toEqual(whole);
    expect(new Set(walked).size).toBe(walked.length);
  });

  it('refuses first over 100 with InputValidationError instead of cutting silently', async () => {
    const result = await fleet.h.gql(PAGE, { first: 101 });
    expect(result.errors?.[0]?.extensions?.['code']).toBe('InputValidationError');
  });

  it('filters by vendor, service and name, and sends what a vendor can filter to the vendor', async () => {
    const slack = await page({ first: 100, filter: { services: ['SLACK'] } });
    expect(slack.edges.length).toBeGreaterThan(0);
    expect(slack.edges.every((e) => e.node.service === 'SLACK')).toBe(true);
    // Chronosphere was asked to filter by connection type itself.
    expect(fleet.sim('chronosphere').server.requests.map((r) => r.query)).toContainEqual(expect.objectContaining({ connection_types: 'SLACK' }));
    for (const { simulator } of fleet.simulators) simulator.server.clearRequests();
    const onlyCortex = await page({ first: 100, filter: { vendors: ['CORTEX'] } });
    expect(onlyCortex.edges.every((e) => e.node.vendor === 'CORTEX')).toBe(true);
    expect(vendorRequests(fleet, 'datadog')).toEqual([]);
    const search = await page({ first: 100, filter: { search: 'pagerduty' } });
    expect(search.edges.every((e) => e.node.name.toLowerCase().includes('pagerduty'))).toBe(true);
  });
});

describe('partial failure is data', () => {
  it('an account answering 500 and one on a closed port become failures; the others still answer', async () => {
    const closed = await startFleet({
      accounts: (base) => base.map((a) => (a.vendor === 'cortex' ? { ...a, baseUrl: 'http://127.0.0.1:9' } : a)),
    });
    try {
      closed.sim('chronosphere').server.addFault({ response: { status: 500, body: { code: 13, message: 'internal' } } });
      const result = await closed.h.gql(PAGE, { first: 100 });
      expect(result.errors).toBeUndefined();
      const data = result.data?.['connections'] as Page;
      expect(data.failures.map((f) => [f.account.key, f.error.__typename]).sort()).toEqual([
        ['chronosphere-demo', 'VendorUnavailableError'],
        ['cortex-demo', 'VendorUnavailableError'],
      ]);
      expect(new Set(data.edges.map((e) => e.node.vendor))).toEqual(new Set(['DATADOG', 'MONGODB_CLOUD_MANAGER', 'OPSRAMP']));
    } finally {
      await closed.close();
    }
  });
});

describe('the cost of a request is the slowest vendor, not the sum', () => {
  it('with 50-250 ms latencies the inventory takes under 1.5x the slowest', async () => {
    const latencies: Record<string, number> = { datadog: 50, chronosphere: 100, mongodb: 150, cortex: 200, opsramp: 250 };
    await page({ first: 100 }); // warm pools and tokens
    for (const { kit, simulator } of fleet.simulators) simulator.server.addFault({ delayMs: latencies[kit.vendor] ?? 0 });
    const started = performance.now();
    const all = await page({ first: 100 });
    const elapsed = performance.now() - started;
    expect(all.failures).toEqual([]);
    expect(elapsed).toBeLessThan(250 * 1.5);
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });
});
