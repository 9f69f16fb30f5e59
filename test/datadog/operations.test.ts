import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATADOG_SEED_USER_ID } from '../../src/simulators/datadog/seed.js';
import { DATADOG_INTEGRATIONS } from '../../src/vendors/datadog/catalogue.js';
import {
  API_PATHS,
  APP_KEYS,
  CREATE,
  DELETE,
  FLAT_CASES,
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
  camelCase,
  changedPlainValue,
  connectionGid,
  createAtSimulator,
  createInputFor,
  field,
  list,
  obj,
  requestsOf,
  specFields,
  startDatadogEnv,
  text,
  unique,
  type DatadogEnv,
  type VariantCase,
} from './support.js';

/*
 * Acceptance, issue 2: every Datadog operation works against the simulator through GraphQL, for
 * every integration type, including updates that leave secrets alone.
 */

const ACCOUNT = 'dd-ops';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AWS_PRINCIPAL = '464622532012';

let env: DatadogEnv;

beforeAll(async () => {
  env = await startDatadogEnv({ accounts: [ACCOUNT] });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => {
  env.sim.server.clearFaults();
});

/** What Datadog's create answer leaves out and its GET and PATCH answers carry (CONTRACT.md, "Fields beyond the spec"). */
const NO_RECORD = { createdAt: null, updatedAt: null, createdByUserId: null, actingUserCanResolve: null };

/**
 * Those fields as GraphQL must show them for a connection the simulator holds: its times (sent in
 * Go's format, read back to the millisecond), its creator and the recorded `false`.
 */
function recordOf(connectionId: string): Record<string, unknown> {
  const stored = env.sim.storedConnection(connectionId);
  if (!stored) throw new Error(`the simulator has no connection ${connectionId}`);
  return {
    createdAt: new Date(stored.createdAt).toISOString(),
    updatedAt: new Date(stored.updatedAt).toISOString(),
    createdByUserId: stored.createdBy,
    actingUserCanResolve: false,
  };
}

async function listByName(name: string): Promise<Record<string, unknown>> {
  const response = await env.gql(LIST, { filter: { accounts: [ACCOUNT], search: name } });
  return field(response, 'connections');
}

/** What `integration` must read back as for a flat row, given the stored wire values. */
function expectedIntegration(row: VariantCase, plain: Record<string, string>, secretsSet: ReadonlySet<string>): Record<string, unknown> {
  const expected: Record<string, unknown> = { __typename: row.spec.typeName, credentialType: row.variant.type };
  for (const f of specFields(row.spec)) {
    const name = camelCase(f.wire);
    if (f.secret) {
      // The simulator does not echo secrets by default: set (because required) but no characters.
      expected[name] = { field: name, isSet: secretsSet.has(f.wire), lastFour: null };
    } else if (f.readOnly) {
      expected[name] = f.wire === 'principal_id' ? AWS_PRINCIPAL : expect.stringMatching(/^[0-9a-f]{32}$/);
    } else {
      expected[name] = plain[f.wire] ?? null;
    }
  }
  return expected;
}

describe('the integration catalogue', () => {
  it('covers the 24 integration types and 25 credential variants of the contract', () => {
    // From docs/vendors/datadog/CONTRACT.md, not from the implementation.
    const contract = [
      'AWS/AWSAssumeRole',
      'Anthropic/AnthropicAPIKey',
      'Asana/AsanaAccessToken',
      'Azure/AzureTenant',
      'CircleCI/CircleCIAPIKey',
      'Clickup/ClickupAPIKey',
      'Cloudflare/CloudflareAPIToken',
      'Cloudflare/CloudflareGlobalAPIToken',
      'ConfigCat/ConfigCatSDKKey',
      'Datadog/DatadogAPIKey',
      'Fastly/FastlyAPIKey',
      'Freshservice/FreshserviceAPIKey',
      'GCP/GCPServiceAccount',
      'Gemini/GeminiAPIKey',
      'Gitlab/GitlabAPIKey',
      'GreyNoise/GreyNoiseAPIKey',
      'HTTP/HTTPTokenAuth',
      'LaunchDarkly/LaunchDarklyAPIKey',
      'Notion/NotionAPIKey',
      'Okta/OktaAPIToken',
      'OpenAI/OpenAIAPIKey',
      'ServiceNow/ServiceNowBasicAuth',
      'Split/SplitAPIKey',
      'Statsig/StatsigAPIKey',
      'VirusTotal/VirusTotalAPIKey',
    ];
    const catalogue = DATADOG_INTEGRATIONS.flatMap((spec) => spec.variants.map((v) => `${spec.type}/${v.type}`));
    expect([...catalogue].sort()).toEqual([...contract].sort());
    expect(new Set(DATADOG_INTEGRATIONS.map((s) => s.type)).size).toBe(24);
    // Every row below runs: 24 flat variants (Cloudflare twice) + the HTTP test.
    expect(FLAT_CASES).toHaveLength(24);
  });
});

describe.each(FLAT_CASES.map((row) => [row.label, row] as const))('%s connection', (_label, row) => {
  it('is created, read back, updated without resending secrets, and deleted', async () => {
    const name = unique(`Ops ${row.label}`);
    const tags = ['team:platform', `case:${row.spec.key}`];
    const input = createInputFor(row, (wire) => unique(`secret-${row.spec.key}-${wire}`));
    const secretWires = new Set(Object.keys(input.secrets));

    // Create.
    const created = field(await env.gql(CREATE, { input: { account: ACCOUNT, name, tags, integration: input.integration } }));
    expect(created['__typename'], JSON.stringify(created)).toBe('DatadogActionConnectionPayload');
    const connection = obj(created['connection']);
    const connectionId = text(connection['connectionId']);
    const id = text(connection['id']);
    expect(connectionId).toMatch(UUID);
    expect(id).toBe(connectionGid(ACCOUNT, connectionId));
    expect(connection).toMatchObject({
      __typename: 'DatadogActionConnection',
      name,
      tags,
      vendor: 'DATADOG',
      service: row.spec.service,
      account: { key: ACCOUNT, vendor: 'DATADOG' },
      ...NO_RECORD,
    });
    expect(connection['integration']).toEqual(expectedIntegration(row, input.plain, secretWires));
    expect(connection['secrets']).toEqual(row.variant.fields.filter((f) => f.secret).map((f) => ({ field: camelCase(f.wire), isSet: true, lastFour: null })));

    // Datadog holds exactly what was sent, secrets included.
    const isAws = row.spec.type === 'AWS';
    const awsIds = isAws ? { external_id: expect.stringMatching(/^[0-9a-f]{32}$/), principal_id: AWS_PRINCIPAL } : {};
    expect(env.sim.storedConnection(connectionId)).toEqual({
      id: connectionId,
      name,
      tags,
      integration: { kind: 'fields', type: row.spec.type, credentialType: row.variant.type, fields: { ...input.plain, ...input.secrets, ...awsIds } },
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      createdBy: DATADOG_SEED_USER_ID,
    });
    const storedBefore = env.sim.storedConnection(connectionId);

    // Read back three ways: a read adds the times and the creator the create answer left out.
    const read = { ...connection, ...recordOf(connectionId) };
    expect(field(await env.gql(GET, { id }))).toEqual(read);
    const node = await env.gql(NODE, { id });
    expect(node.errors).toBeUndefined();
    expect(node.data?.['node']).toEqual(read);
    const listed = await listByName(name);
    expect(listed['totalCount']).toBe(1);
    expect(at(listed, 'nodes', 0, 'id')).toBe(id);

    // Update name and tags, and a non-secret credential field where the type has one; no secret is resent.
    const changed = row.variant.fields.find((f) => !f.secret && !f.readOnly && f.required);
    const newName = `${name} (renamed)`;
    const newTags = ['team:sre', `case:${row.spec.key}`, 'rev:2'];
    const updateInput: Record<string, unknown> = { id, name: newName, tags: newTags };
    const newPlain = { ...input.plain };
    if (changed) {
      newPlain[changed.wire] = changedPlainValue(changed.wire);
      const fields = { [camelCase(changed.wire)]: newPlain[changed.wire] };
      updateInput['integration'] = { [row.spec.key]: row.spec.variants.length > 1 ? { [row.variant.key]: fields } : fields };
    }
    env.sim.server.clearRequests();
    const updated = field(await env.gql(UPDATE, { input: updateInput }));
    expect(updated['__typename'], JSON.stringify(updated)).toBe('DatadogActionConnectionPayload');
    const after = obj(updated['connection']);
    expect(after).toMatchObject({ id, connectionId, name: newName, tags: newTags, service: row.spec.service, ...recordOf(connectionId) });
    expect(after['createdAt']).toBe(read['createdAt']);
    expect(after['integration']).toEqual(expectedIntegration(row, newPlain, secretWires));
    const path = `${API_PATHS.connections}/${connectionId}`;
    expect(requestsOf(env.sim)).toEqual(
      changed
        ? [
            { method: 'GET', path, query: {} },
            { method: 'PATCH', path, query: {} },
          ]
        : [{ method: 'PATCH', path, query: {} }],
    );
    const storedAfter = env.sim.storedConnection(connectionId);
    expect(storedAfter?.name).toBe(newName);
    expect(storedAfter?.tags).toEqual(newTags);
    if (storedBefore?.integration.kind !== 'fields' || storedAfter?.integration.kind !== 'fields') throw new Error('expected flat credentials');
    // Secrets (and AWS's generated ids) are exactly as before; only the changed field moved.
    expect(storedAfter.integration.fields).toEqual({ ...storedBefore.integration.fields, ...newPlain });
    for (const [wire, secret] of Object.entries(input.secrets)) expect(storedAfter.integration.fields[wire]).toBe(secret);

    // Delete.
    const deleted = field(await env.gql(DELETE, { id }));
    expect(deleted).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: id });
    expect(env.sim.storedConnection(connectionId)).toBeUndefined();
    expect((await listByName(name))['totalCount']).toBe(0);
    const gone = await env.gql(NODE, { id });
    expect(gone.errors).toBeUndefined();
    expect(gone.data?.['node']).toBeNull();
    const again = field(await env.gql(DELETE, { id }));
    expect(again).toMatchObject({ __typename: 'NotFoundError' });
  });
});

