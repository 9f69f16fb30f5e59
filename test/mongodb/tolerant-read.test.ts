import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/core/ids.js';
import { MONGODB_DEMO_GROUP_IDS, mongoDbSeedGroups } from '../../src/simulators/mongodb/seed.js';
import { createMongoDbSimulator, type MongoDbSimulator } from '../../src/simulators/mongodb/simulator.js';
import { startHarness, type GqlResponse, type Harness } from '../support/harness.js';
import { EMPTY_GROUP, graphqlInput } from './fixtures.js';
import { RawDigest } from './raw-digest.js';

/*
 * Issue 10 for Cloud Manager: a project's list is read integration by integration (one malformed
 * integration is an item failure naming its project, the others list), and the Atlas-era fields
 * (`id`, PagerDuty `region`, webhook templates) are read, shown and written. The simulator serves
 * the broken integrations (`breakContract`) and the Atlas-era fields as recorded; it accepts the
 * Atlas-only request fields only when told (`acceptAtlasFields`).
 */

const PUBLIC_KEY = 'tolerant-public';
const PRIVATE_KEY = 'tolerant-private-5b1e';
const { paymentsProd: PAYMENTS, searchProd: SEARCH } = MONGODB_DEMO_GROUP_IDS;
/** A value no answer, error or log line may carry. */
const CANARY = 'mdb-canary-Hq27Vz0pXe';

let atlas: MongoDbSimulator;
let cm: MongoDbSimulator;
let h: Harness;

beforeAll(async () => {
  const groups = mongoDbSeedGroups();
  groups.set(EMPTY_GROUP, []);
  atlas = createMongoDbSimulator({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groups, acceptAtlasFields: true });
  cm = createMongoDbSimulator({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groups });
  const [atlasBase, cmBase] = await Promise.all([atlas.server.listen(), cm.server.listen()]);
  h = await startHarness({
    accounts: [
      { id: 'mdb-atlas', vendor: 'mongodb', baseUrl: `${atlasBase}${atlas.basePath}`, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groupIds: [PAYMENTS, SEARCH, EMPTY_GROUP] },
      { id: 'mdb-cm', vendor: 'mongodb', baseUrl: `${cmBase}${cm.basePath}`, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groupIds: [PAYMENTS, EMPTY_GROUP] },
    ],
    resilience: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 1_000, halfOpenAfterMs: 1 } },
  });
});
afterAll(async () => {
  await h.close();
  await Promise.all([atlas.server.close(), cm.server.close()]);
});
beforeEach(() => {
  atlas.server.reset();
  cm.server.reset();
});

type Json = Record<string, unknown>;
function field(response: GqlResponse, name: string): Json {
  expect(response.errors).toBeUndefined();
  const value = response.data?.[name];
  expect(value).toBeTypeOf('object');
  return value as Json;
}

function integrationId(account: string, groupId: string, type: string): string {
  return encodeGlobalId('MongoDbIntegration', `${account}/${groupId}/${type}`);
}

const INVENTORY = `query($filter: ConnectionFilter) { connections(filter: $filter, first: 100) {
  totalCount
  nodes { ... on MongoDbIntegration { groupId type } }
  failures { account { key } part error { __typename } }
  itemFailures { account { key } part vendorId error { __typename message ... on VendorError { vendor httpStatus retryable } } }
} }`;

interface ItemFailure {
  readonly account: { readonly key: string };
  readonly part: string | null;
  readonly vendorId: string | null;
  readonly error: { readonly __typename: string; readonly message: string; readonly vendor: string; readonly httpStatus: number | null; readonly retryable: boolean };
}

async function inventory(accounts: readonly string[] = ['mdb-atlas']) {
  const response = await h.gql(INVENTORY, { filter: { accounts } });
  const page = field(response, 'connections');
  const keys = (page['nodes'] as { groupId: string; type: string }[]).map((n) => `${n.groupId}:${n.type}`).sort();
  return { raw: response.raw, page, keys, itemFailures: page['itemFailures'] as ItemFailure[] };
}

