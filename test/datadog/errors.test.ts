import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/core/ids.js';
import { DATADOG_SEED_CONNECTION_IDS } from '../../src/simulators/datadog/seed.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import {
  API_PATHS,
  APP_KEYS,
  CREATE,
  DELETE,
  GET,
  LIST,
  MISSING_UUID,
  NODE,
  REGISTER,
  TRACK,
  UNREGISTER,
  UNTRACK,
  UPDATE,
  at,
  closedPort,
  connectionGid,
  datadogAccount,
  field,
  list,
  obj,
  requestsOf,
  startDatadogEnv,
  text,
  unique,
  type DatadogEnv,
} from './support.js';

/*
 * Acceptance, issue 2: every error type a Datadog call can produce, produced through GraphQL.
 * Each scenario that trips the HTTP layer's retry, quota or breaker state uses its own account,
 * so no scenario inherits another's state.
 */

const CALL_TIMEOUT_MS = 300;
const RIGHT_KEYS = { apiKey: 'right-dd-api-key', appKey: 'right-dd-app-key' };
const JSON_API = { 'content-type': 'application/vnd.api+json' };
/** The body Datadog really answered for an AWS account id that is not 12 digits (recorded). */
const RECORDED_400 = {
  errors: [
    {
      title: 'Generic Error',
      detail:
        'error creating connection: rpc error: code = InvalidArgument desc = multiple errors: 1 error occurred:\n\t* [error_code=8]: invalid CreateCustomConnectionRequest.Data: embedded message failed validation | caused by: invalid CustomConnectionData.Aws: embedded message failed validation | caused by: invalid CustomConnectionData_AwsAuthData.AssumeRole: embedded message failed validation | caused by: invalid CustomConnectionData_AwsAuthData_AssumeRole.AccountId: value does not match regex pattern "^\\\\d{12}$"\n\n',
    },
  ],
};

const ACCOUNTS = [
  'dd-err',
  'dd-rl-reset',
  'dd-rl-after',
  'dd-rl-read',
  'dd-5xx-write',
  'dd-5xx-read',
  'dd-slow-read',
  'dd-slow-write',
  'dd-reset-read',
  'dd-reset-write',
  'dd-contract',
  'dd-truncate',
  'dd-get-429',
  'dd-get-5xx',
  'dd-get-slow',
  'dd-get-contract',
] as const;

let env: DatadogEnv;
let authSim: DatadogSimulator;
/** An AWS connection of `dd-err`, for update tests. */
let awsId: string;
let awsConnectionId: string;

beforeAll(async () => {
  authSim = createDatadogSimulator(RIGHT_KEYS);
  const authUrl = await authSim.server.listen();
  const refusedUrl = `http://127.0.0.1:${await closedPort()}`;
  env = await startDatadogEnv({
    accounts: ACCOUNTS,
    gateway: { vendorCallTimeoutMs: CALL_TIMEOUT_MS, requestDeadlineMs: 3_000 },
    // Retries keep their count and rules; only the random backoff is zero, to keep the file fast.
    resilience: { random: () => 0 },
    extraAccounts: [
      datadogAccount('dd-wrong-keys', authUrl, { apiKey: 'wrong-api-key', appKey: 'wrong-app-key' }),
      datadogAccount('dd-wrong-app-key', authUrl, { apiKey: RIGHT_KEYS.apiKey, appKey: 'wrong-app-key' }),
      datadogAccount('dd-right-keys', authUrl, RIGHT_KEYS),
      datadogAccount('dd-refused-read', refusedUrl),
      datadogAccount('dd-refused-write', refusedUrl),
    ],
  });
  const created = field(await env.gql(CREATE, { input: { account: 'dd-err', name: unique('Errors AWS'), integration: { aws: { accountId: '123456789012', role: 'Errors' } } } }));
  awsId = text(at(created, 'connection', 'id'));
  awsConnectionId = text(at(created, 'connection', 'connectionId'));
});

