import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/core/ids.js';
import { MONGODB_DEMO_GROUP_IDS, mongoDbSeedGroups } from '../../src/simulators/mongodb/seed.js';
import { createMongoDbSimulator, type MongoDbSimulator } from '../../src/simulators/mongodb/simulator.js';
import type { MongoDbIntegrationType } from '../../src/vendors/mongodb/catalogue.js';
import { startHarness, type GqlResponse, type Harness } from '../support/harness.js';
import { EMPTY_GROUP, OTHER_GROUP, TYPES, graphqlInput, secretsOf, wireBody } from './fixtures.js';

const PUBLIC_KEY = 'gql-public-key';
const PRIVATE_KEY = 'gql-private-key-3e8b1f';
const { paymentsProd: PAYMENTS, searchProd: SEARCH, platformStaging: STAGING } = MONGODB_DEMO_GROUP_IDS;

const SETTINGS = `settings {
  __typename
  ... on MongoDbPagerDutySettings { serviceKey { field isSet lastFour } region }
  ... on MongoDbSlackSettings { apiToken { field isSet lastFour } teamName channelName }
  ... on MongoDbOpsGenieSettings { apiKey { field isSet lastFour } region }
  ... on MongoDbVictorOpsSettings { apiKey { field isSet lastFour } routingKey }
  ... on MongoDbWebhookSettings { url { field isSet lastFour } urlOrigin secret { field isSet lastFour } }
  ... on MongoDbMicrosoftTeamsSettings { microsoftTeamsWebhookUrl { field isSet lastFour } urlOrigin }
  ... on MongoDbPrometheusSettings { username password { field isSet lastFour } listenAddress serviceDiscovery scheme enabled tlsPemPath tlsPemPassword { field isSet lastFour } }
  ... on MongoDbUnknownIntegrationSettings { integrationType fieldNames }
}`;
const INTEGRATION = `id groupId type vendorIntegrationId name service vendor account { key } secrets { field isSet lastFour } ${SETTINGS}`;
const ERRORS = `... on Error { message }
  ... on NotFoundError { vendorCode }
  ... on InputValidationError { fieldErrors { path message } }
  ... on VendorError { httpStatus vendorCode retryable retryAfterSeconds }
  ... on VendorValidationError { fieldErrors { path message } }`;
const PAYLOAD = `__typename ${ERRORS} ... on MongoDbIntegrationPayload { integration { ${INTEGRATION} } groupIntegrations { id type } }`;
const CREATE = `mutation($input: CreateMongoDbIntegrationInput!) { createMongoDbIntegration(input: $input) { ${PAYLOAD} } }`;
const UPSERT = `mutation($input: UpsertMongoDbIntegrationInput!) { upsertMongoDbIntegration(input: $input) { ${PAYLOAD} } }`;
const DELETE = `mutation($input: DeleteMongoDbIntegrationInput!) { deleteMongoDbIntegration(input: $input) { __typename ${ERRORS} ... on DeletedConnectionPayload { deletedId } } }`;
const CONNECTION = `query($id: ID!) { connection(id: $id) { __typename ${ERRORS} ... on MongoDbIntegration { ${INTEGRATION} } } }`;

const SETTINGS_TYPENAMES: Record<MongoDbIntegrationType, string> = {
  PAGER_DUTY: 'MongoDbPagerDutySettings',
  SLACK: 'MongoDbSlackSettings',
  OPS_GENIE: 'MongoDbOpsGenieSettings',
  VICTOR_OPS: 'MongoDbVictorOpsSettings',
  WEBHOOK: 'MongoDbWebhookSettings',
  MICROSOFT_TEAMS: 'MongoDbMicrosoftTeamsSettings',
  PROMETHEUS: 'MongoDbPrometheusSettings',
};

function integrationId(account: string, groupId: string, type: string): string {
  return encodeGlobalId('MongoDbIntegration', `${account}/${groupId}/${type}`);
}

type Json = Record<string, unknown>;
function field(response: GqlResponse, name: string): Json {
  expect(response.errors).toBeUndefined();
  const value = response.data?.[name];
  expect(value).toBeTypeOf('object');
  return value as Json;
}