describe('one malformed integration beside good ones', () => {
  it('lists the good integrations and reports each broken one as a typed item failure naming its project; nothing throws', async () => {
    // A boolean sent as a string, a template of another JSON type (carrying a value that must never come back), a number for a string.
    atlas.breakContract(PAYMENTS, 'PROMETHEUS', { enabled: 'true' });
    atlas.breakContract(PAYMENTS, 'WEBHOOK', { headersTemplate: { Authorization: `Bearer ${CANARY}` } });
    atlas.breakContract(SEARCH, 'VICTOR_OPS', { routingKey: 42 });
    const { page, keys, itemFailures, raw } = await inventory();
    expect(keys).toEqual([`${PAYMENTS}:PAGER_DUTY`, `${PAYMENTS}:SLACK`, `${SEARCH}:PAGER_DUTY`, `${SEARCH}:OPS_GENIE`, `${SEARCH}:MICROSOFT_TEAMS`].sort());
    expect(page['totalCount']).toBe(5);
    expect(page['failures']).toEqual([]);
    const byId = (vendorId: string) => itemFailures.find((f) => f.vendorId === vendorId);
    expect(itemFailures.map((f) => `${f.part}:${f.vendorId}`).sort()).toEqual([`project ${PAYMENTS}:PROMETHEUS`, `project ${PAYMENTS}:WEBHOOK`, `project ${SEARCH}:VICTOR_OPS`].sort());
    for (const failure of itemFailures) {
      expect(failure).toMatchObject({ account: { key: 'mdb-atlas' }, error: { __typename: 'VendorContractError', vendor: 'MONGODB_CLOUD_MANAGER', httpStatus: 200, retryable: false } });
      expect(failure.error.message).toContain(`MongoDB Cloud Manager sent integration "${failure.vendorId}"`);
    }
    expect(byId('PROMETHEUS')?.error.message).toContain('enabled: invalid_type');
    expect(byId('WEBHOOK')?.error.message).toContain('headersTemplate: invalid_type');
    expect(byId('VICTOR_OPS')?.error.message).toContain('routingKey: invalid_type');
    expect(raw).not.toContain(CANARY);
    const logged = h.logger.lines.join('\n');
    expect(logged).toContain('vendor answer breaks its contract');
    expect(logged).not.toContain(CANARY);
  });

  it('counts an integration whose type cannot be read, beside the readable ones', async () => {
    atlas.breakContract(SEARCH, 'OPS_GENIE', { type: undefined, apiKey: CANARY });
    const { keys, itemFailures, raw } = await inventory();
    expect(keys.filter((k) => k.startsWith(SEARCH))).toEqual([`${SEARCH}:MICROSOFT_TEAMS`, `${SEARCH}:PAGER_DUTY`, `${SEARCH}:VICTOR_OPS`]);
    expect(itemFailures).toHaveLength(1);
    expect(itemFailures[0]).toMatchObject({ part: `project ${SEARCH}`, vendorId: null, error: { __typename: 'VendorContractError' } });
    expect(itemFailures[0]?.error.message).toContain('an integration whose id it could not read');
    expect(raw).not.toContain(CANARY);
  });

  it('reading the broken integration by id is its VendorContractError; its neighbours read from the same one list', async () => {
    atlas.breakContract(PAYMENTS, 'PROMETHEUS', { enabled: 'true' });
    const response = await h.gql(
      `query($a: ID!, $b: ID!) {
      a: connection(id: $a) { __typename ... on Error { message } }
      b: connection(id: $b) { __typename ... on MongoDbIntegration { type } }
    }`,
      { a: integrationId('mdb-atlas', PAYMENTS, 'PROMETHEUS'), b: integrationId('mdb-atlas', PAYMENTS, 'SLACK') },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.['a']).toMatchObject({ __typename: 'VendorContractError', message: expect.stringContaining('enabled: invalid_type') });
    expect(response.data?.['b']).toEqual({ __typename: 'MongoDbIntegration', type: 'SLACK' });
    // Served (Digest accepted) once: a nonce the reset forgot costs a challenge, never a second list.
    const lists = atlas.digestLog.filter((e) => e.outcome === 'accepted' && e.path.endsWith(`/groups/${PAYMENTS}/integrations`));
    expect(lists).toHaveLength(1);
  });

  it('a write whose answer lists another integration broken still returns the one written', async () => {
    const upsert = `mutation($input: UpsertMongoDbIntegrationInput!) { upsertMongoDbIntegration(input: $input) { __typename
      ... on MongoDbIntegrationPayload { integration { type } groupIntegrations { type } } } }`;
    const first = field(await h.gql(upsert, { input: { account: 'mdb-atlas', groupId: EMPTY_GROUP, integration: graphqlInput('PAGER_DUTY', 'w1') } }), 'upsertMongoDbIntegration');
    expect(first['__typename']).toBe('MongoDbIntegrationPayload');
    atlas.breakContract(EMPTY_GROUP, 'PAGER_DUTY', { serviceKey: 7 });
    const second = field(await h.gql(upsert, { input: { account: 'mdb-atlas', groupId: EMPTY_GROUP, integration: graphqlInput('VICTOR_OPS', 'w2') } }), 'upsertMongoDbIntegration');
    expect(second).toEqual({ __typename: 'MongoDbIntegrationPayload', integration: { type: 'VICTOR_OPS' }, groupIntegrations: [{ type: 'VICTOR_OPS' }] });
    // Writing the broken type itself: the vendor took it (2xx) but its answer cannot be read, nor can a read-back.
    const third = field(await h.gql(upsert, { input: { account: 'mdb-atlas', groupId: EMPTY_GROUP, integration: graphqlInput('PAGER_DUTY', 'w3') } }), 'upsertMongoDbIntegration');
    expect(third['__typename']).toBe('VendorContractError');
  });
});