afterAll(async () => {
  await env?.close();
  await authSim?.server.close();
});

beforeEach(() => {
  env.sim.server.clearFaults();
  env.sim.server.clearRequests();
});
afterEach(() => {
  env.sim.server.clearFaults();
});

function awsInput(account: string): Record<string, unknown> {
  return { account, name: unique('Errors create'), integration: { aws: { accountId: '123456789012', role: 'Errors' } } };
}

async function create(account: string): Promise<Record<string, unknown>> {
  return field(await env.gql(CREATE, { input: awsInput(account) }));
}

async function appKeys(account: string): Promise<Record<string, unknown>> {
  return field(await env.gql(APP_KEYS, { account, first: 10 }));
}

describe('vendor 400/422 → VendorValidationError', () => {
  it('maps a recorded-style 400 body to its last clause, without the internal gRPC text', async () => {
    env.sim.server.addFault({ match: { method: 'POST', path: `^${API_PATHS.connections}$` }, times: 1, response: { status: 400, headers: JSON_API, body: RECORDED_400 } });
    const result = await create('dd-err');
    expect(result).toEqual({
      __typename: 'VendorValidationError',
      message: 'Datadog refused the input: invalid CustomConnectionData_AwsAuthData_AssumeRole.AccountId: value does not match regex pattern "^\\\\d{12}$"',
      vendor: 'DATADOG',
      accountKey: 'dd-err',
      httpStatus: 400,
      vendorCode: 'Generic Error',
      retryable: false,
      retryAfterSeconds: null,
      vendorRequestId: null,
      fieldErrors: [],
    });
    expect(JSON.stringify(result)).not.toMatch(/rpc error|error_code|InvalidArgument/);
  });

  it('turns JSON:API source pointers into field errors, and reads 422 the same way', async () => {
    env.sim.server.addFault({
      match: { method: 'POST', path: `^${API_PATHS.connections}$` },
      times: 1,
      response: {
        status: 422,
        headers: JSON_API,
        body: { errors: [{ status: '422', title: 'Invalid Parameter', detail: 'name is too long', source: { pointer: '/data/attributes/name' } }] },
      },
    });
    expect(await create('dd-err')).toMatchObject({
      __typename: 'VendorValidationError',
      httpStatus: 422,
      vendorCode: 'Invalid Parameter',
      message: 'Datadog refused the input: name is too long',
      fieldErrors: [{ path: ['data', 'attributes', 'name'], message: 'Invalid Parameter' }],
    });
  });

  it("is what Datadog's own validation answers when Patchbay's lets the input through", async () => {
    // A new HTTP header without a value: Patchbay cannot know whether the name exists, Datadog refuses it.
    const created = field(
      await env.gql(CREATE, { input: { account: 'dd-err', name: unique('Errors HTTP'), integration: { http: { baseUrl: 'https://example.com', headers: [{ name: 'X-A', value: 'a' }] } } } }),
    );
    const id = text(at(created, 'connection', 'id'));
    const connectionId = text(at(created, 'connection', 'connectionId'));
    const before = env.sim.storedConnection(connectionId);
    env.sim.server.clearRequests();
    const result = field(await env.gql(UPDATE, { input: { id, integration: { http: { headers: [{ name: 'X-New' }] } } } }));
    expect(result).toMatchObject({ __typename: 'VendorValidationError', httpStatus: 400, vendorCode: 'Generic Error', retryable: false });
    expect(text(result['message'])).toMatch(/^Datadog refused the input: .*Header\.Value: value length must be at least 1 runes$/);
    expect(requestsOf(env.sim).map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect(env.sim.storedConnection(connectionId)).toEqual(before);
  });
});

describe('vendor 401/403 → VendorAuthError', () => {
  it('wrong API and application keys are refused on every operation', async () => {
    const expected = { __typename: 'VendorAuthError', accountKey: 'dd-wrong-keys', httpStatus: 403, vendorCode: 'Forbidden', retryable: false, vendor: 'DATADOG' };
    const created = await create('dd-wrong-keys');
    expect(created).toMatchObject(expected);
    expect(text(created['message'])).toContain('"dd-wrong-keys"');
    expect(await appKeys('dd-wrong-keys')).toMatchObject(expected);
    expect(field(await env.gql(REGISTER, { account: 'dd-wrong-keys', appKeyId: randomUUID() }))).toMatchObject(expected);
    expect(field(await env.gql(TRACK, { account: 'dd-wrong-keys', connectionId: DATADOG_SEED_CONNECTION_IDS.okta }))).toMatchObject(expected);
    expect(field(await env.gql(DELETE, { id: connectionGid('dd-wrong-keys', DATADOG_SEED_CONNECTION_IDS.okta) }))).toMatchObject(expected);
    expect(await appKeys('dd-wrong-app-key')).toMatchObject({ __typename: 'VendorAuthError', accountKey: 'dd-wrong-app-key', httpStatus: 403 });
    // The same simulator accepts the right keys, and nothing was deleted.
    expect((await appKeys('dd-right-keys'))['__typename']).toBe('DatadogAppKeyRegistrationPage');
    expect(authSim.storedConnection(DATADOG_SEED_CONNECTION_IDS.okta)).toBeDefined();
  });

  it('a 401 is an auth error too', async () => {
    env.sim.server.addFault({ match: { method: 'POST' }, times: 1, response: { status: 401, headers: { 'content-type': 'application/json' }, body: { errors: ['Unauthorized'] } } });
    expect(await create('dd-err')).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 401, vendorCode: 'Unauthorized', retryable: false });
  });

  it('one account refusing the keys does not fail `connections`: it is listed under failures', async () => {
    await env.h.store.trackDatadogConnection('dd-wrong-keys', DATADOG_SEED_CONNECTION_IDS.okta);
    await env.h.store.trackDatadogConnection('dd-right-keys', DATADOG_SEED_CONNECTION_IDS.okta);
    const response = await env.gql(LIST, { filter: { accounts: ['dd-wrong-keys', 'dd-right-keys'] } });
    const page = field(response, 'connections');
    expect(list(page['nodes']).map((n) => at(n, 'account', 'key'))).toEqual(['dd-right-keys']);
    expect(page['failures']).toEqual([
      {
        account: { key: 'dd-wrong-keys' },
        error: { __typename: 'VendorAuthError', message: expect.any(String), accountKey: 'dd-wrong-keys', httpStatus: 403, retryable: false, retryAfterSeconds: null },
      },
    ]);
  });
});