/** Requests the simulator actually served (the Digest challenge round trips excluded). */
function served(sim: MongoDbSimulator): { method: string; path: string }[] {
  return sim.digestLog.filter((e) => e.outcome === 'accepted').map((e) => ({ method: e.method, path: e.path }));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let sim: MongoDbSimulator;
let demo: MongoDbSimulator;
let limited: MongoDbSimulator;
let limitedClock = 10_000_000;
let h: Harness;

beforeAll(async () => {
  const groups = mongoDbSeedGroups();
  groups.set(EMPTY_GROUP, []);
  groups.set(OTHER_GROUP, []);
  sim = createMongoDbSimulator({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groups, allowSlackCreate: true });
  demo = createMongoDbSimulator();
  limited = createMongoDbSimulator({ rateLimit: { limit: 1, windowMs: 60_000 }, now: () => limitedClock });
  const [base, demoBase, limitedBase] = await Promise.all([sim.server.listen(), demo.server.listen(), limited.server.listen()]);
  const path = sim.basePath;
  h = await startHarness({
    accounts: [
      { id: 'mdb', vendor: 'mongodb', baseUrl: `${base}${path}`, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groupIds: [PAYMENTS, SEARCH, STAGING, EMPTY_GROUP.toUpperCase()] },
      { id: 'mdb-wrong-key', vendor: 'mongodb', baseUrl: `${base}${path}`, publicKey: PUBLIC_KEY, privateKey: 'not-the-private-key', groupIds: [PAYMENTS] },
      { id: 'mdb-down', vendor: 'mongodb', baseUrl: `http://127.0.0.1:${await closedPort()}${path}`, publicKey: 'k', privateKey: 'p', groupIds: [PAYMENTS] },
      { id: 'mdb-demo', vendor: 'mongodb', baseUrl: `${demoBase}${path}`, publicKey: 'demo', privateKey: 'demo-private', groupIds: [SEARCH] },
      { id: 'mdb-limited', vendor: 'mongodb', baseUrl: `${limitedBase}${path}`, publicKey: 'k', privateKey: 'p', groupIds: [PAYMENTS] },
    ],
    resilience: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 1_000, halfOpenAfterMs: 1 } },
  });
});
afterAll(async () => {
  await h.close();
  await Promise.all([sim.server.close(), demo.server.close(), limited.server.close()]);
});
beforeEach(() => {
  sim.server.reset();
});

