import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/core/ids.js';
import { NotFoundError } from '../../src/core/errors.js';
import { buildIntegrationBody } from '../../src/vendors/mongodb/input.js';
import { parseMongoDbError } from '../../src/vendors/mongodb/errors.js';
import { mapIntegration, type MongoDbIntegration } from '../../src/vendors/mongodb/map.js';
import { integrationPage } from '../../src/vendors/mongodb/wire.js';
import { startHarness, type GqlResponse, type Harness } from '../support/harness.js';
import { makeClient } from './client-kit.js';
import { graphqlInput, resolvedInput } from './fixtures.js';

/*
 * The real Atlas v2 responses recorded by mongodb-atlas-cli (docs/vendors/mongodb/recordings/*.http),
 * replayed through the client over a mock transport: the client must parse and map each of them.
 * Atlas v2 and Cloud Manager v1.0 serve the same integration views under different prefixes, so
 * the client is pointed at the recordings' own prefix.
 *
 * Every request Patchbay sends is replayed through GraphQL as well (`yoga.fetch` against a replay
 * server on 127.0.0.1, last describe block): the list, the PAGER_DUTY / OPS_GENIE / WEBHOOK
 * creates, the WEBHOOK delete and the GROUP_NOT_FOUND error. The DATADOG create is replayed at
 * client level only: Patchbay never sends it (its integration input has no Datadog member).
 */

const FOLDER = fileURLToPath(new URL('../../docs/vendors/mongodb/recordings/', import.meta.url));
const ORIGIN = 'https://cloud.mongodb.example';
const BASE = `${ORIGIN}/api/atlas/v2`;
const GROUP = '6a79404f2c88faeba59beea6';