describe('vendor 404 → NotFoundError', () => {
  it('for every mutation that names something Datadog does not have', async () => {
    const missing = connectionGid('dd-err', MISSING_UUID);
    expect(field(await env.gql(UPDATE, { input: { id: missing, name: 'x' } }))).toMatchObject({ __typename: 'NotFoundError' });
    expect(field(await env.gql(UPDATE, { input: { id: missing, integration: { aws: { role: 'x' } } } }))).toMatchObject({ __typename: 'NotFoundError' });
    expect(field(await env.gql(DELETE, { id: missing }))).toMatchObject({ __typename: 'NotFoundError' });
    expect(field(await env.gql(TRACK, { account: 'dd-err', connectionId: MISSING_UUID }))).toMatchObject({ __typename: 'NotFoundError' });
    expect(field(await env.gql(UNREGISTER, { account: 'dd-err', appKeyId: MISSING_UUID }))).toMatchObject({ __typename: 'NotFoundError' });
    // Each of them did reach Datadog.
    expect(requestsOf(env.sim).map((r) => r.method)).toEqual(['PATCH', 'GET', 'DELETE', 'GET', 'DELETE']);
  });

  it('for connection(id) of a connection Datadog does not have (a result, not a top-level error)', async () => {
    const id = connectionGid('dd-err', MISSING_UUID);
    const response = await env.gql(GET, { id });
    expect(response.errors, response.raw).toBeUndefined();
    expect(response.data?.['result']).toMatchObject({ __typename: 'NotFoundError', resourceId: id });
  });
});

