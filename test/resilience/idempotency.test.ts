import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { sharedMemoryStore, startHarness, type Harness } from '../support/harness.js';

const CREATE = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) {
  __typename
  ... on Error { message }
  ... on InputValidationError { fieldErrors { path message } }
  ... on DatadogActionConnectionPayload { connection { id connectionId name } }
} }`;

let sim: DatadogSimulator;
let h: Harness;

function posts(): number {
  return sim.server.requests.filter((r) => r.method === 'POST').length;
}

function input(key: string, name = 'idempotent', extra: Record<string, unknown> = {}) {
  return { input: { account: 'dd-idem', name, idempotencyKey: key, integration: { openAi: { apiToken: 'sk-idem-0123456789abcdef' } }, ...extra } };
}

beforeAll(async () => {
  sim = createDatadogSimulator();
  await sim.server.listen();
  h = await startHarness({ accounts: [{ id: 'dd-idem', vendor: 'datadog', baseUrl: sim.server.baseUrl, apiKey: 'k', appKey: 'a' }] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});

describe('idempotency keys', () => {
  it('a repeat with the same key and input returns the first outcome without calling the vendor again', async () => {
    sim.server.clearRequests();
    const first = await h.gql(CREATE, input('key-repeat'));
    const second = await h.gql(CREATE, input('key-repeat'));
    expect(first.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'DatadogActionConnectionPayload' });
    expect(second.data).toEqual(first.data);
    expect(posts()).toBe(1);
    expect(second.extensions?.['vendorCalls']).toEqual([]);
    const audit = await h.store.listAudit({ operation: 'createDatadogActionConnection', limit: 2 });
    expect(audit.map((a) => a.outcome)).toEqual(['REPLAYED', 'OK']);
  });

  it('the same key with a different input is an InputValidationError and calls nothing', async () => {
    await h.gql(CREATE, input('key-mismatch', 'first name'));
    sim.server.clearRequests();
    const other = await h.gql(CREATE, input('key-mismatch', 'another name'));
    expect(other.data?.['createDatadogActionConnection']).toMatchObject({
      __typename: 'InputValidationError',
      fieldErrors: [{ path: ['idempotencyKey'], message: expect.stringContaining('different input') }],
    });
    expect(posts()).toBe(0);
  });

  it('holds across a restart (a new gateway on the same store)', async () => {
    const first = await h.gql(CREATE, input('key-restart'));
    const again = await startHarness({ accounts: [{ id: 'dd-idem', vendor: 'datadog', baseUrl: sim.server.baseUrl, apiKey: 'k', appKey: 'a' }], store: await sharedMemoryStore() });
    try {
      sim.server.clearRequests();
      const replay = await again.gql(CREATE, input('key-restart'));
      expect(replay.data).toEqual(first.data);
      expect(posts()).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('keeps a definite failure (the vendor refused the input) and replays it', async () => {
    sim.server.addFault({ match: { method: 'POST' }, times: 1, response: { status: 400, body: { errors: [{ title: 'Generic Error', detail: 'invalid' }] } } });
    const first = await h.gql(CREATE, input('key-refused'));
    expect(first.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'VendorValidationError' });
    sim.server.clearRequests();
    const replay = await h.gql(CREATE, input('key-refused'));
    expect(replay.data).toEqual(first.data);
    expect(posts()).toBe(0);
  });

  it('forgets a transient failure, so the same key may be tried again', async () => {
    sim.server.addFault({ match: { method: 'POST' }, times: 1, response: { status: 503, body: { errors: ['Service Unavailable'] } } });
    const first = await h.gql(CREATE, input('key-transient'));
    expect(first.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'VendorUnavailableError' });
    const second = await h.gql(CREATE, input('key-transient'));
    expect(second.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'DatadogActionConnectionPayload' });
  });

  it('refuses a malformed key before anything else', async () => {
    sim.server.clearRequests();
    const result = await h.gql(CREATE, input('has spaces and / slashes'));
    expect(result.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'InputValidationError' });
    expect(posts()).toBe(0);
  });
});