describe('reads', () => {
  it('connections lists every integration of every configured project with its service', async () => {
    const response = await h.gql(
      `{ connections(filter: { accounts: ["mdb"] }, first: 100) { totalCount failures { error { message } } nodes { __typename ... on MongoDbIntegration { groupId type service } } } }`,
    );
    const page = field(response, 'connections');
    expect(page['failures']).toEqual([]);
    const nodes = page['nodes'] as Json[];
    expect(nodes.every((n) => n['__typename'] === 'MongoDbIntegration')).toBe(true);
    const keys = nodes.map((n) => `${String(n['groupId'])}:${String(n['type'])}:${String(n['service'])}`).sort();
    expect(keys).toEqual(
      [
        `${PAYMENTS}:PAGER_DUTY:PAGERDUTY`,
        `${PAYMENTS}:SLACK:SLACK`,
        `${PAYMENTS}:WEBHOOK:WEBHOOK`,
        `${PAYMENTS}:PROMETHEUS:PROMETHEUS`,
        `${SEARCH}:PAGER_DUTY:PAGERDUTY`,
        `${SEARCH}:OPS_GENIE:OPSGENIE`,
        `${SEARCH}:VICTOR_OPS:VICTOROPS`,
        `${SEARCH}:MICROSOFT_TEAMS:MICROSOFT_TEAMS`,
        `${STAGING}:SLACK:SLACK`,
        `${STAGING}:WEBHOOK:WEBHOOK`,
        `${STAGING}:NEW_RELIC:OTHER`,
      ].sort(),
    );
  });

  it('connection(id) and node(id) read one integration; an unknown type maps to the fallback member', async () => {
    const pd = field(await h.gql(CONNECTION, { id: integrationId('mdb', PAYMENTS, 'PAGER_DUTY') }), 'connection');
    expect(pd).toMatchObject({
      __typename: 'MongoDbIntegration',
      groupId: PAYMENTS,
      type: 'PAGER_DUTY',
      vendor: 'MONGODB_CLOUD_MANAGER',
      account: { key: 'mdb' },
      vendorIntegrationId: sim.integrationId(PAYMENTS, 'PAGER_DUTY'),
      // Served as recorded: an integration created without a region reads `US`.
      settings: { __typename: 'MongoDbPagerDutySettings', serviceKey: { field: 'serviceKey', isSet: true, lastFour: 'gH8j' }, region: 'US' },
    });
    const legacy = field(await h.gql(CONNECTION, { id: integrationId('mdb', STAGING, 'NEW_RELIC') }), 'connection');
    expect(legacy['settings']).toEqual({ __typename: 'MongoDbUnknownIntegrationSettings', integrationType: 'NEW_RELIC', fieldNames: ['accountId', 'licenseKey', 'readToken', 'writeToken'] });
    expect((legacy['secrets'] as Json[]).map((s) => s['field'])).toEqual(['licenseKey', 'readToken', 'writeToken']);
    const slack = field(await h.gql(CONNECTION, { id: integrationId('mdb', STAGING, 'SLACK') }), 'connection');
    expect(slack['settings']).toMatchObject({ teamName: null, channelName: null });
    const node = await h.gql(`query($id: ID!) { node(id: $id) { id ... on MongoDbIntegration { type } } }`, { id: integrationId('mdb', SEARCH, 'OPS_GENIE') });
    expect(field(node, 'node')).toEqual({ id: integrationId('mdb', SEARCH, 'OPS_GENIE'), type: 'OPS_GENIE' });
  });

  it('reading N integrations of one project costs one list request (DataLoader keyed by account + project)', async () => {
    // Warm the Digest nonce so the count below is not blurred by the first challenge.
    await h.gql(CONNECTION, { id: integrationId('mdb', SEARCH, 'PAGER_DUTY') });
    sim.server.clearRequests();
    sim.clearDigestLog();
    const types = ['PAGER_DUTY', 'OPS_GENIE', 'VICTOR_OPS', 'MICROSOFT_TEAMS', 'SLACK'];
    const response = await h.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on MongoDbIntegration { type } } }`, {
      ids: types.map((type) => integrationId('mdb', SEARCH, type)),
    });
    expect(response.errors).toBeUndefined();
    // SLACK is not configured in that project: null, from the same list.
    expect(response.data?.['nodes']).toEqual([...types.slice(0, 4).map((type) => ({ __typename: 'MongoDbIntegration', type })), null]);
    expect(sim.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${sim.basePath}/groups/${SEARCH}/integrations`]);
    expect(served(sim)).toHaveLength(1);
  });

  it('aliased connection fields over two projects cost one list per project; a cold client adds one 401 challenge', async () => {
    const fresh = await startHarness({
      accounts: [{ id: 'mdb-cold', vendor: 'mongodb', baseUrl: `${sim.server.baseUrl}${sim.basePath}`, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groupIds: [PAYMENTS, SEARCH] }],
    });
    try {
      sim.server.clearRequests();
      sim.clearDigestLog();
      const fields = ['PAGER_DUTY', 'SLACK', 'WEBHOOK', 'PROMETHEUS']
        .map((type, i) => `p${i}: connection(id: "${integrationId('mdb-cold', PAYMENTS, type)}") { __typename }`)
        .concat(['PAGER_DUTY', 'OPS_GENIE'].map((type, i) => `s${i}: connection(id: "${integrationId('mdb-cold', SEARCH, type)}") { __typename }`));
      const response = await fresh.gql(`{ ${fields.join('\n')} }`);
      expect(Object.values(response.data ?? {}).every((v) => (v as Json)['__typename'] === 'MongoDbIntegration')).toBe(true);
      expect(
        served(sim)
          .map((r) => r.path)
          .sort(),
      ).toEqual([`${sim.basePath}/groups/${PAYMENTS}/integrations`, `${sim.basePath}/groups/${SEARCH}/integrations`].sort());
      // Both lists start cold; each may be challenged once. Nothing else is sent.
      const challenged = sim.digestLog.filter((e) => e.outcome === 'challenged').length;
      expect(challenged).toBeGreaterThanOrEqual(1);
      expect(challenged).toBeLessThanOrEqual(2);
      expect(sim.server.requests).toHaveLength(2 + challenged);
    } finally {
      await fresh.close();
    }
  });

  it('re-authenticates on a stale nonce in the middle of a session', async () => {
    await h.gql(CONNECTION, { id: integrationId('mdb', PAYMENTS, 'SLACK') });
    sim.expireNonces();
    sim.clearDigestLog();
    const response = await h.gql(CONNECTION, { id: integrationId('mdb', PAYMENTS, 'SLACK') });
    expect(field(response, 'connection')['__typename']).toBe('MongoDbIntegration');
    expect(sim.digestLog.map((e) => e.outcome)).toEqual(['stale', 'accepted']);
    const calls = response.extensions?.['vendorCalls'] as Json[];
    expect(calls.map((c) => c['attempts'])).toEqual([2]);
  });

  it('ids outside the configured projects, of other accounts, or malformed are NotFoundError without a request', async () => {
    sim.server.clearRequests();
    for (const id of [
      integrationId('mdb', OTHER_GROUP, 'PAGER_DUTY'),
      integrationId('nobody', PAYMENTS, 'PAGER_DUTY'),
      integrationId('mdb', 'not-hex', 'PAGER_DUTY'),
      integrationId('mdb', PAYMENTS, 'bad type'),
      encodeGlobalId('MongoDbIntegration', 'mdb/only-two'),
      'not-a-global-id',
    ]) {
      expect(field(await h.gql(CONNECTION, { id }), 'connection')['__typename']).toBe('NotFoundError');
    }
    expect(sim.server.requests).toHaveLength(0);
  });
});