describe('the Atlas-era fields', () => {
  const SETTINGS = `settings { __typename
    ... on MongoDbPagerDutySettings { serviceKey { isSet lastFour } region }
    ... on MongoDbWebhookSettings { url { isSet lastFour } secret { isSet } bodyTemplate { field isSet lastFour } headersTemplate { field isSet lastFour } } }`;
  const READ = `query($id: ID!) { connection(id: $id) { __typename ... on MongoDbIntegration { vendorIntegrationId secrets { field isSet lastFour } ${SETTINGS} } } }`;
  const WRITE_ERRORS = `... on Error { message } ... on InputValidationError { fieldErrors { path message } } ... on VendorError { httpStatus vendorCode } ... on VendorValidationError { fieldErrors { path } }`;
  const CREATE = `mutation($input: CreateMongoDbIntegrationInput!) { createMongoDbIntegration(input: $input) { __typename ${WRITE_ERRORS}
    ... on MongoDbIntegrationPayload { integration { vendorIntegrationId ${SETTINGS} } } } }`;
  const UPSERT = `mutation($input: UpsertMongoDbIntegrationInput!) { upsertMongoDbIntegration(input: $input) { __typename ${WRITE_ERRORS}
    ... on MongoDbIntegrationPayload { integration { vendorIntegrationId ${SETTINGS} } } } }`;

  it('reads the integration id, the PagerDuty region and whether the webhook templates are set', async () => {
    const pd = field(await h.gql(READ, { id: integrationId('mdb-atlas', PAYMENTS, 'PAGER_DUTY') }), 'connection');
    expect(pd).toMatchObject({
      __typename: 'MongoDbIntegration',
      vendorIntegrationId: atlas.integrationId(PAYMENTS, 'PAGER_DUTY'),
      settings: { __typename: 'MongoDbPagerDutySettings', serviceKey: { isSet: true, lastFour: 'gH8j' }, region: 'US' },
    });
    expect(pd['vendorIntegrationId']).toMatch(/^[0-9a-f]{24}$/);
    const webhook = field(await h.gql(READ, { id: integrationId('mdb-atlas', PAYMENTS, 'WEBHOOK') }), 'connection');
    expect(webhook['settings']).toMatchObject({
      bodyTemplate: { field: 'bodyTemplate', isSet: false, lastFour: null },
      headersTemplate: { field: 'headersTemplate', isSet: false, lastFour: null },
    });
    // Cloud Manager's documented view (its docs' example) sends none of them, or nulls: absent, not an error.
    cm.server.addFault({
      match: { method: 'GET', path: '/integrations$' },
      times: 1,
      response: {
        status: 200,
        body: {
          links: [],
          results: [
            { serviceKey: '******7890', type: 'PAGER_DUTY' },
            { id: null, url: 'https://hooks.example.com/****abcd', headersTemplate: null, type: 'WEBHOOK' },
          ],
          totalCount: 2,
        },
      },
    });
    const plain = await h.gql(
      `query($a: ID!, $b: ID!) { a: connection(id: $a) { ... on MongoDbIntegration { vendorIntegrationId ${SETTINGS} } } b: connection(id: $b) { ... on MongoDbIntegration { vendorIntegrationId ${SETTINGS} } } }`,
      {
        a: integrationId('mdb-cm', PAYMENTS, 'PAGER_DUTY'),
        b: integrationId('mdb-cm', PAYMENTS, 'WEBHOOK'),
      },
    );
    expect(plain.errors).toBeUndefined();
    expect(plain.data?.['a']).toMatchObject({ vendorIntegrationId: null, settings: { region: null } });
    expect(plain.data?.['b']).toMatchObject({
      vendorIntegrationId: null,
      settings: { secret: { isSet: false }, bodyTemplate: { isSet: false, lastFour: null }, headersTemplate: { isSet: false, lastFour: null } },
    });
  });

  it('writes a PagerDuty region and webhook templates; the templates are never shown, only whether they are set', async () => {
    const headers = `{"Authorization":"Bearer ${CANARY}","X-Alert-Id":"\${id}"}`;
    const body = '{\n  "alert": "${id}",\n  "severity": "${severity}"\n}';
    const webhook = { ...(graphqlInput('WEBHOOK', 'tpl')['webhook'] as Json), bodyTemplate: body, headersTemplate: headers };
    const created = field(await h.gql(CREATE, { input: { account: 'mdb-atlas', groupId: EMPTY_GROUP, integration: { webhook } } }), 'createMongoDbIntegration');
    expect(created).toMatchObject({
      __typename: 'MongoDbIntegrationPayload',
      integration: {
        vendorIntegrationId: atlas.integrationId(EMPTY_GROUP, 'WEBHOOK'),
        settings: { bodyTemplate: { isSet: true, lastFour: null }, headersTemplate: { isSet: true, lastFour: null } },
      },
    });
    expect(atlas.storedIntegration(EMPTY_GROUP, 'WEBHOOK')?.fields).toMatchObject({ bodyTemplate: body, headersTemplate: headers });
    const pagerDuty = { ...(graphqlInput('PAGER_DUTY', 'eu')['pagerDuty'] as Json), region: 'EU' };
    const upserted = field(await h.gql(UPSERT, { input: { account: 'mdb-atlas', groupId: EMPTY_GROUP, integration: { pagerDuty } } }), 'upsertMongoDbIntegration');
    expect(upserted).toMatchObject({ __typename: 'MongoDbIntegrationPayload', integration: { settings: { region: 'EU' } } });
    expect(atlas.storedIntegration(EMPTY_GROUP, 'PAGER_DUTY')?.fields['region']).toBe('EU');
    const read = field(await h.gql(READ, { id: integrationId('mdb-atlas', EMPTY_GROUP, 'WEBHOOK') }), 'connection');
    expect((read['secrets'] as Json[]).filter((s) => String(s['field']).endsWith('Template'))).toEqual([
      { field: 'bodyTemplate', isSet: true, lastFour: null },
      { field: 'headersTemplate', isSet: true, lastFour: null },
    ]);
    const audit = JSON.stringify(await h.store.listAudit({ limit: 20 }));
    expect(audit).not.toContain(CANARY);
    expect(h.logger.lines.join('\n')).not.toContain(CANARY);
  });

  it('refuses bad templates before any request, naming the field and never the value', async () => {
    atlas.server.clearRequests();
    const base = graphqlInput('WEBHOOK', 'bad')['webhook'] as Json;
    const cases: [Json, string][] = [
      [{ bodyTemplate: 'x'.repeat(16_385) }, 'must be at most 16384 characters'],
      [{ headersTemplate: `{"X":"${'y'.repeat(4100)}"}` }, 'must be at most 4096 characters'],
      [{ headersTemplate: '******' }, 'redacted template'],
      [{ bodyTemplate: `{"a":"\u0007${CANARY}"}` }, 'control characters'],
      [{ bodyTemplate: '   ' }, 'must not be empty'],
    ];
    for (const [extra, message] of cases) {
      const response = await h.gql(CREATE, { input: { account: 'mdb-atlas', groupId: EMPTY_GROUP, integration: { webhook: { ...base, ...extra } } } });
      const result = field(response, 'createMongoDbIntegration');
      const [name] = Object.keys(extra);
      expect(result).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['integration', 'webhook', name], message: expect.stringContaining(message) }] });
      expect(response.raw).not.toContain(CANARY);
    }
    const badRegion = await h.gql(CREATE, { input: { account: 'mdb-atlas', groupId: EMPTY_GROUP, integration: { pagerDuty: { serviceKey: 'a1b2c3d4e5f6a7b8', region: 'APAC' } } } });
    expect(badRegion.errors?.[0]?.message).toMatch(/MongoDbPagerDutyRegion/);
    expect(atlas.server.requests).toHaveLength(0);
  });

  it('a Cloud Manager that does not know `region` refuses it with a typed VendorValidationError', async () => {
    const pagerDuty = { ...(graphqlInput('PAGER_DUTY', 'cm')['pagerDuty'] as Json), region: 'EU' };
    const result = field(await h.gql(UPSERT, { input: { account: 'mdb-cm', groupId: EMPTY_GROUP, integration: { pagerDuty } } }), 'upsertMongoDbIntegration');
    expect(result).toMatchObject({ __typename: 'VendorValidationError', httpStatus: 400, vendorCode: 'INVALID_ATTRIBUTE', fieldErrors: [{ path: ['region'] }] });
    expect(cm.storedIntegration(EMPTY_GROUP, 'PAGER_DUTY')).toBeUndefined();
  });
});