describe('vendor 429 → VendorRateLimitedError with retryAfterSeconds from the headers', () => {
  it('reads X-RateLimit-Reset', async () => {
    env.sim.server.addFault({
      match: { method: 'POST', path: `^${API_PATHS.connections}$` },
      times: 1,
      response: {
        status: 429,
        headers: { ...JSON_API, 'X-RateLimit-Limit': '60', 'X-RateLimit-Period': '60', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '17', 'X-RateLimit-Name': 'actions_connections' },
        body: { errors: ['Too many requests'] },
      },
    });
    expect(await create('dd-rl-reset')).toMatchObject({
      __typename: 'VendorRateLimitedError',
      accountKey: 'dd-rl-reset',
      httpStatus: 429,
      retryable: true,
      retryAfterSeconds: 17,
    });
  });

  it('reads Retry-After', async () => {
    env.sim.server.addFault({ match: { method: 'POST' }, times: 1, response: { status: 429, headers: { ...JSON_API, 'Retry-After': '42' }, body: { errors: ['Too many requests'] } } });
    expect(await create('dd-rl-after')).toMatchObject({ __typename: 'VendorRateLimitedError', httpStatus: 429, retryable: true, retryAfterSeconds: 42 });
  });

  it('on a read, too (the wait is longer than the request may take)', async () => {
    env.sim.server.addFault({
      match: { method: 'GET', path: API_PATHS.appKeys },
      times: 1,
      response: { status: 429, headers: { ...JSON_API, 'X-RateLimit-Reset': '9' }, body: { errors: ['Too many requests'] } },
    });
    const started = Date.now();
    expect(await appKeys('dd-rl-read')).toMatchObject({ __typename: 'VendorRateLimitedError', accountKey: 'dd-rl-read', retryable: true, retryAfterSeconds: 9 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('vendor 5xx → VendorUnavailableError', () => {
  it.each([500, 503])('%i on a create', async (status) => {
    env.sim.server.addFault({ match: { method: 'POST' }, times: 1, response: { status, headers: JSON_API, body: { errors: ['Internal Server Error'] } } });
    expect(await create('dd-5xx-write')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: status, retryable: true, accountKey: 'dd-5xx-write' });
    // A create is never sent twice.
    expect(requestsOf(env.sim, 'POST')).toHaveLength(1);
  });

  it('503 on a read that keeps failing', async () => {
    env.sim.server.addFault({ match: { method: 'GET', path: API_PATHS.appKeys }, response: { status: 503, headers: JSON_API, body: { errors: ['Service Unavailable'] } } });
    expect(await appKeys('dd-5xx-read')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: 503, retryable: true });
  });
});

describe('transport failures', () => {
  it('connection refused → VendorUnavailableError, for reads and for creates (nothing was sent)', async () => {
    expect(await appKeys('dd-refused-read')).toMatchObject({ __typename: 'VendorUnavailableError', accountKey: 'dd-refused-read', httpStatus: null, retryable: true });
    expect(await create('dd-refused-write')).toMatchObject({ __typename: 'VendorUnavailableError', accountKey: 'dd-refused-write', httpStatus: null, retryable: true });
    expect(env.h.logger.lines.some((line) => line.includes('"code":"ECONNREFUSED"') && line.includes('dd-refused-write'))).toBe(true);
  });

  it('a read slower than the call timeout → VendorUnavailableError at the timeout', async () => {
    env.sim.server.addFault({ match: { method: 'GET', path: API_PATHS.appKeys }, times: 1, delayMs: 2_500 });
    const started = Date.now();
    expect(await appKeys('dd-slow-read')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null, retryable: true });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a create slower than the call timeout → OutcomeUnknownError (and it did happen)', async () => {
    const input = awsInput('dd-slow-write');
    env.sim.server.addFault({ match: { method: 'POST', path: `^${API_PATHS.connections}$` }, times: 1, delayMs: 1_200 });
    const before = env.sim.connectionIds().length;
    const started = Date.now();
    const result = field(await env.gql(CREATE, { input }));
    expect(Date.now() - started).toBeLessThan(1_100);
    expect(result).toMatchObject({ __typename: 'OutcomeUnknownError', accountKey: 'dd-slow-write', httpStatus: null, retryable: false });
    expect(text(result['check']).length).toBeGreaterThan(0);
    expect(requestsOf(env.sim, 'POST')).toHaveLength(1);
    // The simulator finishes the create after Patchbay gave up: the outcome really was unknown.
    for (let i = 0; i < 60 && env.sim.connectionIds().length === before; i++) await new Promise((r) => setTimeout(r, 50));
    const names = env.sim.connectionIds().map((id) => env.sim.storedConnection(id)?.name);
    expect(names).toContain(input['name']);
  });

  it('an update whose PATCH hangs → OutcomeUnknownError; a DELETE that hangs → VendorUnavailableError', async () => {
    env.sim.server.addFault({ match: { method: 'PATCH' }, times: 1, action: 'hang' });
    expect(field(await env.gql(UPDATE, { input: { id: awsId, name: 'hung' } }))).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: false });
    env.sim.server.addFault({ match: { method: 'DELETE' }, times: 1, action: 'hang' });
    // The account of awsId is dd-err; this DELETE is idempotent, so a timeout is simply "unavailable".
    expect(field(await env.gql(DELETE, { id: awsId }))).toMatchObject({ __typename: 'VendorUnavailableError', retryable: true });
    expect(env.sim.storedConnection(awsConnectionId)?.name).not.toBe('hung');
  });

  it('a connection reset → OutcomeUnknownError for a create, VendorUnavailableError for a read', async () => {
    env.sim.server.addFault({ match: { method: 'POST' }, times: 1, action: 'reset' });
    expect(await create('dd-reset-write')).toMatchObject({ __typename: 'OutcomeUnknownError', httpStatus: null });
    env.sim.server.addFault({ match: { method: 'GET', path: API_PATHS.appKeys }, action: 'reset' });
    expect(await appKeys('dd-reset-read')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null, retryable: true });
  });

  it('a body cut off mid-way → VendorUnavailableError for a read', async () => {
    env.sim.server.addFault({ match: { method: 'GET', path: API_PATHS.appKeys }, times: 1, action: 'truncate' });
    expect(await appKeys('dd-truncate')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null });
  });
});