describe('every operation for every type', () => {
  it.each(TYPES)('%s: create, read back, upsert, delete', async (type) => {
    const tag = `cnry_${randomUUID()}`;
    const created = field(await h.gql(CREATE, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput(type, tag) } }), 'createMongoDbIntegration');
    expect(created['__typename']).toBe('MongoDbIntegrationPayload');
    const integration = created['integration'] as Json;
    const id = integrationId('mdb', EMPTY_GROUP, type);
    expect(integration).toMatchObject({ id, groupId: EMPTY_GROUP, type, vendorIntegrationId: sim.integrationId(EMPTY_GROUP, type) });
    expect(integration['vendorIntegrationId']).toMatch(/^[0-9a-f]{24}$/);
    expect((integration['settings'] as Json)['__typename']).toBe(SETTINGS_TYPENAMES[type]);
    for (const [name, value] of Object.entries(secretsOf(type, wireBody(type, tag)))) {
      const hint = (integration['secrets'] as Json[]).find((s) => s['field'] === name);
      expect(hint).toEqual({ field: name, isSet: true, lastFour: type === 'PROMETHEUS' && name === 'password' ? null : value.slice(-4) });
    }
    expect(created['groupIntegrations']).toEqual([{ id, type }]);

    const read = field(await h.gql(CONNECTION, { id }), 'connection');
    expect(read['settings']).toEqual(integration['settings']);

    const tag2 = `cnry_${randomUUID()}`;
    const upserted = field(await h.gql(UPSERT, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput(type, tag2) } }), 'upsertMongoDbIntegration');
    expect(upserted['__typename']).toBe('MongoDbIntegrationPayload');
    const { type: _type, ...fields } = wireBody(type, tag2);
    expect(sim.storedIntegration(EMPTY_GROUP, type)).toEqual({ type, fields });

    const deleted = field(await h.gql(DELETE, { input: { id } }), 'deleteMongoDbIntegration');
    expect(deleted).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: id });
    expect(sim.storedTypes(EMPTY_GROUP)).toEqual([]);
    expect(field(await h.gql(CONNECTION, { id }), 'connection')['__typename']).toBe('NotFoundError');

    const audit = await h.store.listAudit({ limit: 10 });
    for (const row of audit) expect(JSON.stringify(row)).not.toMatch(/cnry_/);
  });

  it('a write costs one request: its answer (the whole project) is mapped, nothing is read back', async () => {
    await h.gql(CONNECTION, { id: integrationId('mdb', PAYMENTS, 'SLACK') });
    sim.server.clearRequests();
    const response = await h.gql(CREATE, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput('WEBHOOK', 'one-call') } });
    expect(field(response, 'createMongoDbIntegration')['groupIntegrations']).toEqual([{ id: integrationId('mdb', EMPTY_GROUP, 'WEBHOOK'), type: 'WEBHOOK' }]);
    expect(sim.server.requests.map((r) => r.method)).toEqual(['POST']);
  });
});