describe('HTTP connection (headers, tokens, URL parameters, body)', () => {
  it('is created, updated with deleted items and a rotated token, and deleted', async () => {
    const name = unique('Ops HTTP');
    const pageToken = unique('http-token-page');
    const legacyToken = unique('http-token-legacy');
    const created = field(
      await env.gql(CREATE, {
        input: {
          account: ACCOUNT,
          name,
          tags: ['service:statuspage'],
          integration: {
            http: {
              baseUrl: 'https://api.statuspage.io/v1',
              headers: [
                { name: 'Authorization', value: 'OAuth {{ pageToken }}' },
                { name: 'X-Trace-Source', value: 'patchbay-tests' },
              ],
              tokens: [
                { name: 'pageToken', value: pageToken },
                { name: 'legacyToken', value: legacyToken },
              ],
              urlParameters: [
                { name: 'region', value: 'eu' },
                { name: 'apiVersion', value: '2024-01-01' },
              ],
              body: { content: '{"incident":"{{ pageToken }}"}', contentType: 'application/json' },
            },
          },
        },
      }),
    );
    expect(created['__typename'], JSON.stringify(created)).toBe('DatadogActionConnectionPayload');
    const connection = obj(created['connection']);
    const id = text(connection['id']);
    const connectionId = text(connection['connectionId']);
    expect(connection).toMatchObject({ name, service: 'HTTP', tags: ['service:statuspage'] });
    const integration = obj(connection['integration']);
    expect(integration).toMatchObject({
      __typename: 'DatadogHttpIntegration',
      credentialType: 'HTTPTokenAuth',
      // A hint: the path of a base URL may carry a token.
      baseUrl: 'https://api.statuspage.io/…',
      bodyContentType: 'application/json',
      bodyContent: { field: 'body.content', isSet: true },
    });
    const names = (key: string) => list(integration[key]).map((item) => at(item, 'name'));
    expect(names('headers')).toEqual(['Authorization', 'X-Trace-Source']);
    expect(names('tokens')).toEqual(['pageToken', 'legacyToken']);
    expect(names('urlParameters')).toEqual(['region', 'apiVersion']);
    // Tokens are not echoed by Datadog: set, no characters.
    expect(list(integration['tokens']).map((t) => at(t, 'value'))).toEqual([
      { field: 'tokens.pageToken', isSet: true, lastFour: null },
      { field: 'tokens.legacyToken', isSet: true, lastFour: null },
    ]);
    // Header and parameter values come back as hints with at most their last four characters.
    const sent: Record<string, string> = {
      'headers.Authorization': 'OAuth {{ pageToken }}',
      'headers.X-Trace-Source': 'patchbay-tests',
      'urlParameters.region': 'eu',
      'urlParameters.apiVersion': '2024-01-01',
    };
    for (const key of ['headers', 'urlParameters']) {
      for (const item of list(integration[key])) {
        const hint = obj(at(item, 'value'));
        const value = sent[text(hint['field'])];
        expect(value, `hint ${JSON.stringify(hint)}`).toBeDefined();
        expect(hint['isSet']).toBe(true);
        expect(hint['lastFour'] === null || hint['lastFour'] === value?.slice(-4), JSON.stringify(hint)).toBe(true);
      }
    }
    expect(env.sim.storedConnection(connectionId)?.integration).toEqual({
      kind: 'http',
      type: 'HTTP',
      credentialType: 'HTTPTokenAuth',
      baseUrl: 'https://api.statuspage.io/v1',
      headers: [
        { name: 'Authorization', value: 'OAuth {{ pageToken }}' },
        { name: 'X-Trace-Source', value: 'patchbay-tests' },
      ],
      tokens: [
        { name: 'pageToken', type: 'SECRET', value: pageToken },
        { name: 'legacyToken', type: 'SECRET', value: legacyToken },
      ],
      urlParameters: [
        { name: 'region', value: 'eu' },
        { name: 'apiVersion', value: '2024-01-01' },
      ],
      body: { content: '{"incident":"{{ pageToken }}"}', content_type: 'application/json' },
    });
    expect(field(await env.gql(GET, { id }))).toEqual({ ...connection, ...recordOf(connectionId) });

    // Update 1: remove a header, a URL parameter and a token by name, add a header; the remaining token is not resent.
    const first = field(
      await env.gql(UPDATE, {
        input: {
          id,
          integration: {
            http: {
              headers: [
                { name: 'X-Trace-Source', deleted: true },
                { name: 'X-Team', value: 'sre' },
              ],
              urlParameters: [{ name: 'region', deleted: true }],
              tokens: [{ name: 'legacyToken', deleted: true }],
            },
          },
        },
      }),
    );
    expect(first['__typename'], JSON.stringify(first)).toBe('DatadogActionConnectionPayload');
    const afterFirst = obj(at(first, 'connection', 'integration'));
    expect(list(afterFirst['headers']).map((h) => at(h, 'name'))).toEqual(['Authorization', 'X-Team']);
    expect(list(afterFirst['urlParameters']).map((p) => at(p, 'name'))).toEqual(['apiVersion']);
    expect(list(afterFirst['tokens']).map((t) => at(t, 'name'))).toEqual(['pageToken']);
    let stored = env.sim.storedConnection(connectionId)?.integration;
    if (stored?.kind !== 'http') throw new Error('expected an HTTP connection');
    expect(stored.headers).toEqual([
      { name: 'Authorization', value: 'OAuth {{ pageToken }}' },
      { name: 'X-Team', value: 'sre' },
    ]);
    expect(stored.urlParameters).toEqual([{ name: 'apiVersion', value: '2024-01-01' }]);
    expect(stored.tokens).toEqual([{ name: 'pageToken', type: 'SECRET', value: pageToken }]);
    expect(stored.body).toEqual({ content: '{"incident":"{{ pageToken }}"}', content_type: 'application/json' });

    // Update 2: a new base URL and a rotated token, plus a rename.
    const rotated = unique('http-token-rotated');
    const second = field(
      await env.gql(UPDATE, {
        input: { id, name: `${name} v2`, integration: { http: { baseUrl: 'https://api.statuspage.io/v2', tokens: [{ name: 'pageToken', value: rotated }] } } },
      }),
    );
    expect(second['__typename'], JSON.stringify(second)).toBe('DatadogActionConnectionPayload');
    expect(at(second, 'connection', 'integration', 'baseUrl')).toBe('https://api.statuspage.io/…');
    expect(at(second, 'connection', 'name')).toBe(`${name} v2`);
    stored = env.sim.storedConnection(connectionId)?.integration;
    if (stored?.kind !== 'http') throw new Error('expected an HTTP connection');
    expect(stored.baseUrl).toBe('https://api.statuspage.io/v2');
    expect(stored.tokens).toEqual([{ name: 'pageToken', type: 'SECRET', value: rotated }]);
    expect(stored.headers).toHaveLength(2);

    expect(field(await env.gql(DELETE, { id }))).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: id });
    expect(env.sim.storedConnection(connectionId)).toBeUndefined();
    expect(field(await env.gql(DELETE, { id }))).toMatchObject({ __typename: 'NotFoundError' });
  });
});