interface Recording {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function load(name: string): Recording {
  const text = readFileSync(join(FOLDER, name), 'utf8');
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? '' : text.slice(split + 2);
  const [statusLine = '', ...lines] = head.split('\n');
  const status = Number(/^HTTP\/\S+ (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    // The mock transport frames the body itself.
    if (colon > 0 && name !== 'content-length') headers[name] = line.slice(colon + 1).trim();
  }
  return { status, headers, body };
}

let agents: MockAgent[] = [];

/** A client whose transport answers `method path…` with the recording, once per listed reply. */
function replaying(replies: readonly { method: string; path: string; recording: Recording }[]) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const pool = agent.get(ORIGIN);
  for (const reply of replies) {
    pool.intercept({ method: reply.method, path: (p: string) => p.split('?')[0] === reply.path }).reply(reply.recording.status, reply.recording.body, { headers: reply.recording.headers });
  }
  return { ...makeClient({ baseUrl: BASE, groupIds: [GROUP], dispatcher: agent }), agent };
}

afterEach(async () => {
  for (const agent of agents) await agent.close();
  agents = [];
});

function byType(integrations: readonly MongoDbIntegration[], type: string): MongoDbIntegration {
  const found = integrations.find((i) => i.type === type);
  if (!found) throw new Error(`no ${type} in the mapped list`);
  return found;
}

const LIST_PATH = `/api/atlas/v2/groups/${GROUP}/integrations`;

describe('recorded Atlas v2 responses', () => {
  it('covers every recording in the folder', () => {
    expect(
      readdirSync(FOLDER)
        .filter((f) => f.endsWith('.http'))
        .sort(),
    ).toEqual([
      'atlas-v2-DELETE-integrations-WEBHOOK.204.http',
      'atlas-v2-GET-integrations.200.http',
      'atlas-v2-POST-integrations-DATADOG.200.http',
      'atlas-v2-POST-integrations-OPS_GENIE.200.http',
      'atlas-v2-POST-integrations-PAGER_DUTY.200.http',
      'atlas-v2-POST-integrations-WEBHOOK.200.http',
      'atlas-v2-error-GROUP_NOT_FOUND.404.http',
    ]);
  });

  it('GET list: five integrations, masked secrets as hints, Datadog as the unknown fallback', async () => {
    const { client, scope } = replaying([{ method: 'GET', path: LIST_PATH, recording: load('atlas-v2-GET-integrations.200.http') }]);
    const group = await client.listIntegrations(scope, GROUP);
    expect(group.integrations.map((i) => i.type)).toEqual(['PAGER_DUTY', 'DATADOG', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK']);

    const pagerDuty = byType(group.integrations, 'PAGER_DUTY');
    expect(pagerDuty).toMatchObject({ service: 'PAGERDUTY', vendorIntegrationId: '6a79405d2c88faeba59bf382', name: `PagerDuty (project ${GROUP})` });
    expect(pagerDuty.settings).toEqual({ type: 'PAGER_DUTY', serviceKey: { field: 'serviceKey', isSet: true, lastFour: '0022' }, region: 'US' });

    const datadog = byType(group.integrations, 'DATADOG');
    expect(datadog.service).toBe('DATADOG');
    expect(datadog.settings).toEqual({
      type: 'UNKNOWN',
      integrationType: 'DATADOG',
      fieldNames: ['apiKey', 'customEndpoint', 'region', 'sendCollectionLatencyMetrics', 'sendDatabaseMetrics', 'sendQueryStatsMetrics', 'sendUserProvidedResourceTags'],
    });
    expect(datadog.secrets).toEqual([{ field: 'apiKey', isSet: true, lastFour: '0000' }]);

    expect(byType(group.integrations, 'OPS_GENIE').settings).toEqual({ type: 'OPS_GENIE', apiKey: { field: 'apiKey', isSet: true, lastFour: '3311' }, region: 'US' });
    expect(byType(group.integrations, 'VICTOR_OPS').settings).toEqual({ type: 'VICTOR_OPS', apiKey: { field: 'apiKey', isSet: true, lastFour: '1c11' }, routingKey: 'test' });
    const webhook = byType(group.integrations, 'WEBHOOK');
    expect(webhook.vendorIntegrationId).toBe('6a7940642c88faeba59bf3da');
    // bodyTemplate/headersTemplate came back null: read as absent, so not set.
    expect(webhook.settings).toEqual({
      type: 'WEBHOOK',
      url: { field: 'url', isSet: true, lastFour: '2101' },
      urlOrigin: 'https://example.com',
      secret: { field: 'secret', isSet: true, lastFour: '2101' },
      bodyTemplate: { field: 'bodyTemplate', isSet: false, lastFour: null },
      headersTemplate: { field: 'headersTemplate', isSet: false, lastFour: null },
    });
    expect(webhook.secrets.map((s) => s.field)).toEqual(['url', 'secret', 'bodyTemplate', 'headersTemplate']);
    expect(group.failures).toEqual([]);
    // Nothing that looks like a masked value survives the mapping.
    expect(JSON.stringify(group)).not.toMatch(/\*\*\*\*/);
  });

  it.each([
    ['PAGER_DUTY', 'atlas-v2-POST-integrations-PAGER_DUTY.200.http', ['PAGER_DUTY', 'DATADOG', 'OPS_GENIE']],
    ['OPS_GENIE', 'atlas-v2-POST-integrations-OPS_GENIE.200.http', ['DATADOG', 'OPS_GENIE']],
    ['WEBHOOK', 'atlas-v2-POST-integrations-WEBHOOK.200.http', ['PAGER_DUTY', 'DATADOG', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK']],
  ] as const)('POST %s: the answer is the whole project; the written integration is picked from it', async (type, file, types) => {
    const recording = load(file);
    const { client, scope } = replaying([{ method: 'POST', path: `${LIST_PATH}/${type}`, recording }]);
    const result = await client.createIntegration(scope, GROUP, buildIntegrationBody(resolvedInput(type, 'replay')));
    expect(result.complete).toBe(true);
    expect(result.integration.type).toBe(type);
    expect(result.group.integrations.map((i) => i.type)).toEqual(types);
  });

  it('POST DATADOG (a type Patchbay cannot write) still parses and maps to the fallback', () => {
    const recording = load('atlas-v2-POST-integrations-DATADOG.200.http');
    const parsed = integrationPage.safeParse(JSON.parse(recording.body));
    expect(parsed.success).toBe(true);
    const results = parsed.success ? parsed.data.results.items : [];
    const ref = { key: 'atlas', vendor: 'mongodb' as const, displayName: 'Atlas', baseUrl: BASE };
    expect(results.map((wire) => mapIntegration(ref, GROUP, wire).settings.type)).toEqual(['UNKNOWN']);
    expect(parsed.success && parsed.data.totalCount).toBe(1);
  });

  it('DELETE WEBHOOK: 204 with a content type and no body', async () => {
    const { client, scope, calls } = replaying([{ method: 'DELETE', path: `${LIST_PATH}/WEBHOOK`, recording: load('atlas-v2-DELETE-integrations-WEBHOOK.204.http') }]);
    await expect(client.deleteIntegration(scope, GROUP, 'WEBHOOK')).resolves.toEqual({ alreadyGone: false });
    expect(calls.map((c) => c.status)).toEqual([204]);
  });

  it('the GROUP_NOT_FOUND 404 becomes NotFoundError, and its ApiError body yields the vendor code', async () => {
    const recording = load('atlas-v2-error-GROUP_NOT_FOUND.404.http');
    const { client, scope } = replaying([
      { method: 'GET', path: '/api/atlas/v2/groups/111111111111111111111111/integrations', recording },
      { method: 'GET', path: '/api/atlas/v2/groups/111111111111111111111111/integrations', recording },
    ]);
    await expect(client.listIntegrations(scope, '111111111111111111111111')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.listIntegrations(scope, '111111111111111111111111')).rejects.toMatchObject({ vendorCode: 'GROUP_NOT_FOUND' });
    expect(parseMongoDbError(404, JSON.parse(recording.body))).toEqual({
      vendorCode: 'GROUP_NOT_FOUND',
      summary: 'No group with ID 111111111111111111111111 exists.',
      fieldErrors: [],
    });
  });

  it('answers a Digest challenge before the recorded answer, then replays with credentials', async () => {
    const challenge: Recording = {
      status: 401,
      headers: { 'www-authenticate': 'Digest realm="MMS Public API", domain="", nonce="cmVjb3JkZWQ=", algorithm=MD5, qop="auth", stale=false', 'content-type': 'application/json' },
      body: '{"detail":"You are not authorized for this resource.","error":401,"errorCode":"UNAUTHORIZED","parameters":[],"reason":"Unauthorized"}',
    };
    const { client, scope, calls } = replaying([
      { method: 'GET', path: LIST_PATH, recording: challenge },
      { method: 'GET', path: LIST_PATH, recording: load('atlas-v2-GET-integrations.200.http') },
    ]);
    const group = await client.listIntegrations(scope, GROUP);
    expect(group.integrations).toHaveLength(5);
    expect(calls.map((c) => c.attempts)).toEqual([2]);
  });

  it("maps the Cloud Manager docs' own examples (the shorter ******7890 mask)", () => {
    const docsExample = {
      links: [{ href: 'https://cloud.mongodb.com/api/public/v1.0/groups/{PROJECT-ID}/integrations?pageNum=1&itemsPerPage=100', rel: 'self' }],
      results: [
        { serviceKey: '******7890', type: 'PAGER_DUTY' },
        { apiToken: '******7890', channelName: 'My Channel', teamName: 'My Team', type: 'SLACK' },
      ],
      totalCount: 2,
    };
    const parsed = integrationPage.parse(docsExample);
    const ref = { key: 'cm', vendor: 'mongodb' as const, displayName: 'CM', baseUrl: BASE };
    expect(parsed.results.failures).toEqual([]);
    const mapped = parsed.results.items.map((wire) => mapIntegration(ref, GROUP, wire));
    expect(mapped.map((i) => i.secrets)).toEqual([[{ field: 'serviceKey', isSet: true, lastFour: '7890' }], [{ field: 'apiToken', isSet: true, lastFour: '7890' }]]);
    expect(mapped[1]?.settings).toMatchObject({ teamName: 'My Team', channelName: 'My Channel' });
  });
});

/** A server on 127.0.0.1 answering `METHOD path` (query ignored) with a recording, as often as asked; what it was sent is kept. */
class ReplayServer {
  private readonly server: Server;
  private readonly replies = new Map<string, Recording>();
  readonly served: string[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      const key = `${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`;
      req.resume();
      req.on('end', () => {
        this.served.push(key);
        const recording = this.replies.get(key);
        if (!recording) {
          res.writeHead(599).end();
          return;
        }
        res.writeHead(recording.status, recording.headers).end(recording.body);
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }

  answer(method: string, path: string, recording: Recording): void {
    this.replies.set(`${method} ${path}`, recording);
  }

  reset(): void {
    this.replies.clear();
    this.served.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('recorded Atlas v2 responses through GraphQL', () => {
  const MISSING = '111111111111111111111111';
  const replay = new ReplayServer();
  let h: Harness;

  beforeAll(async () => {
    const origin = await replay.listen();
    // An account whose base URL is the recordings' own API root: Patchbay sends the recorded paths.
    h = await startHarness({
      accounts: [{ id: 'atlas-replay', vendor: 'mongodb', baseUrl: `${origin}/api/atlas/v2`, publicKey: 'replay-public', privateKey: 'replay-private', groupIds: [GROUP, MISSING] }],
      resilience: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 1_000, halfOpenAfterMs: 1 } },
    });
  });
  afterAll(async () => {
    await h.close();
    await replay.close();
  });
  beforeEach(() => {
    replay.reset();
  });

  const id = (type: string) => encodeGlobalId('MongoDbIntegration', `atlas-replay/${GROUP}/${type}`);
  const data = (response: GqlResponse, name: string): Record<string, unknown> => {
    expect(response.errors).toBeUndefined();
    return response.data?.[name] as Record<string, unknown>;
  };
  const SETTINGS = `settings { __typename
    ... on MongoDbPagerDutySettings { serviceKey { isSet lastFour } region }
    ... on MongoDbOpsGenieSettings { apiKey { isSet lastFour } region }
    ... on MongoDbVictorOpsSettings { apiKey { isSet lastFour } routingKey }
    ... on MongoDbWebhookSettings { url { isSet lastFour } urlOrigin secret { isSet lastFour } bodyTemplate { isSet lastFour } headersTemplate { isSet lastFour } }
    ... on MongoDbUnknownIntegrationSettings { integrationType fieldNames } }`;
  const NODE = `... on MongoDbIntegration { id groupId type vendorIntegrationId service ${SETTINGS} }`;

  /** The mapped values of the five recorded integrations, as GraphQL shows them. */
  const RECORDED: Record<string, Record<string, unknown>> = {
    PAGER_DUTY: {
      vendorIntegrationId: '6a79405d2c88faeba59bf382',
      service: 'PAGERDUTY',
      settings: { __typename: 'MongoDbPagerDutySettings', serviceKey: { isSet: true, lastFour: '0022' }, region: 'US' },
    },
    DATADOG: {
      vendorIntegrationId: '6a794055c0eb9e7a1771aad2',
      service: 'DATADOG',
      settings: {
        __typename: 'MongoDbUnknownIntegrationSettings',
        integrationType: 'DATADOG',
        fieldNames: ['apiKey', 'customEndpoint', 'region', 'sendCollectionLatencyMetrics', 'sendDatabaseMetrics', 'sendQueryStatsMetrics', 'sendUserProvidedResourceTags'],
      },
    },
    OPS_GENIE: { vendorIntegrationId: '6a794059c0eb9e7a1771acc0', service: 'OPSGENIE', settings: { __typename: 'MongoDbOpsGenieSettings', apiKey: { isSet: true, lastFour: '3311' }, region: 'US' } },
    VICTOR_OPS: {
      vendorIntegrationId: '6a794060c0eb9e7a1771b6c7',
      service: 'VICTOROPS',
      settings: { __typename: 'MongoDbVictorOpsSettings', apiKey: { isSet: true, lastFour: '1c11' }, routingKey: 'test' },
    },
    WEBHOOK: {
      vendorIntegrationId: '6a7940642c88faeba59bf3da',
      service: 'WEBHOOK',
      settings: {
        __typename: 'MongoDbWebhookSettings',
        url: { isSet: true, lastFour: '2101' },
        urlOrigin: 'https://example.com',
        secret: { isSet: true, lastFour: '2101' },
        bodyTemplate: { isSet: false, lastFour: null },
        headersTemplate: { isSet: false, lastFour: null },
      },
    },
  };
  const recorded = (type: string) => ({ id: id(type), groupId: GROUP, type, ...RECORDED[type] });

  it('connections: the recorded list maps every integration; the recorded GROUP_NOT_FOUND names the missing project with its code', async () => {
    replay.answer('GET', LIST_PATH, load('atlas-v2-GET-integrations.200.http'));
    replay.answer('GET', `/api/atlas/v2/groups/${MISSING}/integrations`, load('atlas-v2-error-GROUP_NOT_FOUND.404.http'));
    const response = await h.gql(`{ connections(filter: { accounts: ["atlas-replay"] }, first: 20) {
      totalCount
      nodes { ${NODE} }
      failures { account { key } part error { __typename message ... on NotFoundError { vendorCode } } }
      itemFailures { vendorId }
    } }`);
    const page = data(response, 'connections');
    expect(page['totalCount']).toBe(5);
    // The inventory orders connections its own way: compared by type.
    const nodes = [...(page['nodes'] as { type: string }[])].sort((a, b) => a.type.localeCompare(b.type));
    expect(nodes).toEqual(['DATADOG', 'OPS_GENIE', 'PAGER_DUTY', 'VICTOR_OPS', 'WEBHOOK'].map(recorded));
    expect(page['failures']).toEqual([
      {
        account: { key: 'atlas-replay' },
        part: `project ${MISSING}`,
        error: { __typename: 'NotFoundError', message: expect.stringContaining(`No group with ID ${MISSING} exists.`), vendorCode: 'GROUP_NOT_FOUND' },
      },
    ]);
    expect(page['itemFailures']).toEqual([]);
    expect(response.raw).not.toMatch(/\*\*\*\*/);
  });

  it.each([
    ['PAGER_DUTY', 'atlas-v2-POST-integrations-PAGER_DUTY.200.http', ['PAGER_DUTY', 'DATADOG', 'OPS_GENIE']],
    ['OPS_GENIE', 'atlas-v2-POST-integrations-OPS_GENIE.200.http', ['DATADOG', 'OPS_GENIE']],
    ['WEBHOOK', 'atlas-v2-POST-integrations-WEBHOOK.200.http', ['PAGER_DUTY', 'DATADOG', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK']],
  ] as const)('createMongoDbIntegration %s: the recorded answer is the payload, in one request', async (type, file, types) => {
    replay.answer('POST', `${LIST_PATH}/${type}`, load(file));
    const response = await h.gql(
      `mutation($input: CreateMongoDbIntegrationInput!) { createMongoDbIntegration(input: $input) { __typename
        ... on MongoDbIntegrationPayload { integration { ${NODE} } groupIntegrations { type vendorIntegrationId } } } }`,
      { input: { account: 'atlas-replay', groupId: GROUP, integration: graphqlInput(type, 'replayed') } },
    );
    const payload = data(response, 'createMongoDbIntegration');
    expect(payload['__typename']).toBe('MongoDbIntegrationPayload');
    expect(payload['integration']).toEqual(recorded(type));
    expect(payload['groupIntegrations']).toEqual(types.map((t) => ({ type: t, vendorIntegrationId: RECORDED[t]?.['vendorIntegrationId'] })));
    expect(replay.served).toEqual([`POST ${LIST_PATH}/${type}`]);
    expect(response.raw).not.toContain('replayed');
  });

  it('deleteMongoDbIntegration WEBHOOK: the recorded 204 is a deletion', async () => {
    replay.answer('DELETE', `${LIST_PATH}/WEBHOOK`, load('atlas-v2-DELETE-integrations-WEBHOOK.204.http'));
    const response = await h.gql(`mutation($input: DeleteMongoDbIntegrationInput!) { deleteMongoDbIntegration(input: $input) { __typename ... on DeletedConnectionPayload { deletedId } } }`, {
      input: { id: id('WEBHOOK') },
    });
    expect(data(response, 'deleteMongoDbIntegration')).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: id('WEBHOOK') });
    expect(replay.served).toEqual([`DELETE ${LIST_PATH}/WEBHOOK`]);
  });

  it('deleteMongoDbIntegration in the missing project: NotFoundError with the recorded GROUP_NOT_FOUND code', async () => {
    // The recorded error answered another request of the same project; its ApiError body is what a missing project answers.
    replay.answer('DELETE', `/api/atlas/v2/groups/${MISSING}/integrations/WEBHOOK`, load('atlas-v2-error-GROUP_NOT_FOUND.404.http'));
    const response = await h.gql(`mutation($input: DeleteMongoDbIntegrationInput!) { deleteMongoDbIntegration(input: $input) { __typename ... on NotFoundError { message vendorCode } } }`, {
      input: { id: encodeGlobalId('MongoDbIntegration', `atlas-replay/${MISSING}/WEBHOOK`) },
    });
    expect(data(response, 'deleteMongoDbIntegration')).toEqual({
      __typename: 'NotFoundError',
      message: expect.stringContaining(`No group with ID ${MISSING} exists.`),
      vendorCode: 'GROUP_NOT_FOUND',
    });
  });
});