describe('secrets', () => {
  it.each(TYPES)('%s: a canary secret never comes back in a response, a log line or an audit row', async (type) => {
    const tag = `cnry_${randomUUID()}`;
    const before = h.logger.lines.length;
    const created = await h.gql(CREATE, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput(type, tag) } });
    const read = await h.gql(`{ connections(filter: { accounts: ["mdb"] }, first: 100) { nodes { ... on MongoDbIntegration { ${INTEGRATION} } } } }`);
    const upserted = await h.gql(UPSERT, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput(type, tag) } });
    for (const response of [created, read, upserted]) {
      expect(response.errors).toBeUndefined();
      expect(response.raw).not.toContain(tag);
    }
    expect(h.logger.lines.slice(before).join('\n')).not.toContain(tag);
    expect(JSON.stringify(await h.store.listAudit({ limit: 50 }))).not.toContain(tag);
    // The vendor really has the secret: it was sent, just never returned.
    expect(JSON.stringify(sim.storedIntegration(EMPTY_GROUP, type))).toContain(tag);
  });

  it('a secret the vendor echoes in its error is scrubbed from the typed error', async () => {
    const tag = `cnry_${randomUUID()}`;
    const input = graphqlInput('PAGER_DUTY', tag);
    const key = String((input['pagerDuty'] as Json)['serviceKey']);
    sim.server.addFault({
      match: { method: 'PUT', path: '/integrations/PAGER_DUTY$' },
      times: 2,
      response: { status: 400, body: { detail: `Invalid service key ${key}.`, error: 400, errorCode: 'INVALID_ATTRIBUTE', parameters: ['serviceKey'], reason: 'Bad Request' } },
    });
    const response = await h.gql(UPSERT, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: input } });
    const result = field(response, 'upsertMongoDbIntegration');
    expect(result).toMatchObject({ __typename: 'VendorValidationError', httpStatus: 400, vendorCode: 'INVALID_ATTRIBUTE', fieldErrors: [{ path: ['serviceKey'] }] });
    expect(String(result['message'])).toContain('[redacted]');
    expect(response.raw).not.toContain(tag);
    expect(h.logger.lines.join('\n')).not.toContain(tag);
  });
});

describe('masked values are never written back', () => {
  it('an upsert that omits an optional secret sends none: nothing read from the vendor is re-used', async () => {
    await h.gql(CREATE, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput('WEBHOOK', 'first') } });
    // Read it first, so masked values are in this process.
    const read = field(await h.gql(CONNECTION, { id: integrationId('mdb', EMPTY_GROUP, 'WEBHOOK') }), 'connection');
    expect((read['settings'] as Json)['secret']).toMatchObject({ isSet: true });
    const response = await h.gql(UPSERT, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: { webhook: { url: 'https://hooks.example.com/in/second' } } } });
    expect(field(response, 'upsertMongoDbIntegration')['__typename']).toBe('MongoDbIntegrationPayload');
    expect(sim.storedIntegration(EMPTY_GROUP, 'WEBHOOK')).toEqual({ type: 'WEBHOOK', fields: { url: 'https://hooks.example.com/in/second' } });
    const after = field(await h.gql(CONNECTION, { id: integrationId('mdb', EMPTY_GROUP, 'WEBHOOK') }), 'connection');
    expect((after['settings'] as Json)['secret']).toEqual({ field: 'secret', isSet: false, lastFour: null });
  });

  it.each(TYPES)('%s: an upsert without its required secret is refused before any request, saying why', async (type) => {
    const input = graphqlInput(type, 'nosecret');
    const member = { ...(Object.values(input)[0] as Json) };
    const required: Record<MongoDbIntegrationType, string> = {
      PAGER_DUTY: 'serviceKey',
      SLACK: 'apiToken',
      OPS_GENIE: 'apiKey',
      VICTOR_OPS: 'apiKey',
      WEBHOOK: 'url',
      MICROSOFT_TEAMS: 'microsoftTeamsWebhookUrl',
      PROMETHEUS: 'password',
    };
    const secret = required[type];
    delete member[secret];
    const key = Object.keys(input)[0] as string;
    sim.server.clearRequests();
    const result = field(await h.gql(UPSERT, { input: { account: 'mdb', groupId: PAYMENTS, integration: { [key]: member } } }), 'upsertMongoDbIntegration');
    expect(result['__typename']).toBe('InputValidationError');
    expect(result['fieldErrors']).toEqual([{ path: ['integration', key, secret], message: expect.stringMatching(/never sends back a secret it read/) }]);
    expect(sim.server.requests).toHaveLength(0);
  });

  it('a value that looks like a mask read back (******7890) is refused', async () => {
    sim.server.clearRequests();
    const result = field(
      await h.gql(UPSERT, { input: { account: 'mdb', groupId: PAYMENTS, integration: { pagerDuty: { serviceKey: '****************************gH8j' } } } }),
      'upsertMongoDbIntegration',
    );
    expect(result).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['integration', 'pagerDuty', 'serviceKey'] }] });
    expect(sim.server.requests).toHaveLength(0);
  });
});