describe('a body that breaks the contract → VendorContractError', () => {
  it('200 with the wrong shape: typed error for the client, the details only in the log', async () => {
    env.sim.server.addFault({
      match: { method: 'POST', path: `^${API_PATHS.connections}$` },
      times: 1,
      response: { status: 200, headers: JSON_API, body: { data: { id: 42, type: 'action_connection', attributes: { name: 'shape-marker-7c1e' } } } },
    });
    const result = await create('dd-contract');
    expect(result).toMatchObject({ __typename: 'VendorContractError', accountKey: 'dd-contract', httpStatus: 200, retryable: false });
    expect(JSON.stringify(result)).not.toContain('shape-marker-7c1e');
    const logged = env.h.logger.lines.filter((line) => line.includes('vendor answer breaks its contract') && line.includes('dd-contract'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('data.id');
    expect(logged[0]).toContain(API_PATHS.connections);
    expect(logged[0]).not.toContain('shape-marker-7c1e');
  });

  it("the simulator's malformed body, on a read and on a create", async () => {
    env.sim.server.addFault({ match: { method: 'GET', path: API_PATHS.appKeys }, times: 1, action: 'malformed' });
    expect(await appKeys('dd-contract')).toMatchObject({ __typename: 'VendorContractError', httpStatus: 200 });
    env.sim.server.addFault({ match: { method: 'POST' }, times: 1, action: 'malformed' });
    expect(await create('dd-contract')).toMatchObject({ __typename: 'VendorContractError', httpStatus: 200 });
  });

  it('a body that is not JSON at all', async () => {
    env.sim.server.addFault({ match: { method: 'GET', path: API_PATHS.appKeys }, times: 1, response: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' } });
    expect(await appKeys('dd-contract')).toMatchObject({ __typename: 'VendorContractError', httpStatus: 200 });
  });

  it('a redirect is not followed (credentials never go to another place)', async () => {
    env.sim.server.addFault({
      match: { method: 'POST' },
      times: 1,
      response: { status: 302, headers: { location: `${env.baseUrl}/elsewhere` } },
    });
    expect(await create('dd-contract')).toMatchObject({ __typename: 'VendorContractError', httpStatus: 302 });
    expect(requestsOf(env.sim)).toEqual([{ method: 'POST', path: API_PATHS.connections, query: {} }]);
  });
});

describe('our own validation → InputValidationError, and nothing is sent', () => {
  const http = (over: Record<string, unknown>) => ({ http: { baseUrl: 'https://api.example.com', ...over } });
  const createCases: [string, Record<string, unknown>, { path: string[]; message?: string | RegExp }[]][] = [
    ['AWS account id of 5 digits', { integration: { aws: { accountId: '12345', role: 'r' } } }, [{ path: ['integration', 'aws', 'accountId'], message: 'must be 12 digits' }]],
    ['AWS account id with a letter', { integration: { aws: { accountId: '12345678901a', role: 'r' } } }, [{ path: ['integration', 'aws', 'accountId'], message: 'must be 12 digits' }]],
    ['a tag without a colon', { tags: ['oncall'] }, [{ path: ['tags', '0'], message: 'must be key:value' }]],
    ['a tag key with a space', { tags: ['team:a', 'on call:yes'] }, [{ path: ['tags', '1'], message: 'must be key:value' }]],
    ['the reserved tag key default', { tags: ['team:a', 'default:prod'] }, [{ path: ['tags', '1'], message: /reserved/ }]],
    ['an HTTP header name starting with a digit', { integration: http({ headers: [{ name: '1Authorization', value: 'x' }] }) }, [{ path: ['integration', 'http', 'headers', '0', 'name'] }]],
    ['an HTTP header name with a space', { integration: http({ headers: [{ name: 'X Trace', value: 'x' }] }) }, [{ path: ['integration', 'http', 'headers', '0', 'name'] }]],
    [
      'the same HTTP header twice',
      {
        integration: http({
          headers: [
            { name: 'X-A', value: 'x' },
            { name: 'X-A', value: 'y' },
          ],
        }),
      },
      [{ path: ['integration', 'http', 'headers', '1', 'name'] }],
    ],
    ['an HTTP token name with a dash', { integration: http({ tokens: [{ name: 'page-token', value: 'x' }] }) }, [{ path: ['integration', 'http', 'tokens', '0', 'name'] }]],
    [
      'an HTTP URL parameter name with an underscore',
      { integration: http({ urlParameters: [{ name: 'api_version', value: '1' }] }) },
      [{ path: ['integration', 'http', 'urlParameters', '0', 'name'] }],
    ],
    ['an HTTP base URL that is not http(s)', { integration: { http: { baseUrl: 'ftp://example.com' } } }, [{ path: ['integration', 'http', 'baseUrl'] }]],
    ['a blank name', { name: '   ' }, [{ path: ['name'] }]],
    ['an account that is not configured', { account: 'dd-nope' }, [{ path: ['account'] }]],
    ['several problems at once', { tags: ['nocolon'], integration: { aws: { accountId: '1', role: 'r' } } }, [{ path: ['tags', '0'] }, { path: ['integration', 'aws', 'accountId'] }]],
  ];

  it.each(createCases)('create: %s', async (_label, over, expected) => {
    const input = { ...awsInput('dd-err'), ...over };
    const result = field(await env.gql(CREATE, { input }));
    expect(result['__typename'], JSON.stringify(result)).toBe('InputValidationError');
    const fieldErrors = list(result['fieldErrors']).map((fe) => obj(fe));
    expect(fieldErrors.map((fe) => fe['path'])).toEqual(expected.map((e) => e.path));
    expected.forEach((e, i) => {
      if (e.message !== undefined) expect(text(fieldErrors[i]?.['message'])).toMatch(e.message);
    });
    expect(env.sim.server.requests).toEqual([]);
  });

  it('create: the reserved tag key in capitals (the simulator, like Datadog, refuses it too)', async () => {
    const result = field(await env.gql(CREATE, { input: { ...awsInput('dd-err'), tags: ['DEFAULT:prod'] } }));
    expect(result).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['tags', '0'] }] });
    expect(env.sim.server.requests).toEqual([]);
  });

  it.each([
    ['a bad tag', { tags: ['nocolon'] }, [['tags', '0']]],
    ['the reserved tag key', { tags: ['default:x'] }, [['tags', '0']]],
    ['nothing to change', {}, [[]]],
    ['an empty name', { name: '' }, [['name']]],
  ] as const)('update: %s', async (_label, over, paths) => {
    const result = field(await env.gql(UPDATE, { input: { id: awsId, ...over } }));
    expect(result['__typename'], JSON.stringify(result)).toBe('InputValidationError');
    expect(list(result['fieldErrors']).map((fe) => at(fe, 'path'))).toEqual(paths);
    expect(env.sim.server.requests).toEqual([]);
  });

  it('update: changing the integration type is refused after reading the type, and nothing is written', async () => {
    const result = field(await env.gql(UPDATE, { input: { id: awsId, integration: { openAi: { apiToken: 'sk-not-sent-0000' } } } }));
    expect(result).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['integration'] }] });
    expect(requestsOf(env.sim).map((r) => r.method)).toEqual(['GET']);
  });

  it.each([
    ['register an app key id that is not a UUID', REGISTER, { account: 'dd-err', appKeyId: 'not_valid_app_key_id' }, ['appKeyId']],
    ['unregister an app key id that is not a UUID', UNREGISTER, { account: 'dd-err', appKeyId: 'x' }, ['appKeyId']],
    ['track a connection id that is not a UUID', TRACK, { account: 'dd-err', connectionId: 'abc' }, ['connectionId']],
    ['list app keys with a page over 100', APP_KEYS, { account: 'dd-err', first: 101 }, ['first']],
    ['list app keys of an account that is not configured', APP_KEYS, { account: 'dd-nope' }, ['account']],
  ] as const)('%s', async (_label, document, variables, path) => {
    const result = field(await env.gql(document, { ...variables }));
    expect(result).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path }] });
    expect(env.sim.server.requests).toEqual([]);
  });

  it('two integration members are refused by GraphQL itself (@oneOf), before any resolver', async () => {
    // graphql-js enforces @oneOf while coercing variables, so this is a request error, not an
    // InputValidationError result; what matters is that nothing reaches Datadog.
    const response = await env.gql(CREATE, {
      input: { ...awsInput('dd-err'), integration: { aws: { accountId: '123456789012', role: 'r' }, openAi: { apiToken: 'sk-x' } } },
    });
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.map((e) => e.message)).toEqual([expect.stringContaining('Exactly one key must be specified for OneOf type "DatadogIntegrationInput"')]);
    expect(env.sim.server.requests).toEqual([]);
  });
});

