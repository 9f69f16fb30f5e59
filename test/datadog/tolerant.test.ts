import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APP_KEYS, API_PATHS, GET, READ_ERROR, at, connectionGid, createAtSimulator, field, list, requestsOf, startDatadogEnv, text, unique, type DatadogEnv } from './support.js';

/*
 * Issue 10, point 1, for Datadog: one bad item never blanks an account. Datadog has no list
 * endpoint, so the inventory reads each tracked connection; a read answered with a body that breaks
 * the contract is an item failure beside the good items. An integration type Patchbay does not know
 * is not a break: it lists as `DatadogUnknownIntegration`. App key registration pages are read
 * item by item, with `meta` optional and an unknown `type` read as UNKNOWN.
 */

const ACCOUNT = 'dd-tolerant';
/** Secrets Datadog echoes back (the simulator is told to) inside the broken answers: none may leave Patchbay. */
const CANARY = `canary-${unique('dd-tolerant-secret')}`;
const CANARY_UNKNOWN = `canary-${unique('dd-unknown-type-secret')}`;

let env: DatadogEnv;

beforeAll(async () => {
  env = await startDatadogEnv({ accounts: [ACCOUNT], simulator: { echoSecrets: true } });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => {
  env.sim.server.clearFaults();
  env.sim.clearMalformedConnections();
});

const INVENTORY = `query($filter: ConnectionFilter) {
  connections(filter: $filter, first: 50) {
    totalCount
    nodes { __typename ... on DatadogActionConnection { connectionId name integration { __typename ... on DatadogUnknownIntegration { integrationType credentialType } } } }
    failures { account { key } error { __typename message } }
    itemFailures { account { key } part vendorId error { __typename message ... on VendorError { accountKey: account httpStatus vendorCode retryable } } }
  } }`;

/** Makes a connection at Datadog (outside Patchbay) with a canary secret, and tracks it. */
async function trackedOpenAi(label: string): Promise<string> {
  const connectionId = await createAtSimulator(env.sim, unique(`Tolerant ${label}`), { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: CANARY } });
  await env.h.store.trackDatadogConnection(ACCOUNT, connectionId);
  return connectionId;
}

function expectNoCanary(raw: string): void {
  for (const canary of [CANARY, CANARY_UNKNOWN]) {
    expect(raw).not.toContain(canary);
    expect(env.h.logger.lines.join('\n')).not.toContain(canary);
  }
}