describe('the simulator knobs', () => {
  it('serves ids, the PagerDuty region default and null templates like the recordings, and keeps an id across a PUT', async () => {
    const raw = new RawDigest(atlas.server.baseUrl, PUBLIC_KEY, PRIVATE_KEY);
    const list = await raw.call('GET', `${atlas.basePath}/groups/${PAYMENTS}/integrations`);
    const results = (list.json as { results: Json[] }).results;
    const pagerDuty = results.find((r) => r['type'] === 'PAGER_DUTY');
    expect(pagerDuty).toEqual({ id: atlas.integrationId(PAYMENTS, 'PAGER_DUTY'), region: 'US', serviceKey: `${'*'.repeat(28)}gH8j`, type: 'PAGER_DUTY' });
    const webhook = results.find((r) => r['type'] === 'WEBHOOK');
    expect(Object.keys(webhook ?? {})).toEqual(['bodyTemplate', 'headersTemplate', 'id', 'secret', 'url', 'type']);
    expect(webhook).toMatchObject({ bodyTemplate: null, headersTemplate: null });
    const before = atlas.integrationId(PAYMENTS, 'PAGER_DUTY');
    await raw.call('PUT', `${atlas.basePath}/groups/${PAYMENTS}/integrations/PAGER_DUTY`, { type: 'PAGER_DUTY', serviceKey: 'a1b2c3d4e5f6a7b8c9d0', region: 'EU' });
    expect(atlas.integrationId(PAYMENTS, 'PAGER_DUTY')).toBe(before);
    const one = await raw.call('GET', `${atlas.basePath}/groups/${PAYMENTS}/integrations/PAGER_DUTY`);
    expect(one.json).toEqual({ id: before, region: 'EU', serviceKey: `${'*'.repeat(16)}c9d0`, type: 'PAGER_DUTY' });
  });

  it('serves a broken integration in list and get-one answers until reset', async () => {
    atlas.breakContract(SEARCH, 'OPS_GENIE', { region: 7, apiKey: undefined });
    const raw = new RawDigest(atlas.server.baseUrl, PUBLIC_KEY, PRIVATE_KEY);
    const one = await raw.call('GET', `${atlas.basePath}/groups/${SEARCH}/integrations/OPS_GENIE`);
    expect(one.json).toEqual({ id: atlas.integrationId(SEARCH, 'OPS_GENIE'), region: 7, type: 'OPS_GENIE' });
    atlas.server.reset();
    const again = await new RawDigest(atlas.server.baseUrl, PUBLIC_KEY, PRIVATE_KEY).call('GET', `${atlas.basePath}/groups/${SEARCH}/integrations/OPS_GENIE`);
    expect(again.json).toMatchObject({ region: 'EU', type: 'OPS_GENIE' });
  });
});