describe('malformed and foreign ids → NotFoundError, never a top-level error', () => {
  const foreignType = encodeGlobalId('VendorAccount', 'dd-err');
  const noSuchType = encodeGlobalId('NoSuchType', 'dd-err/x');
  const unknownAccount = connectionGid('dd-unknown', MISSING_UUID);
  const notUuid = connectionGid('dd-err', 'not-a-uuid');

  it.each([
    ['garbage', 'garbage'],
    ["another type's global id", foreignType],
    ['a type that does not exist', noSuchType],
    ['an account that is not configured', unknownAccount],
    ['a Datadog key that is not a UUID', notUuid],
  ])('connection(id): %s', async (_label, id) => {
    const response = await env.gql(GET, { id });
    expect(response.errors, response.raw).toBeUndefined();
    expect(response.data?.['result']).toMatchObject({ __typename: 'NotFoundError', resourceId: id });
    expect(env.sim.server.requests).toEqual([]);
  });

  it.each([
    ['garbage', 'garbage'],
    ['a type that does not exist', noSuchType],
    ['an account that is not configured', unknownAccount],
    ['a Datadog key that is not a UUID', notUuid],
  ])('node(id): %s → null', async (_label, id) => {
    const response = await env.gql(NODE, { id });
    expect(response.errors, response.raw).toBeUndefined();
    expect(response.data).toEqual({ node: null });
    expect(env.sim.server.requests).toEqual([]);
  });

  it('nodes(ids): null in the slot of each unknown id, the others resolved', async () => {
    const response = await env.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: ['garbage', awsId, unknownAccount] });
    expect(response.errors, response.raw).toBeUndefined();
    expect(response.data).toEqual({ nodes: [null, { __typename: 'DatadogActionConnection', id: awsId }, null] });
  });

  it("node(id) of another type's id answers that object, not a connection", async () => {
    const response = await env.gql(NODE, { id: foreignType });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ node: { __typename: 'VendorAccount', id: foreignType } });
  });

  it.each([
    ['garbage', 'garbage'],
    ["another type's global id", foreignType],
    ['an account that is not configured', unknownAccount],
    ['a Datadog key that is not a UUID', notUuid],
  ])('update, delete and untrack: %s', async (_label, id) => {
    for (const [document, variables] of [
      [UPDATE, { input: { id, name: 'x' } }],
      [DELETE, { id }],
      [UNTRACK, { id }],
    ] as const) {
      const response = await env.gql(document, variables);
      expect(response.errors, response.raw).toBeUndefined();
      expect(response.data?.['result'], `${document.slice(0, 40)}: ${response.raw}`).toMatchObject({ __typename: 'NotFoundError' });
    }
    expect(env.sim.server.requests).toEqual([]);
  });
});