describe('the connections inventory over tracked Datadog connections', () => {
  it('lists the good connections and reports each malformed answer as an item failure naming its id', async () => {
    const good = await trackedOpenAi('good');
    const nullName = await trackedOpenAi('null name');
    const badType = await trackedOpenAi('bad integration type');
    const badTime = await trackedOpenAi('bad time');
    const unknownType = await trackedOpenAi('unknown type');
    env.sim.malformConnection(nullName, { name: null });
    env.sim.malformConnection(badType, { integration: { type: 42, credentials: { type: 'OpenAIAPIKey', api_token: CANARY } } });
    env.sim.malformConnection(badTime, { created_at: 'the day before yesterday' });
    env.sim.malformConnection(unknownType, { integration: { type: 'Jira', credentials: { type: 'JiraAPIToken', api_token: CANARY_UNKNOWN } } });
    env.sim.server.clearRequests();

    const response = await env.gql(INVENTORY, { filter: { accounts: [ACCOUNT] } });
    const page = field(response, 'connections');

    expect(page['failures']).toEqual([]);
    expect(page['totalCount']).toBe(2);
    const nodes = list(page['nodes']);
    expect(nodes.map((n) => at(n, 'connectionId')).sort()).toEqual([good, unknownType].sort());
    // A type Patchbay does not know lists through the explicit fallback member, its credentials hidden.
    expect(nodes.find((n) => at(n, 'connectionId') === unknownType)).toMatchObject({
      integration: { __typename: 'DatadogUnknownIntegration', integrationType: 'Jira', credentialType: 'JiraAPIToken' },
    });
    const itemFailures = list(page['itemFailures']);
    // In the store's tracked order, each a typed VendorContractError for this account, named by its Datadog id.
    const broken = new Set([nullName, badType, badTime]);
    const trackedOrder = (await env.h.store.listTrackedDatadogConnections(ACCOUNT)).map((row) => row.connectionId).filter((id) => broken.has(id));
    expect(trackedOrder).toHaveLength(3);
    expect(itemFailures).toEqual(
      trackedOrder.map((vendorId) => ({
        account: { key: ACCOUNT },
        part: null,
        vendorId,
        error: {
          __typename: 'VendorContractError',
          message: 'Datadog answered 200 with a body that does not match its contract.',
          accountKey: ACCOUNT,
          httpStatus: 200,
          vendorCode: null,
          retryable: false,
        },
      })),
    );
    // One GET per tracked connection, nothing else.
    expect(
      requestsOf(env.sim)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([good, nullName, badType, badTime, unknownType].map((id) => `GET ${API_PATHS.connections}/${id}`).sort());
    // The log says where each answer broke (path and issue code), never what it held.
    const log = env.h.logger.lines.join('\n');
    expect(log).toContain('data.attributes.name: invalid_type');
    expect(log).toContain('data.attributes.integration.type: invalid_type');
    expect(log).toContain('data.attributes.created_at: custom');
    expectNoCanary(response.raw);
  });

  it('reads the same connection again once Datadog answers it well', async () => {
    const flaky = await trackedOpenAi('heals');
    env.sim.malformConnection(flaky, { name: null });
    const broken = field(await env.gql(INVENTORY, { filter: { accounts: [ACCOUNT] } }), 'connections');
    expect(list(broken['itemFailures']).map((f) => at(f, 'vendorId'))).toContain(flaky);
    env.sim.clearMalformedConnections();
    const healed = field(await env.gql(INVENTORY, { filter: { accounts: [ACCOUNT] } }), 'connections');
    expect(list(healed['itemFailures']).map((f) => at(f, 'vendorId'))).not.toContain(flaky);
    expect(list(healed['nodes']).map((n) => at(n, 'connectionId'))).toContain(flaky);
  });

  it('connection(id) of a malformed answer is a VendorContractError result, not a top-level error', async () => {
    const connectionId = await trackedOpenAi('single read');
    env.sim.malformConnection(connectionId, { name: null, tags: 'not-a-list' });
    const response = await env.gql(GET, { id: connectionGid(ACCOUNT, connectionId) });
    expect(response.errors, response.raw).toBeUndefined();
    expect(response.data?.['result']).toMatchObject({ __typename: 'VendorContractError', accountKey: ACCOUNT, httpStatus: 200 });
    expectNoCanary(response.raw);
  });
});

describe('app key registrations, read item by item', () => {
  const GOOD = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
  const NEW_TYPE = '7a2e3d4c-5b6f-4071-9b8c-0d1e2f3a4b5c';
  const NULL_TYPE = '8b3f4e5d-6c70-4182-8c9d-1e2f3a4b5c6d';
  const PAGE = `query($account: String!, $first: Int) { result: datadogAppKeyRegistrations(account: $account, first: $first) {
    __typename ... on DatadogAppKeyRegistrationPage { nodes { appKeyId type } itemFailures { account { key } part vendorId error { __typename message } } totalCount hasNextPage endCursor }
    ${READ_ERROR} } }`;

  /** Datadog's next list answer, once. */
  function answerList(body: unknown): void {
    env.sim.server.addFault({
      match: { method: 'GET', path: `^${API_PATHS.appKeys}$` },
      times: 1,
      response: { status: 200, headers: { 'content-type': 'application/vnd.api+json' }, body },
    });
  }

  it.each([
    ['meta null', { meta: null }],
    ['meta left out', {}],
    ['meta without counts', { meta: {} }],
  ])('with %s: good and unknown-typed items list, broken ones are item failures, and nothing throws', async (_label, meta) => {
    answerList({
      data: [{ id: GOOD, type: 'app_key_registration' }, { id: NEW_TYPE, type: 'app_key_registration_v2' }, { id: NULL_TYPE, type: null }, { type: 'app_key_registration' }, 'not an object'],
      ...meta,
    });
    const page = field(await env.gql(PAGE, { account: ACCOUNT, first: 10 }));
    expect(page).toEqual({
      __typename: 'DatadogAppKeyRegistrationPage',
      nodes: [
        { appKeyId: GOOD, type: 'APP_KEY_REGISTRATION' },
        { appKeyId: NEW_TYPE, type: 'UNKNOWN' },
      ],
      itemFailures: [
        {
          account: { key: ACCOUNT },
          part: null,
          vendorId: NULL_TYPE,
          error: {
            __typename: 'VendorContractError',
            message: `Datadog sent app key registration "${NULL_TYPE}" (item 3 of its answer) that does not match its contract (type: invalid_type); Patchbay left it out and kept the rest.`,
          },
        },
        {
          account: { key: ACCOUNT },
          part: null,
          vendorId: null,
          error: {
            __typename: 'VendorContractError',
            message:
              'Datadog sent an app key registration whose id it could not read (item 4 of its answer) that does not match its contract (id: invalid_type); Patchbay left it out and kept the rest.',
          },
        },
        {
          account: { key: ACCOUNT },
          part: null,
          vendorId: null,
          error: {
            __typename: 'VendorContractError',
            message:
              'Datadog sent an app key registration whose id it could not read (item 5 of its answer) that does not match its contract ((item): invalid_type); Patchbay left it out and kept the rest.',
          },
        },
      ],
      // No total from Datadog: 5 items on a page of 10 means this was the last page.
      totalCount: null,
      hasNextPage: false,
      endCursor: null,
    });
  });

  it('counts unreadable items as part of the page when deciding whether another page follows', async () => {
    answerList({ data: [{ id: GOOD, type: 'app_key_registration' }, { id: NULL_TYPE }], meta: null });
    const page = field(await env.gql(PAGE, { account: ACCOUNT, first: 2 }));
    expect(page).toMatchObject({ nodes: [{ appKeyId: GOOD }], totalCount: null, hasNextPage: true });
    expect(list(page['itemFailures']).map((f) => at(f, 'vendorId'))).toEqual([NULL_TYPE]);
    expect(text(page['endCursor'])).not.toBe('');
  });

  it('the registration a register answers with an unknown type is UNKNOWN, not a failure', async () => {
    env.sim.server.addFault({
      match: { method: 'PUT', path: `^${API_PATHS.appKeys}/` },
      times: 1,
      response: { status: 201, headers: { 'content-type': 'application/vnd.api+json' }, body: { data: { id: NEW_TYPE, type: 'app_key_registration_v2' } } },
    });
    const response = await env.gql(
      `mutation($account: String!, $appKeyId: String!) { result: registerDatadogAppKey(input: { account: $account, appKeyId: $appKeyId }) {
        __typename ... on DatadogAppKeyRegistrationPayload { registration { appKeyId type } } } }`,
      { account: ACCOUNT, appKeyId: NEW_TYPE },
    );
    expect(field(response)).toEqual({ __typename: 'DatadogAppKeyRegistrationPayload', registration: { appKeyId: NEW_TYPE, type: 'UNKNOWN' } });
  });

  it('the usual page still reads as before', async () => {
    const page = field(await env.gql(APP_KEYS, { account: ACCOUNT, first: 50 }));
    expect(page).toMatchObject({ __typename: 'DatadogAppKeyRegistrationPage', itemFailures: [], hasNextPage: false });
    expect(list(page['nodes']).every((n) => at(n, 'type') === 'APP_KEY_REGISTRATION')).toBe(true);
  });
});
