import type { MongoDbAccountConfig } from '../../src/vendors/mongodb/runtime.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFleet, vendorRequests, type Fleet } from './support.js';

/*
 * Per-request batching and de-duplication, proven from the simulators' request logs: every
 * vendor resource is fetched at most once per request, and lookups by id use the cheapest calls.
 */

interface Node {
  __typename: string;
  id: string;
  vendor: string;
}

const INVENTORY = `{ connections(first: 100) { nodes { __typename ... on VendorConnection { id vendor } } failures { account { key } } } }`;

let fleet: Fleet;
let all: Node[];

function idsOf(vendor: string): string[] {
  return all.filter((n) => n.vendor === vendor).map((n) => n.id);
}

function countRequests(vendor: string, filter: (r: { method: string; path: string }) => boolean = () => true): number {
  return vendorRequests(fleet, vendor).filter((r) => r.method === 'GET' && filter(r)).length;
}

beforeAll(async () => {
  fleet = await startFleet();
  const result = await fleet.h.gql(INVENTORY);
  all = (result.data?.['connections'] as { nodes: Node[] }).nodes;
});
afterAll(async () => {
  await fleet.close();
});
beforeEach(() => {
  for (const { simulator } of fleet.simulators) simulator.server.clearRequests();
});

describe('lookups by id use the cheapest vendor calls', () => {
  it('50 Cloud Manager lookups of one project cost one list request', async () => {
    const group = idsOf('MONGODB_CLOUD_MANAGER');
    expect(group.length).toBeGreaterThan(2);
    // Cloud Manager keeps one integration per type per project; 50 lookups repeat them.
    const projectIds = group.filter(
      (id) =>
        Buffer.from(id, 'base64url').toString().split('/')[1] ===
        Buffer.from(group[0] ?? '', 'base64url')
          .toString()
          .split('/')[1],
    );
    const ids = Array.from({ length: 50 }, (_, i) => projectIds[i % projectIds.length]);
    const result = await fleet.h.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(result.errors).toBeUndefined();
    expect((result.data?.['nodes'] as { id: string }[]).map((n) => n.id)).toEqual(ids);
    expect(countRequests('mongodb', (r) => r.path.endsWith('/integrations'))).toBe(1);
    expect(countRequests('mongodb', (r) => !r.path.endsWith('/integrations'))).toBe(0);
  });

  it('many Chronosphere connections by id cost one list call filtered by slugs', async () => {
    const ids = idsOf('CHRONOSPHERE');
    expect(ids.length).toBeGreaterThan(3);
    const result = await fleet.h.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect((result.data?.['nodes'] as { id: string }[]).map((n) => n.id)).toEqual(ids);
    const requests = vendorRequests(fleet, 'chronosphere');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe('/api/v1/config/external-connections');
  });

  it('node and nodes keep order, with null for unknown and foreign ids', async () => {
    const datadog = idsOf('DATADOG');
    const ids = [datadog[0], 'not-an-id', Buffer.from('DatadogActionConnection:nobody/0b6f3c1e-5a2d-4e8f-9c71-3d4a5b6c7e80').toString('base64url'), datadog[1]];
    const result = await fleet.h.gql(`query($ids: [ID!]!, $one: ID!) { nodes(ids: $ids) { id } node(id: $one) { id } }`, { ids, one: 'garbage' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['nodes']).toEqual([{ id: datadog[0] }, null, null, { id: datadog[1] }]);
    expect(result.data?.['node']).toBeNull();
  });
});

describe('each vendor resource is fetched at most once per request', () => {
  it('connections plus 20 node lookups of the same items make no extra requests', async () => {
    const picks = all.slice(0, 20).map((n) => n.id);
    const aliases = picks.map((id, i) => `n${i}: node(id: "${id}") { id }`).join('\n');
    await fleet.h.gql(INVENTORY);
    const alone: Record<string, number> = {};
    for (const { kit } of fleet.simulators) alone[kit.vendor] = vendorRequests(fleet, kit.vendor).length;
    for (const { simulator } of fleet.simulators) simulator.server.clearRequests();
    const result = await fleet.h.gql(`{ connections(first: 100) { totalCount } ${aliases} }`);
    expect(result.errors).toBeUndefined();
    for (const { kit } of fleet.simulators) expect(vendorRequests(fleet, kit.vendor).length, kit.vendor).toBe(alone[kit.vendor]);
    const calls = result.extensions?.['vendorCalls'] as { cached: boolean }[];
    expect(calls.filter((c) => c.cached).length).toBeGreaterThanOrEqual(20);
  });

  it('the same connection under two aliases is read once', async () => {
    const [id] = idsOf('DATADOG');
    const result = await fleet.h.gql(`query($id: ID!) { a: connection(id: $id) { __typename } b: connection(id: $id) { __typename } }`, { id });
    expect(result.data).toEqual({ a: { __typename: 'DatadogActionConnection' }, b: { __typename: 'DatadogActionConnection' } });
    expect(countRequests('datadog')).toBe(1);
  });

  it('account health probes each account once, all at once', async () => {
    const result = await fleet.h.gql(`{ accounts { key health { status circuit latencyMs error { __typename } } } again: accounts { key health { status } } }`);
    expect(result.errors).toBeUndefined();
    const accounts = result.data?.['accounts'] as { key: string; health: { status: string; circuit: string } }[];
    expect(accounts).toHaveLength(5);
    expect(accounts.every((a) => a.health.status === 'HEALTHY' && a.health.circuit === 'CLOSED')).toBe(true);
    expect(countRequests('datadog')).toBe(1);
    expect(countRequests('cortex')).toBe(1);
  });
});

describe('health shares what the request already read', () => {
  it('health next to the inventory costs no second Cloud Manager or Cortex read', async () => {
    const groups = (fleet.accounts.find((a) => a.vendor === 'mongodb') as MongoDbAccountConfig).groupIds.length;
    const result = await fleet.h.gql(`{ accounts { key health { status } } connections(first: 100) { totalCount } }`);
    expect(result.errors).toBeUndefined();
    expect(countRequests('mongodb', (r) => r.path.endsWith('/integrations'))).toBe(groups);
    expect(countRequests('cortex')).toBe(1);
  });
});

describe('health tells which account is broken and why', () => {
  it('bad credentials are FAILING with VendorAuthError; a rate-limited account is DEGRADED', async () => {
    const broken = await startFleet();
    try {
      broken.sim('cortex').server.addFault({ response: { status: 401, body: { type: 'UNAUTHORIZED', message: 'bad key' } } });
      broken.sim('datadog').server.addFault({ times: 1, response: { status: 429, headers: { 'retry-after': '30' }, body: { errors: ['Too many requests'] } } });
      const result = await broken.h.gql(`{ accounts { key health { status rateLimitedForSeconds error { __typename } } } }`);
      const byKey = Object.fromEntries((result.data?.['accounts'] as { key: string; health: unknown }[]).map((a) => [a.key, a.health]));
      expect(byKey['cortex-demo']).toMatchObject({ status: 'FAILING', error: { __typename: 'VendorAuthError' } });
      expect(byKey['datadog-demo']).toMatchObject({ status: 'DEGRADED', error: { __typename: 'VendorRateLimitedError' } });
      expect((byKey['datadog-demo'] as { rateLimitedForSeconds: number }).rateLimitedForSeconds).toBeGreaterThan(20);
      expect(byKey['opsramp-demo']).toMatchObject({ status: 'HEALTHY', error: null });
    } finally {
      await broken.close();
    }
  });
});
