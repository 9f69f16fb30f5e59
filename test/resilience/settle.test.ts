import type { MongoDbAccountConfig } from '../../src/vendors/mongodb/runtime.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../inventory/support.js';

/*
 * A create whose answer is lost after the vendor applied it is settled by reading its natural key
 * back once; when the read-back does not show it, the result stays OutcomeUnknownError. Exactly
 * one write reaches the vendor either way.
 */

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet();
});
afterAll(async () => {
  await fleet.close();
});
beforeEach(() => {
  for (const { simulator } of fleet.simulators) {
    simulator.server.reset();
  }
});

function posts(vendor: string): number {
  return fleet.sim(vendor).server.requests.filter((r) => r.method === 'POST' && !r.path.endsWith('/oauth/token')).length;
}

const DELETE_CORTEX = `mutation { deleteCortexPagerDutyConfiguration(input: { account: "cortex-demo" }) { __typename } }`;
const ADD_CORTEX = `mutation($token: String!) { addCortexPagerDutyConfiguration(input: { account: "cortex-demo", token: $token, isTokenReadonly: true }) {
  __typename ... on Error { message } ... on OutcomeUnknownError { check } ... on CortexPagerDutyConfigurationPayload { configuration { isTokenReadonly } } } }`;

describe('Cortex: the workspace is the natural key', () => {
  it('settles a lost answer as success when the read-back shows the configuration sent', async () => {
    await fleet.h.gql(DELETE_CORTEX);
    fleet.sim('cortex').server.addFault({ match: { method: 'POST' }, times: 1, action: 'applied-reset' });
    const result = await fleet.h.gql(ADD_CORTEX, { token: 'u+settled-token-WXYZ' });
    expect(result.data?.['addCortexPagerDutyConfiguration']).toMatchObject({ __typename: 'CortexPagerDutyConfigurationPayload', configuration: { isTokenReadonly: true } });
    expect(posts('cortex')).toBe(1);
  });

  it('stays OutcomeUnknownError when the read-back does not show it', async () => {
    await fleet.h.gql(DELETE_CORTEX);
    fleet.sim('cortex').server.addFault({ match: { method: 'POST' }, times: 1, action: 'reset' });
    const result = await fleet.h.gql(ADD_CORTEX, { token: 'u+lost-token-ABCD' });
    expect(result.data?.['addCortexPagerDutyConfiguration']).toMatchObject({ __typename: 'OutcomeUnknownError', check: expect.stringContaining('read-back') });
    expect(posts('cortex')).toBe(1);
  });
});

describe('Cloud Manager: project + type is the natural key', () => {
  it('settles a lost create when the type now exists in the project', async () => {
    const groupId = (fleet.accounts.find((a) => a.vendor === 'mongodb') as MongoDbAccountConfig).groupIds[0];
    const list = await fleet.h.gql(`{ connections(first: 100, filter: { vendors: [MONGODB_CLOUD_MANAGER] }) { nodes { ... on MongoDbIntegration { id groupId type } } } }`);
    const existing = (list.data?.['connections'] as { nodes: { id: string; groupId: string; type: string }[] }).nodes.filter((n) => n.groupId === groupId);
    const victim = existing.find((n) => n.type === 'WEBHOOK') ?? existing[0];
    if (!victim) throw new Error('seed has no integration in the first project');
    await fleet.h.gql(`mutation($id: ID!) { deleteMongoDbIntegration(input: { id: $id }) { __typename } }`, { id: victim.id });
    fleet.sim('mongodb').server.addFault({ match: { method: 'POST' }, times: 1, action: 'applied-reset' });
    const integration =
      victim.type === 'WEBHOOK'
        ? { webhook: { url: 'https://hooks.example.com/settled', secret: 'whsec-settled-0123456789' } }
        : { victorOps: { apiKey: 'victorops-settled-0123456789', routingKey: 'sre' } };
    const result = await fleet.h.gql(
      `mutation($input: CreateMongoDbIntegrationInput!) { createMongoDbIntegration(input: $input) { __typename ... on Error { message } ... on MongoDbIntegrationPayload { integration { type } } } }`,
      { input: { account: 'mongodb-demo', groupId, integration } },
    );
    expect(result.data?.['createMongoDbIntegration']).toMatchObject({ __typename: 'MongoDbIntegrationPayload' });
    expect(fleet.sim('mongodb').server.requests.filter((r) => r.method === 'POST' && r.path.includes('/integrations/')).length).toBe(1);
  });
});
