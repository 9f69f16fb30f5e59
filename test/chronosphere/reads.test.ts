import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHRONOSPHERE_SEED_SLUGS as S, chronosphereSeedConnections } from '../../src/simulators/chronosphere/seed.js';
import { CONN, CONNECTIONS, HINT, LIST, READ, csId, field, requestsSince, startRig, type Rig } from './support.js';

let rig: Rig;

beforeAll(async () => {
  // A small default page, so the inventory has to follow several page tokens.
  rig = await startRig({ sim: { defaultPageSize: 4 } });
});
beforeEach(() => {
  rig.sim.server.reset();
});
afterAll(async () => {
  await rig.close();
});

const SEED_COUNT = chronosphereSeedConnections().length;

const SERVICES: Record<string, string> = {
  [S.pagerdutyPayments]: 'PAGERDUTY',
  [S.pagerdutyNotes]: 'PAGERDUTY',
  [S.slackSre]: 'SLACK',
  [S.webhookBridge]: 'WEBHOOK',
  [S.webhookStatuspage]: 'WEBHOOK',
  [S.opsgeniePlatform]: 'OPSGENIE',
  [S.victoropsNoc]: 'VICTOROPS',
  [S.cloudflareEdge]: 'CLOUDFLARE',
  [S.atlasProduction]: 'MONGODB_ATLAS',
  [S.sendgridStatus]: 'SENDGRID',
  [S.datadogEu]: 'DATADOG',
};

const INVENTORY = `query { connections(filter: { accounts: ["cs"] }, first: 100) {
  totalCount
  nodes { __typename ... on ChronosphereExternalConnection { ...Conn } }
  failures { error { __typename message } }
} }
${CONN}`;

interface Conn {
  readonly id: string;
  readonly slug: string;
  readonly service: string;
  readonly vendor: string;
  readonly createdAt: string | null;
  readonly secrets: { field: string; isSet: boolean; lastFour: string | null }[];
  readonly target: Record<string, unknown> & { __typename: string };
}

async function read(slug: string): Promise<Record<string, unknown>> {
  return field(await rig.h.gql(READ, { id: csId('cs', slug) }), 'connection');
}

