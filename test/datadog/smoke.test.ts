import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { DATADOG_SEED_CONNECTION_IDS } from '../../src/simulators/datadog/seed.js';
import { startHarness, type Harness } from '../support/harness.js';

let sim: DatadogSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createDatadogSimulator();
  const baseUrl = await sim.server.listen();
  h = await startHarness({ accounts: [{ id: 'dd', vendor: 'datadog', baseUrl, apiKey: 'k', appKey: 'a' }] });
  for (const id of Object.values(DATADOG_SEED_CONNECTION_IDS)) await h.store.trackDatadogConnection('dd', id);
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});

describe('smoke', () => {
  it('lists and creates', async () => {
    const list = await h.gql(`{ connections { totalCount nodes { __typename ... on VendorConnection { id name } } failures { error { message } } } }`);
    expect(list.errors).toBeUndefined();
    const created = await h.gql(
      `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) { __typename ... on DatadogActionConnectionPayload { connection { id name integration { __typename ... on DatadogOpenAiIntegration { apiToken { isSet lastFour } } } } } ... on Error { message } } }`,
      { input: { account: 'dd', name: 'x', integration: { openAi: { apiToken: 'sk-supersecretvalue-1234' } } } },
    );
    console.log(JSON.stringify(list.data).slice(0, 500), created.raw, h.logger.lines);
    expect(created.raw).not.toContain('supersecret');
  });
});