describe('input validation (no vendor call)', () => {
  it.each([
    ['an unknown account', { account: 'nope', groupId: PAYMENTS, integration: graphqlInput('PAGER_DUTY', 'x') }, [['account']]],
    ['a project that is not configured', { account: 'mdb', groupId: OTHER_GROUP, integration: graphqlInput('PAGER_DUTY', 'x') }, [['groupId']]],
    ['a malformed project id', { account: 'mdb', groupId: 'abc', integration: graphqlInput('PAGER_DUTY', 'x') }, [['groupId']]],
    [
      'several bad Prometheus fields at once',
      {
        account: 'mdb',
        groupId: PAYMENTS,
        integration: { prometheus: { username: '', listenAddress: 'nowhere', scheme: 'HTTPS', serviceDiscovery: 'FILE', enabled: true, tlsPemPath: 'relative.pem' } },
      },
      [
        ['integration', 'prometheus', 'username'],
        ['integration', 'prometheus', 'password'],
        ['integration', 'prometheus', 'listenAddress'],
        ['integration', 'prometheus', 'tlsPemPath'],
      ],
    ],
    [
      'an https Prometheus without tlsPemPath',
      { account: 'mdb', groupId: PAYMENTS, integration: { prometheus: { ...(graphqlInput('PROMETHEUS', 'x')['prometheus'] as Json), tlsPemPath: null } } },
      [['integration', 'prometheus', 'tlsPemPath']],
    ],
    ['a webhook URL that is not http(s)', { account: 'mdb', groupId: PAYMENTS, integration: { webhook: { url: 'ftp://hooks.example.com/x' } } }, [['integration', 'webhook', 'url']]],
    [
      'a Slack channel longer than 80 characters',
      { account: 'mdb', groupId: PAYMENTS, integration: { slack: { apiToken: 'xoxb-123456789', teamName: 't', channelName: 'c'.repeat(81) } } },
      [['integration', 'slack', 'channelName']],
    ],
    ['a secret with a control character', { account: 'mdb', groupId: PAYMENTS, integration: { opsGenie: { apiKey: 'abc\r\ndef-ghijkl' } } }, [['integration', 'opsGenie', 'apiKey']]],
  ] as const)('refuses %s with InputValidationError', async (_label, input, paths) => {
    sim.server.clearRequests();
    const result = field(await h.gql(CREATE, { input }), 'createMongoDbIntegration');
    expect(result['__typename']).toBe('InputValidationError');
    expect((result['fieldErrors'] as Json[]).map((f) => f['path'])).toEqual(paths);
    expect(sim.server.requests).toHaveLength(0);
  });

  it('accepts an upper-case configured project id and sends the vendor its lower-case form', async () => {
    const result = field(await h.gql(CREATE, { input: { account: 'mdb', groupId: EMPTY_GROUP.toUpperCase(), integration: graphqlInput('PAGER_DUTY', 'upper') } }), 'createMongoDbIntegration');
    expect(result['__typename']).toBe('MongoDbIntegrationPayload');
    expect(sim.storedTypes(EMPTY_GROUP)).toEqual(['PAGER_DUTY']);
  });

  it('needs exactly one member of the @oneOf integration input', async () => {
    const both = await h.gql(CREATE, { input: { account: 'mdb', groupId: PAYMENTS, integration: { ...graphqlInput('PAGER_DUTY', 'a'), ...graphqlInput('OPS_GENIE', 'b') } } });
    expect(both.errors?.[0]?.message).toMatch(/exactly one/i);
  });
});