describe('the unified list', () => {
  it('lists every connection of the account, following page tokens, each mapped to its service', async () => {
    const from = rig.sim.server.requests.length;
    const page = field(await rig.h.gql(INVENTORY), 'connections');
    expect(page['failures']).toEqual([]);
    expect(page['totalCount']).toBe(SEED_COUNT);
    const nodes = page['nodes'] as Conn[];
    expect(Object.fromEntries(nodes.map((n) => [n.slug, n.service]))).toEqual(SERVICES);
    expect(nodes.every((n) => n.vendor === 'CHRONOSPHERE')).toBe(true);
    const calls = requestsSince(rig.sim, from);
    // 11 connections at the simulator's default of 4 per page: three pages, no page size sent.
    expect(calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET']);
    expect(calls.every((c) => c.path === CONNECTIONS && c.query['page.max_size'] === undefined)).toBe(true);
    expect(calls[0]?.query['page.token']).toBeUndefined();
    expect(calls[1]?.query['page.token']).toEqual(expect.any(String));
    expect(calls[2]?.query['page.token']).not.toEqual(calls[1]?.query['page.token']);
  });

  it('lists the account once per request however often the list is asked for', async () => {
    const from = rig.sim.server.requests.length;
    const twice = `query { a: connections(filter: { accounts: ["cs"] }) { totalCount } b: connections(filter: { accounts: ["cs"], vendors: [CHRONOSPHERE] }) { totalCount } }`;
    const result = await rig.h.gql(twice);
    expect(result.data).toEqual({ a: { totalCount: SEED_COUNT }, b: { totalCount: SEED_COUNT } });
    expect(requestsSince(rig.sim, from)).toHaveLength(3);
  });

  it('reports the account as failed, not the whole list, when Chronosphere fails', async () => {
    rig.sim.server.addFault({ match: { method: 'GET', path: `^${CONNECTIONS}$` }, times: 1, response: { status: 500, body: { code: 13, message: 'internal' } } });
    const query = `query { connections(filter: { accounts: ["cs"] }) { totalCount failures { account { key vendor } error { __typename message } } } }`;
    const result = await rig.h.gql(query);
    expect(field(result, 'connections')).toEqual({
      totalCount: 0,
      failures: [{ account: { key: 'cs', vendor: 'CHRONOSPHERE' }, error: { __typename: 'VendorUnavailableError', message: 'Chronosphere failed with 500.' } }],
    });
    expect(result.extensions?.['vendorCalls']).toEqual([expect.objectContaining({ vendor: 'chronosphere', account: 'cs', method: 'GET', status: 500 })]);
  });
});

describe('reading one connection', () => {
  it('reads a webhook with basic auth through connection(id), with hints only', async () => {
    const conn = (await read(S.webhookStatuspage)) as unknown as Conn;
    expect(conn).toMatchObject({
      id: csId('cs', S.webhookStatuspage),
      slug: S.webhookStatuspage,
      name: 'Statuspage relay (basic auth, staging TLS)',
      service: 'WEBHOOK',
      createdAt: '2025-10-02T13:30:00.000Z',
      account: { key: 'cs' },
    });
    expect(conn.target).toEqual({
      __typename: 'ChronosphereWebhookTarget',
      // URLs that may carry a token show as hints.
      url: 'https://status-relay.staging.acme-demo.example/…',
      httpConfig: {
        basicAuth: { username: 'chronosphere', password: { field: 'httpConfig.basicAuth.password', isSet: true, lastFour: null } },
        bearerToken: { field: 'httpConfig.bearerToken', isSet: false, lastFour: null },
        tlsConfig: { insecureSkipVerify: true },
      },
    });
    expect(conn.secrets).toEqual([
      { field: 'httpConfig.basicAuth.password', isSet: true, lastFour: null },
      { field: 'httpConfig.bearerToken', isSet: false, lastFour: null },
    ]);
  });

  it('shows every seeded type as its own target member', async () => {
    const expected: Record<string, Record<string, unknown>> = {
      [S.pagerdutyPayments]: {
        __typename: 'ChronospherePagerDutyTarget',
        events: { version: 'V2', apiKey: { field: 'events.apiKey', isSet: true, lastFour: null } },
        rest: null,
      },
      [S.pagerdutyNotes]: { __typename: 'ChronospherePagerDutyTarget', events: null, rest: { apiKey: { field: 'rest.apiKey', isSet: true, lastFour: null } } },
      // Chronosphere returns the Slack URL in clear; Patchbay shows only its host and last four.
      [S.slackSre]: {
        __typename: 'ChronosphereSlackTarget',
        apiUrlHint: { field: 'apiUrl', isSet: true, lastFour: '1Ny7' },
        apiUrlHost: 'hooks.slack.com',
        token: { field: 'token', isSet: false, lastFour: null },
      },
      [S.webhookBridge]: {
        __typename: 'ChronosphereWebhookTarget',
        url: 'https://bridge.acme-demo.example/…',
        httpConfig: { basicAuth: null, bearerToken: { field: 'httpConfig.bearerToken', isSet: true, lastFour: null }, tlsConfig: { insecureSkipVerify: false } },
      },
      [S.opsgeniePlatform]: { __typename: 'ChronosphereOpsGenieTarget', apiKey: { field: 'apiKey', isSet: true, lastFour: null }, apiUrl: 'https://api.eu.opsgenie.com', httpConfig: null },
      [S.victoropsNoc]: {
        __typename: 'ChronosphereVictorOpsTarget',
        apiKey: { field: 'apiKey', isSet: true, lastFour: null },
        apiUrl: 'https://alert.victorops.com/…',
      },
      [S.cloudflareEdge]: { __typename: 'ChronosphereCloudflareTarget', apiToken: { field: 'apiToken', isSet: true, lastFour: null } },
      [S.atlasProduction]: { __typename: 'ChronosphereMongoDbAtlasTarget', clientId: 'mdb_sa_id_demo64f1c2a9b3e7', clientSecret: { field: 'clientSecret', isSet: true, lastFour: null } },
      [S.sendgridStatus]: { __typename: 'ChronosphereSendGridTarget', apiKey: { field: 'apiKey', isSet: true, lastFour: null } },
      [S.datadogEu]: {
        __typename: 'ChronosphereDatadogTarget',
        apiKey: { field: 'apiKey', isSet: true, lastFour: null },
        appKey: { field: 'appKey', isSet: true, lastFour: null },
        site: 'datadoghq.eu',
      },
    };
    for (const [slug, target] of Object.entries(expected)) {
      const conn = (await read(slug)) as unknown as Conn;
      expect(conn.target, slug).toEqual(target);
    }
  });

  it('reads through node(id) too, and gives null or NotFoundError for unknown ids', async () => {
    const node = await rig.h.gql(`query($id: ID!) { node(id: $id) { id ... on ChronosphereExternalConnection { slug } } }`, { id: csId('cs', S.sendgridStatus) });
    expect(node.data).toEqual({ node: { id: csId('cs', S.sendgridStatus), slug: S.sendgridStatus } });
    const missing = await rig.h.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: csId('cs', 'no-such-slug') });
    expect(missing.data).toEqual({ node: null });
    expect(await read('no-such-slug')).toMatchObject({ __typename: 'NotFoundError' });
    const foreign = field(await rig.h.gql(READ, { id: csId('other-account', S.sendgridStatus) }), 'connection');
    expect(foreign).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('batches several slugs of one account into one filtered list call', async () => {
    const from = rig.sim.server.requests.length;
    const ids = [S.cloudflareEdge, S.datadogEu, S.slackSre].map((slug) => csId('cs', slug));
    const result = await rig.h.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on ChronosphereExternalConnection { slug } } }`, { ids });
    expect(result.data).toEqual({ nodes: [{ slug: S.cloudflareEdge }, { slug: S.datadogEu }, { slug: S.slackSre }] });
    const calls = requestsSince(rig.sim, from);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'GET', path: CONNECTIONS, query: { slugs: [S.cloudflareEdge, S.datadogEu, S.slackSre] } });
  });
});

describe('tolerating what the contract leaves open', () => {
  const answer = (body: unknown) => rig.sim.server.addFault({ match: { method: 'GET', path: `^${CONNECTIONS}/odd$` }, times: 1, response: { status: 200, body } });
  const TARGET_ONLY = `query($id: ID!) { connection(id: $id) { __typename
    ... on ChronosphereExternalConnection { service secrets { ...Hint } target { __typename
      ... on ChronospherePagerDutyTarget { events { version apiKey { ...Hint } } }
      ... on ChronosphereWebhookTarget { httpConfig { tlsConfig { insecureSkipVerify } } }
      ... on ChronosphereSendGridTarget { apiKey { ...Hint } }
      ... on ChronosphereUnknownTarget { blocks } } }
    ... on Error { message } } }
  ${HINT}`;
  const readOdd = async () => field(await rig.h.gql(TARGET_ONLY, { id: csId('cs', 'odd') }), 'connection');

  it('reads null blocks (unpopulated fields) and a missing events version', async () => {
    answer({ external_connection: { slug: 'odd', name: 'Odd', slack: null, webhook: null, pagerduty: { events: { api_key: '**REDACTED**' } } } });
    expect(await readOdd()).toEqual({
      __typename: 'ChronosphereExternalConnection',
      service: 'PAGERDUTY',
      secrets: [
        { field: 'events.apiKey', isSet: true, lastFour: null },
        { field: 'rest.apiKey', isSet: false, lastFour: null },
      ],
      target: { __typename: 'ChronospherePagerDutyTarget', events: { version: null, apiKey: { field: 'events.apiKey', isSet: true, lastFour: null } } },
    });
  });

  it('maps an unknown events version to UNKNOWN and an empty tls_config to verification on', async () => {
    answer({ external_connection: { slug: 'odd', name: 'Odd', pagerduty: { events: { api_key: 'x', version: 'PAGERDUTY_EVENTS_VERSION_V3' } } } });
    expect(await readOdd()).toMatchObject({ target: { events: { version: 'UNKNOWN' } } });
    answer({ external_connection: { slug: 'odd', name: 'Odd', webhook: { url: 'https://x.example', http_config: { tls_config: {} } } } });
    expect(await readOdd()).toMatchObject({ target: { __typename: 'ChronosphereWebhookTarget', httpConfig: { tlsConfig: { insecureSkipVerify: false } } } });
  });

  it('shows a type block it does not know as the fallback member, service OTHER', async () => {
    answer({ external_connection: { slug: 'odd', name: 'Odd', microsoft_teams: { webhook_url: 'https://teams.example/hook' } } });
    const result = await rig.h.gql(TARGET_ONLY, { id: csId('cs', 'odd') });
    expect(field(result, 'connection')).toEqual({
      __typename: 'ChronosphereExternalConnection',
      service: 'OTHER',
      secrets: [],
      target: { __typename: 'ChronosphereUnknownTarget', blocks: ['microsoft_teams'] },
    });
    expect(result.raw).not.toContain('teams.example');
  });

  it('shows several type blocks (a broken oneof) as the fallback member', async () => {
    answer({ external_connection: { slug: 'odd', name: 'Odd', sendgrid: { api_key: 'a' }, cloudflare: { api_token: 'b' } } });
    expect(await readOdd()).toMatchObject({ target: { __typename: 'ChronosphereUnknownTarget', blocks: ['cloudflare', 'sendgrid'] } });
  });

  it('shows at most the last four characters of a secret Chronosphere returns in clear', async () => {
    answer({ external_connection: { slug: 'odd', name: 'Odd', sendgrid: { api_key: 'SG.clear-text-secret-value-WXYZ' } } });
    const result = await rig.h.gql(TARGET_ONLY, { id: csId('cs', 'odd') });
    expect(field(result, 'connection')).toMatchObject({ target: { apiKey: { isSet: true, lastFour: 'WXYZ' } } });
    expect(result.raw).not.toContain('clear-text-secret');
  });

  it('refuses a body that breaks the contract with VendorContractError', async () => {
    answer({ external_connection: { slug: 'odd', name: 'Odd', created_at: 'yesterday', sendgrid: { api_key: 'a' } } });
    expect(await readOdd()).toEqual({ __typename: 'VendorContractError', message: 'Chronosphere answered 200 with a body that does not match its contract.' });
    answer({ external_connections: [] });
    expect(await readOdd()).toMatchObject({ __typename: 'VendorContractError' });
  });
});

describe('the Chronosphere list query', () => {
  it('pages with page.max_size and page tokens until the last page', async () => {
    const from = rig.sim.server.requests.length;
    const slugs: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = field(await rig.h.gql(LIST, { account: 'cs', first: 3, after }), 'chronosphereExternalConnections');
      expect(page['__typename']).toBe('ChronosphereExternalConnectionPage');
      slugs.push(...(page['nodes'] as Conn[]).map((n) => n.slug));
      pages += 1;
      if (!page['hasNextPage']) {
        expect(page['endCursor']).toBeNull();
        break;
      }
      after = page['endCursor'] as string;
    }
    expect(pages).toBe(Math.ceil(SEED_COUNT / 3));
    expect(slugs).toEqual(Object.keys(SERVICES).sort());
    const calls = requestsSince(rig.sim, from);
    expect(calls).toHaveLength(pages);
    expect(calls.every((c) => c.query['page.max_size'] === '3')).toBe(true);
    expect(calls.slice(1).every((c) => typeof c.query['page.token'] === 'string')).toBe(true);
  });

  it('passes the filters on as repeated parameters, in the filter spelling', async () => {
    const from = rig.sim.server.requests.length;
    const byType = field(await rig.h.gql(LIST, { account: 'cs', filter: { connectionTypes: ['VICTOROPS', 'OPSGENIE'] } }), 'chronosphereExternalConnections');
    expect((byType['nodes'] as Conn[]).map((n) => n.slug)).toEqual([S.opsgeniePlatform, S.victoropsNoc]);
    const bySlugAndName = field(await rig.h.gql(LIST, { account: 'cs', filter: { slugs: [S.slackSre, S.datadogEu], names: ['Slack #sre-alerts'] } }), 'chronosphereExternalConnections');
    expect((bySlugAndName['nodes'] as Conn[]).map((n) => n.slug)).toEqual([S.slackSre]);
    const calls = requestsSince(rig.sim, from);
    expect(calls[0]?.query).toEqual({ 'page.max_size': '50', connection_types: ['VICTOROPS', 'OPSGENIE'] });
    expect(calls[1]?.query).toEqual({ 'page.max_size': '50', slugs: [S.slackSre, S.datadogEu], names: 'Slack #sre-alerts' });
  });

  it('refuses a foreign cursor, a page size out of range and empty filter values without calling Chronosphere', async () => {
    const from = rig.sim.server.requests.length;
    for (const [vars, path] of [
      [{ after: 'bm90LW91cnM' }, ['after']],
      [{ first: 0 }, ['first']],
      [{ first: 101 }, ['first']],
      [{ filter: { slugs: ['ok', ' '] } }, ['filter', 'slugs', '1']],
    ] as const) {
      const result = field(await rig.h.gql(LIST, { account: 'cs', ...vars }), 'chronosphereExternalConnections');
      expect(result['__typename']).toBe('InputValidationError');
      expect((result['fieldErrors'] as { path: string[] }[])[0]?.path).toEqual(path);
    }
    const unknownAccount = field(await rig.h.gql(LIST, { account: 'nope' }), 'chronosphereExternalConnections');
    expect(unknownAccount).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['account'] }] });
    expect(requestsSince(rig.sim, from)).toHaveLength(0);
  });

  it('answers a token Chronosphere refuses with VendorValidationError', async () => {
    const bogus = Buffer.from('chronosphere:not-a-real-token', 'utf8').toString('base64url');
    const result = field(await rig.h.gql(LIST, { account: 'cs', after: bogus }), 'chronosphereExternalConnections');
    expect(result).toMatchObject({ __typename: 'VendorValidationError', httpStatus: 400, vendorCode: '3', message: 'Chronosphere refused the input: invalid page token' });
  });
});
