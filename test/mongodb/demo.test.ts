import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/base.js';
import { SIMULATOR_KITS } from '../../src/simulators/index.js';
import { MONGODB_DEMO_GROUP_ID_LIST } from '../../src/simulators/mongodb/seed.js';
import { cloudManagerApiRoot } from '../../src/vendors/mongodb/runtime.js';
import { startHarness, type Harness } from '../support/harness.js';

let simulator: Simulator;
let h: Harness;

beforeAll(async () => {
  const kit = SIMULATOR_KITS.find((k) => k.vendor === 'mongodb');
  if (!kit) throw new Error('no mongodb simulator kit');
  simulator = kit.create();
  const baseUrl = await simulator.server.listen();
  h = await startHarness({ accounts: [kit.demoAccount(baseUrl)] });
});
afterAll(async () => {
  await h.close();
  await simulator.server.close();
});

describe('demo mode', () => {
  it('comes after chronosphere and before cortex in the documented order', () => {
    const order = SIMULATOR_KITS.map((k) => k.vendor).filter((v) => ['datadog', 'chronosphere', 'mongodb', 'cortex', 'opsramp'].includes(v));
    expect(order.indexOf('mongodb')).toBeGreaterThan(order.indexOf('chronosphere'));
    if (order.includes('cortex')) expect(order.indexOf('mongodb')).toBeLessThan(order.indexOf('cortex'));
  });

  it('the demo account reads every seeded project through real Digest', async () => {
    const response = await h.gql(`{ connections(first: 100) { totalCount failures { error { message } } nodes { ... on MongoDbIntegration { groupId type service } } } }`);
    expect(response.errors).toBeUndefined();
    const page = response.data?.['connections'] as { totalCount: number; failures: unknown[]; nodes: { groupId: string }[] };
    expect(page.failures).toEqual([]);
    expect(page.totalCount).toBe(11);
    expect(new Set(page.nodes.map((n) => n.groupId))).toEqual(new Set(MONGODB_DEMO_GROUP_ID_LIST));
    expect(MONGODB_DEMO_GROUP_ID_LIST.every((id) => /^[0-9a-f]{24}$/.test(id))).toBe(true);
  });
});

describe('the base URL as users write it', () => {
  it('a host-only URL gets the public API prefix; a URL with a path is used as written', () => {
    expect(cloudManagerApiRoot('https://cloud.mongodb.com')).toBe('https://cloud.mongodb.com/api/public/v1.0');
    expect(cloudManagerApiRoot('https://ops.example:8443/')).toBe('https://ops.example:8443/api/public/v1.0');
    expect(cloudManagerApiRoot('https://cloud.mongodb.com/api/public/v1.0')).toBe('https://cloud.mongodb.com/api/public/v1.0');
    expect(cloudManagerApiRoot('https://proxy.example/mms/api/public/v1.0')).toBe('https://proxy.example/mms/api/public/v1.0');
  });

  it('an account configured with the host alone (as the README shows) reads every project under the API prefix', async () => {
    const kit = SIMULATOR_KITS.find((k) => k.vendor === 'mongodb');
    if (!kit) throw new Error('no mongodb simulator kit');
    const hostOnly = { ...kit.demoAccount(simulator.server.baseUrl), id: 'mongodb-host-only', baseUrl: simulator.server.baseUrl };
    const other = await startHarness({ accounts: [hostOnly] });
    try {
      simulator.server.clearRequests();
      const response = await other.gql(`{ connections(first: 100) { totalCount failures { error { __typename } } } }`);
      expect(response.errors).toBeUndefined();
      expect(response.data?.['connections']).toEqual({ totalCount: 11, failures: [] });
      const paths = simulator.server.requests.map((r) => r.path);
      expect(paths.length).toBeGreaterThan(0);
      expect(paths.every((path) => path.startsWith('/api/public/v1.0/groups/'))).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('a project that fails while the others answer', () => {
  it('lists the other projects and reports one failure naming the project; every project failing is one account failure', async () => {
    const kit = SIMULATOR_KITS.find((k) => k.vendor === 'mongodb');
    if (!kit) throw new Error('no mongodb simulator kit');
    const demo = kit.demoAccount(simulator.server.baseUrl);
    const missing = 'ffffffffffffffffffffffff';
    const partly = { ...demo, id: 'mongodb-partly', groupIds: [...MONGODB_DEMO_GROUP_ID_LIST, missing] };
    const noneThere = { ...demo, id: 'mongodb-none-there', groupIds: ['fffffffffffffffffffffffe', missing] };
    const other = await startHarness({ accounts: [partly, noneThere] });
    try {
      const response = await other.gql(
        `{ connections(first: 100) { totalCount nodes { ... on MongoDbIntegration { account { key } groupId } } failures { account { key } part error { __typename ... on NotFoundError { vendorCode } } } } }`,
      );
      expect(response.errors).toBeUndefined();
      const page = response.data?.['connections'] as { totalCount: number; nodes: { account: { key: string }; groupId: string }[]; failures: unknown[] };
      expect(page.totalCount).toBe(11);
      // The other projects' integrations are all there, and all from the account that partly failed.
      expect(new Set(page.nodes.map((n) => n.groupId))).toEqual(new Set(MONGODB_DEMO_GROUP_ID_LIST));
      expect(page.nodes.every((n) => n.account.key === 'mongodb-partly')).toBe(true);
      // Its error says why by the vendor's own code (Cloud Manager's 404 GROUP_NOT_FOUND).
      expect(page.failures).toEqual([
        { account: { key: 'mongodb-partly' }, part: `project ${missing}`, error: { __typename: 'NotFoundError', vendorCode: 'GROUP_NOT_FOUND' } },
        { account: { key: 'mongodb-none-there' }, part: null, error: { __typename: 'NotFoundError', vendorCode: 'GROUP_NOT_FOUND' } },
      ]);
    } finally {
      await other.close();
    }
  });
});