describe('vendor errors through GraphQL', () => {
  it('ConflictError: creating a type the project already has (409)', async () => {
    const result = field(await h.gql(CREATE, { input: { account: 'mdb', groupId: PAYMENTS, integration: graphqlInput('PAGER_DUTY', 'dup') } }), 'createMongoDbIntegration');
    expect(result).toMatchObject({ __typename: 'ConflictError', httpStatus: 409, vendorCode: 'INTEGRATION_ALREADY_CONFIGURED', retryable: false });
  });

  it('VendorValidationError: Cloud Manager refuses to create Slack from nothing (400)', async () => {
    const result = field(await h.gql(CREATE, { input: { account: 'mdb-demo', groupId: SEARCH, integration: graphqlInput('SLACK', 'new') } }), 'createMongoDbIntegration');
    expect(result).toMatchObject({ __typename: 'VendorValidationError', httpStatus: 400, vendorCode: 'SLACK_OAUTH_REQUIRED' });
  });

  it('VendorValidationError: a MISSING_ATTRIBUTE 400 names the field', async () => {
    sim.server.addFault({
      match: { method: 'POST', path: '/integrations/OPS_GENIE$' },
      times: 2,
      response: { status: 400, body: { detail: 'The required attribute region was not specified.', error: 400, errorCode: 'MISSING_ATTRIBUTE', parameters: ['region'], reason: 'Bad Request' } },
    });
    const result = field(await h.gql(CREATE, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput('OPS_GENIE', 'x') } }), 'createMongoDbIntegration');
    expect(result).toMatchObject({
      __typename: 'VendorValidationError',
      vendorCode: 'MISSING_ATTRIBUTE',
      fieldErrors: [{ path: ['region'], message: 'The required attribute region was not specified.' }],
    });
  });

  it('NotFoundError: deleting a type the project does not have (vendor 404 INTEGRATION_NOT_CONFIGURED)', async () => {
    const id = integrationId('mdb', SEARCH, 'WEBHOOK');
    const result = field(await h.gql(DELETE, { input: { id } }), 'deleteMongoDbIntegration');
    // The two vendor 404s differ by their code, not only by their words.
    expect(result).toMatchObject({ __typename: 'NotFoundError', vendorCode: 'INTEGRATION_NOT_CONFIGURED' });
    expect(served(sim).at(-1)).toEqual({ method: 'DELETE', path: `${sim.basePath}/groups/${SEARCH}/integrations/WEBHOOK` });
  });

  it('NotFoundError: a configured project the vendor does not know (404 GROUP_NOT_FOUND) on write', async () => {
    sim.server.addFault({
      match: { method: 'PUT' },
      times: 2,
      response: {
        status: 404,
        headers: { 'X-Error-Code': 'GROUP_NOT_FOUND' },
        body: { detail: 'No group with ID x exists.', error: 404, errorCode: 'GROUP_NOT_FOUND', parameters: [], reason: 'Not Found' },
      },
    });
    const result = field(await h.gql(UPSERT, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput('VICTOR_OPS', 'x') } }), 'upsertMongoDbIntegration');
    expect(result).toMatchObject({ __typename: 'NotFoundError', vendorCode: 'GROUP_NOT_FOUND' });
  });

  it('connection(id) keeps the vendor code of its "not found": a missing project and a missing type differ', async () => {
    // The project's list answered without the type: Patchbay found nothing, the vendor said no code.
    const missingType = field(await h.gql(CONNECTION, { id: integrationId('mdb', SEARCH, 'WEBHOOK') }), 'connection');
    expect(missingType).toMatchObject({ __typename: 'NotFoundError', vendorCode: null });
    sim.server.addFault({
      match: { method: 'GET' },
      times: 1,
      response: { status: 404, body: { detail: 'No group with ID x exists.', error: 404, errorCode: 'GROUP_NOT_FOUND', parameters: [], reason: 'Not Found' } },
    });
    const missingProject = field(await h.gql(CONNECTION, { id: integrationId('mdb', PAYMENTS, 'PAGER_DUTY') }), 'connection');
    expect(missingProject).toMatchObject({ __typename: 'NotFoundError', vendorCode: 'GROUP_NOT_FOUND' });
    sim.server.clearFaults();
  });

  it('VendorAuthError: a wrong private key fails the Digest check (401), after at most one resend', async () => {
    sim.server.clearRequests();
    const result = field(await h.gql(CONNECTION, { id: integrationId('mdb-wrong-key', PAYMENTS, 'PAGER_DUTY') }), 'connection');
    expect(result).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 401, retryable: false });
    expect(String(result['message'])).not.toContain('not-the-private-key');
    expect(sim.server.requests).toHaveLength(2);
    expect(h.logger.lines.join('\n')).not.toContain('not-the-private-key');
    // Neither the Authorization header nor its response hash is ever logged.
    expect(h.logger.lines.join('\n')).not.toMatch(/Digest |response=|nonce/);
  });

  it('VendorAuthError: 403 (key lacks the Project Owner role)', async () => {
    sim.server.addFault({
      match: { method: 'DELETE' },
      times: 1,
      response: { status: 403, body: { detail: 'The API key lacks the required role.', error: 403, errorCode: 'USER_CANNOT_ACCESS_GROUP', parameters: [], reason: 'Forbidden' } },
    });
    const result = field(await h.gql(DELETE, { input: { id: integrationId('mdb', PAYMENTS, 'SLACK') } }), 'deleteMongoDbIntegration');
    expect(result).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 403, vendorCode: 'USER_CANNOT_ACCESS_GROUP' });
  });

  it('VendorRateLimitedError: a 429 with Retry-After and RateLimit-* headers', async () => {
    // The first list uses the one request the window allows; the second project's list is refused.
    const first = field(await h.gql(CONNECTION, { id: integrationId('mdb-limited', PAYMENTS, 'PAGER_DUTY') }), 'connection');
    expect(first['__typename']).toBe('MongoDbIntegration');
    limitedClock += 20_000;
    const result = field(await h.gql(CONNECTION, { id: integrationId('mdb-limited', PAYMENTS, 'SLACK') }), 'connection');
    expect(result).toMatchObject({ __typename: 'VendorRateLimitedError', httpStatus: 429, vendorCode: 'RATE_LIMITED', retryable: true, retryAfterSeconds: 40 });
  });

  it('VendorUnavailableError: a 5xx, and a refused connection', async () => {
    sim.server.addFault({
      match: { method: 'GET', path: '/integrations$' },
      times: 2,
      response: { status: 500, body: { detail: 'boom', error: 500, errorCode: 'UNEXPECTED_ERROR', parameters: [], reason: 'Internal Server Error' } },
    });
    const failed = field(await h.gql(CONNECTION, { id: integrationId('mdb', SEARCH, 'PAGER_DUTY') }), 'connection');
    expect(failed).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: 500, vendorCode: 'UNEXPECTED_ERROR', retryable: true });
    const down = field(await h.gql(CONNECTION, { id: integrationId('mdb-down', PAYMENTS, 'PAGER_DUTY') }), 'connection');
    expect(down).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null });
    const list = field(await h.gql(`{ connections(filter: { accounts: ["mdb-down"] }) { failures { account { key } error { __typename } } } }`), 'connections');
    expect(list['failures']).toEqual([{ account: { key: 'mdb-down' }, error: { __typename: 'VendorUnavailableError' } }]);
  });

  it('VendorContractError: a body that is not the documented list shape', async () => {
    sim.server.addFault({ match: { method: 'GET', path: '/integrations$' }, times: 2, action: 'malformed' });
    const malformed = field(await h.gql(CONNECTION, { id: integrationId('mdb', STAGING, 'SLACK') }), 'connection');
    expect(malformed['__typename']).toBe('VendorContractError');
    sim.server.addFault({ match: { method: 'GET', path: '/integrations$' }, times: 2, response: { status: 200, body: { links: [], totalCount: 1 } } });
    const missing = field(await h.gql(CONNECTION, { id: integrationId('mdb', STAGING, 'SLACK') }), 'connection');
    expect(missing['__typename']).toBe('VendorContractError');
  });

  it('OutcomeUnknownError: the connection drops after a POST was sent', async () => {
    await h.gql(CONNECTION, { id: integrationId('mdb', PAYMENTS, 'SLACK') });
    sim.server.addFault({ match: { method: 'POST' }, times: 1, action: 'reset' });
    const result = field(await h.gql(CREATE, { input: { account: 'mdb', groupId: EMPTY_GROUP, integration: graphqlInput('PAGER_DUTY', 'reset') } }), 'createMongoDbIntegration');
    expect(result).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: false });
  });
});