describe('AWS specifics', () => {
  it('keeps the generated external id across updates and regenerates it on request', async () => {
    const created = field(await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Ops AWS ids'), integration: { aws: { accountId: '123456789012', role: 'Ops' } } } }));
    const id = text(at(created, 'connection', 'id'));
    const externalId = text(at(created, 'connection', 'integration', 'externalId'));
    expect(at(created, 'connection', 'integration', 'principalId')).toBe(AWS_PRINCIPAL);
    const renamed = field(await env.gql(UPDATE, { input: { id, integration: { aws: { role: 'OpsRenamed' } } } }));
    expect(at(renamed, 'connection', 'integration')).toMatchObject({ role: 'OpsRenamed', externalId, principalId: AWS_PRINCIPAL });
    const regenerated = field(await env.gql(UPDATE, { input: { id, integration: { aws: { generateNewExternalId: true } } } }));
    const fresh = text(at(regenerated, 'connection', 'integration', 'externalId'));
    expect(fresh).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh).not.toBe(externalId);
    expect(at(regenerated, 'connection', 'integration', 'role')).toBe('OpsRenamed');
    await env.gql(DELETE, { id });
  });
});

describe('connection(id) after delete', () => {
  it('answers a NotFoundError result naming the id, not a top-level error', async () => {
    const created = field(await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Ops read after delete'), integration: { gemini: { apiKey: unique('gemini-key') } } } }));
    const id = text(at(created, 'connection', 'id'));
    expect(field(await env.gql(DELETE, { id }))['__typename']).toBe('DeletedConnectionPayload');
    const response = await env.gql(GET, { id });
    expect(response.errors, response.raw).toBeUndefined();
    expect(response.data?.['result']).toMatchObject({ __typename: 'NotFoundError', resourceId: id });
  });
});

describe('track and untrack', () => {
  it('adopts a connection created outside Patchbay, lists it, and forgets it again without deleting it', async () => {
    const name = unique('Ops adopted Okta');
    const connectionId = await createAtSimulator(env.sim, name, {
      type: 'Okta',
      credentials: { type: 'OktaAPIToken', domain: 'acme.okta.com', api_token: unique('outside-okta-token') },
    });
    const id = connectionGid(ACCOUNT, connectionId);
    expect((await listByName(name))['totalCount']).toBe(0);

    const tracked = field(await env.gql(TRACK, { account: ACCOUNT, connectionId }));
    expect(tracked['__typename'], JSON.stringify(tracked)).toBe('DatadogActionConnectionPayload');
    expect(obj(tracked['connection'])).toMatchObject({
      id,
      connectionId,
      name,
      service: 'OKTA',
      integration: { __typename: 'DatadogOktaIntegration', domain: 'acme.okta.com', apiToken: { isSet: true, lastFour: null } },
    });
    // Tracking twice keeps one entry.
    expect(field(await env.gql(TRACK, { account: ACCOUNT, connectionId }))['__typename']).toBe('DatadogActionConnectionPayload');
    const listed = await listByName(name);
    expect(listed['totalCount']).toBe(1);
    expect(list(listed['nodes'])).toEqual([{ __typename: 'DatadogActionConnection', id, name, connectionId, account: { key: ACCOUNT } }]);

    expect(field(await env.gql(UNTRACK, { id }))).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: id });
    expect((await listByName(name))['totalCount']).toBe(0);
    expect(env.sim.storedConnection(connectionId)?.name).toBe(name);
    expect(field(await env.gql(UNTRACK, { id }))).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('refuses to track a connection Datadog does not have', async () => {
    const before = await env.h.store.listTrackedDatadogConnections(ACCOUNT);
    expect(field(await env.gql(TRACK, { account: ACCOUNT, connectionId: MISSING_UUID }))).toMatchObject({ __typename: 'NotFoundError' });
    expect(await env.h.store.listTrackedDatadogConnections(ACCOUNT)).toEqual(before);
  });
});

describe('app key registrations', () => {
  it('registers, lists page by page with first/after, and unregisters', async () => {
    const seeded = env.sim.appKeyRegistrationIds();
    const added = Array.from({ length: 6 }, () => randomUUID());
    for (const appKeyId of added) {
      expect(field(await env.gql(REGISTER, { account: ACCOUNT, appKeyId }))).toEqual({
        __typename: 'DatadogAppKeyRegistrationPayload',
        registration: { appKeyId, type: 'APP_KEY_REGISTRATION', account: { key: ACCOUNT } },
      });
    }
    const all = env.sim.appKeyRegistrationIds();
    expect(all).toEqual([...seeded, ...added]);
    expect(all).toHaveLength(7);

    env.sim.server.clearRequests();
    const seen: string[] = [];
    const pages: { size: number; hasNextPage: unknown }[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page = field(await env.gql(APP_KEYS, { account: ACCOUNT, first: 3, after }));
      expect(page['__typename'], JSON.stringify(page)).toBe('DatadogAppKeyRegistrationPage');
      expect(page['totalCount']).toBe(7);
      const nodes = list(page['nodes']);
      for (const node of nodes) expect(at(node, 'account', 'key')).toBe(ACCOUNT);
      seen.push(...nodes.map((n) => text(at(n, 'appKeyId'))));
      pages.push({ size: nodes.length, hasNextPage: page['hasNextPage'] });
      if (page['hasNextPage'] !== true) {
        expect(page['endCursor']).toBeNull();
        break;
      }
      after = text(page['endCursor']);
    }
    expect(pages).toEqual([
      { size: 3, hasNextPage: true },
      { size: 3, hasNextPage: true },
      { size: 1, hasNextPage: false },
    ]);
    expect(seen).toEqual(all);
    expect(requestsOf(env.sim).map((r) => [r.method, r.path, r.query])).toEqual(['0', '1', '2'].map((n) => ['GET', API_PATHS.appKeys, { 'page[size]': '3', 'page[number]': n }]));

    const removed = added[2] as string;
    expect(field(await env.gql(UNREGISTER, { account: ACCOUNT, appKeyId: removed }))).toEqual({
      __typename: 'DatadogAppKeyUnregisteredPayload',
      appKeyId: removed,
    });
    expect(env.sim.appKeyRegistrationIds()).not.toContain(removed);
    const afterRemoval = field(await env.gql(APP_KEYS, { account: ACCOUNT, first: 50 }));
    expect(afterRemoval['totalCount']).toBe(6);
    expect(list(afterRemoval['nodes']).map((n) => at(n, 'appKeyId'))).not.toContain(removed);
    expect(field(await env.gql(UNREGISTER, { account: ACCOUNT, appKeyId: removed }))).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('refuses a cursor it did not produce', async () => {
    env.sim.server.clearRequests();
    const page = field(await env.gql(APP_KEYS, { account: ACCOUNT, first: 2, after: 'not-a-cursor' }));
    expect(page).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['after'] }] });
    expect(env.sim.server.requests).toHaveLength(0);
  });
});