describe('connection(id) returns every read failure as a typed result', () => {
  it('403, 429, 503, timeout and contract errors', async () => {
    const outcomes: Record<string, unknown> = {};
    const read = async (label: string, id: string) => {
      const response = await env.gql(GET, { id });
      const result = response.data?.['result'];
      outcomes[label] = response.errors ? `top-level error: ${response.errors.map((e) => e.message).join('; ')}` : obj(result)['__typename'];
    };
    const seeded = (account: string) => connectionGid(account, DATADOG_SEED_CONNECTION_IDS.okta);
    await read('403', seeded('dd-wrong-keys'));
    env.sim.server.addFault({ match: { method: 'GET' }, times: 1, response: { status: 429, headers: { 'Retry-After': '30' }, body: { errors: ['Too many requests'] } } });
    await read('429', seeded('dd-get-429'));
    env.sim.server.clearFaults();
    env.sim.server.addFault({ match: { method: 'GET' }, response: { status: 503, body: { errors: ['Service Unavailable'] } } });
    await read('503', seeded('dd-get-5xx'));
    env.sim.server.clearFaults();
    env.sim.server.addFault({ match: { method: 'GET' }, times: 1, delayMs: 1_000 });
    await read('timeout', seeded('dd-get-slow'));
    env.sim.server.clearFaults();
    env.sim.server.addFault({ match: { method: 'GET' }, times: 1, action: 'malformed' });
    await read('contract', seeded('dd-get-contract'));
    expect(outcomes).toEqual({
      '403': 'VendorAuthError',
      '429': 'VendorRateLimitedError',
      '503': 'VendorUnavailableError',
      timeout: 'VendorUnavailableError',
      contract: 'VendorContractError',
    });
  });
});
