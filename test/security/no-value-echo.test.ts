import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrubValueEcho } from '../../src/server/no-value-echo.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';

const SECRET = 'sk-CANARY-7d1f0c5e9b2a44e1';
const ACCOUNT_KEY = 'dd-account-key-CANARY-5b7e';

describe('scrubValueEcho', () => {
  it('drops the value graphql-js quotes and keeps where and why', () => {
    expect(scrubValueEcho(`Variable "$input" got invalid value { name: "x", token: "${SECRET}" }; Field "isTokenReadonly" of required type "Boolean!" was not provided.`)).toBe(
      'Variable "$input" got an invalid value; Field "isTokenReadonly" of required type "Boolean!" was not provided.',
    );
    expect(scrubValueEcho(`Variable "$input" got invalid value 12345 at "input.token"; String cannot represent a non string value: 12345`)).toBe(
      'Variable "$input" got an invalid value at "input.token"; String cannot represent a non string value.',
    );
    expect(scrubValueEcho(`Expected value of type "Boolean!", found "${SECRET}".`)).toBe('Expected value of type "Boolean!".');
    expect(scrubValueEcho('Cannot query field "nope" on type "Query".')).toBe('Cannot query field "nope" on type "Query".');
  });
});

describe('a secret in a malformed request never comes back', () => {
  let sim: DatadogSimulator;
  let h: Harness;
  beforeAll(async () => {
    sim = createDatadogSimulator();
    await sim.server.listen();
    h = await startHarness({ accounts: [{ id: 'dd-echo', vendor: 'datadog', baseUrl: sim.server.baseUrl, apiKey: ACCOUNT_KEY, appKey: 'a' }] });
  });
  afterAll(async () => {
    await h.close();
    await sim.server.close();
  });

  const CREATE = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) { __typename } }`;

  it('in a variable that fails coercion', async () => {
    const result = await h.gql(CREATE, { input: { account: 'dd-echo', integration: { openAi: { apiToken: SECRET } } } });
    expect(result.errors?.[0]?.message).toContain('got an invalid value');
    expect(result.raw).not.toContain(SECRET);
  });

  it('in a variable of the wrong type', async () => {
    const result = await h.gql(CREATE, { input: { account: 'dd-echo', name: 'n', integration: { openAi: { apiToken: { nested: SECRET } } } } });
    expect(result.errors).toBeDefined();
    expect(result.raw).not.toContain(SECRET);
  });

  it('in an inline literal that fails validation', async () => {
    const result = await h.gql(
      `mutation { createDatadogActionConnection(input: { account: "dd-echo", name: "n", tags: ["a:b"], integration: { openAi: { apiToken: 42, x: "${SECRET}" } } }) { __typename } }`,
    );
    expect(result.errors).toBeDefined();
    expect(result.raw).not.toContain(SECRET);
    expect(h.logger.lines.join('')).not.toContain(SECRET);
  });

  it('in a document that does not parse', async () => {
    const result = await h.gql(`mutation { createDatadogActionConnection(input: { integration: { openAi: { apiToken "${SECRET}" } } }) { __typename } }`);
    expect(result.errors?.[0]?.message).toContain('Syntax Error');
    expect(result.raw).not.toContain(SECRET);
  });

  it("in a vendor error that repeats the account's own credentials", async () => {
    sim.server.addFault({ match: { method: 'GET' }, times: 1, response: { status: 400, body: { errors: [{ title: 'Bad key', detail: `key ${ACCOUNT_KEY} is not valid` }] } } });
    const result = await h.gql(`{ connection(id: "RGF0YWRvZ0FjdGlvbkNvbm5lY3Rpb246ZGQtZWNoby8wYjZmM2MxZS01YTJkLTRlOGYtOWM3MS0zZDRhNWI2YzdlODA") { __typename ... on Error { message } } }`);
    expect(result.data?.['connection']).toMatchObject({ __typename: 'VendorValidationError' });
    expect(result.raw).not.toContain(ACCOUNT_KEY);
  });

  it('a vendor 409 on a read is a typed result, not a lost response', async () => {
    sim.server.addFault({ match: { method: 'GET' }, times: 1, response: { status: 409, body: { errors: [{ title: 'Conflict' }] } } });
    const result = await h.gql(`{ accounts { key } connection(id: "RGF0YWRvZ0FjdGlvbkNvbm5lY3Rpb246ZGQtZWNoby8wYjZmM2MxZS01YTJkLTRlOGYtOWM3MS0zZDRhNWI2YzdlODA") { __typename } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.['connection']).toEqual({ __typename: 'ConflictError' });
  });
});
