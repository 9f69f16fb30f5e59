import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/core/errors.js';
import { buildIntegrationBody } from '../../src/vendors/mongodb/input.js';
import { parseMongoDbError } from '../../src/vendors/mongodb/errors.js';
import { mapIntegration, type MongoDbIntegration } from '../../src/vendors/mongodb/map.js';
import { integrationPage } from '../../src/vendors/mongodb/wire.js';
import { makeClient } from './client-kit.js';
import { resolvedInput } from './fixtures.js';

/*
 * The real Atlas v2 responses recorded by mongodb-atlas-cli (docs/vendors/mongodb/recordings/*.http),
 * replayed through the client over a mock transport: the client must parse and map each of them.
 * Atlas v2 and Cloud Manager v1.0 serve the same integration views under different prefixes, so
 * the client is pointed at the recordings' own prefix.
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
    expect(webhook.settings).toEqual({
      type: 'WEBHOOK',
      url: { field: 'url', isSet: true, lastFour: '2101' },
      urlOrigin: 'https://example.com',
      secret: { field: 'secret', isSet: true, lastFour: '2101' },
    });
    // bodyTemplate/headersTemplate came back null: no hints for them.
    expect(webhook.secrets.map((s) => s.field)).toEqual(['url', 'secret']);
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
    const results = parsed.success ? parsed.data.results : [];
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
    const { client, scope } = replaying([{ method: 'GET', path: '/api/atlas/v2/groups/111111111111111111111111/integrations', recording }]);
    await expect(client.listIntegrations(scope, '111111111111111111111111')).rejects.toBeInstanceOf(NotFoundError);
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
    const mapped = parsed.results.map((wire) => mapIntegration(ref, GROUP, wire));
    expect(mapped.map((i) => i.secrets)).toEqual([[{ field: 'serviceKey', isSet: true, lastFour: '7890' }], [{ field: 'apiToken', isSet: true, lastFour: '7890' }]]);
    expect(mapped[1]?.settings).toMatchObject({ teamName: 'My Team', channelName: 'My Channel' });
  });
});
