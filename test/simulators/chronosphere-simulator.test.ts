import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHRONOSPHERE_SEED_POLICIES, CHRONOSPHERE_SEED_SLUGS, chronosphereSeedConnections } from '../../src/simulators/chronosphere/seed.js';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';

const TOKEN = 'sim-chronosphere-token-51f0';
const AUTH = { 'API-Token': TOKEN };
const CONNECTIONS = '/api/v1/config/external-connections';
const REDACTED = '**REDACTED**';
const S = CHRONOSPHERE_SEED_SLUGS;

interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  readonly json: unknown;
}

function client(sim: ChronosphereSimulator) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<Reply> => {
    const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${sim.server.baseUrl}${path}`, init);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, contentType: response.headers.get('content-type'), json };
  };
}

function obj(value: unknown): Record<string, unknown> {
  expect(value).toBeTypeOf('object');
  expect(value).not.toBeNull();
  expect(Array.isArray(value)).toBe(false);
  return value as Record<string, unknown>;
}

function connectionOf(reply: Reply): Record<string, unknown> {
  return obj(obj(reply.json)['external_connection']);
}

function listOf(reply: Reply): { slugs: string[]; next: string } {
  const body = obj(reply.json);
  const items = (body['external_connections'] ?? []) as unknown[];
  const page = obj(body['page']);
  return { slugs: items.map((item) => obj(item)['slug'] as string), next: (page['next_token'] as string | undefined) ?? '' };
}

/** The swagger's apiError: exactly `code` (an integer) and `message`. */
function expectApiError(reply: Reply, status: number, code: number, messagePart: string): void {
  expect(reply.status).toBe(status);
  expect(reply.contentType).toContain('application/json');
  const body = obj(reply.json);
  expect(Object.keys(body).sort()).toEqual(['code', 'message']);
  expect(body['code']).toBe(code);
  expect(String(body['message'])).toContain(messagePart);
}

const allSlugs = chronosphereSeedConnections()
  .map((c) => c.slug)
  .sort();

describe('Chronosphere simulator: authentication', () => {
  const sim = createChronosphereSimulator({ apiToken: TOKEN });
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('refuses a missing or empty API-Token with 401 and an apiError body', async () => {
    expectApiError(await call('GET', CONNECTIONS, undefined, {}), 401, 16, 'API-Token');
    expectApiError(await call('GET', CONNECTIONS, undefined, { 'API-Token': '' }), 401, 16, 'API-Token');
  });

  it('refuses another token when started with one, and accepts the right one', async () => {
    expectApiError(await call('GET', CONNECTIONS, undefined, { 'API-Token': 'other' }), 401, 16, 'invalid');
    expect((await call('GET', CONNECTIONS)).status).toBe(200);
  });

  it('does not read credentials from Authorization', async () => {
    expect((await call('GET', CONNECTIONS, undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(401);
  });

  it('accepts any non-empty token when started without one', async () => {
    const open = createChronosphereSimulator();
    await open.server.listen();
    try {
      expect((await client(open)('GET', CONNECTIONS, undefined, { 'API-Token': 'anything' })).status).toBe(200);
    } finally {
      await open.server.close();
    }
  });
});

describe('Chronosphere simulator: list, paging and filters', () => {
  const sim = createChronosphereSimulator({ apiToken: TOKEN, defaultPageSize: 4, maxPageSize: 6 });
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('serves the default page size, ordered by slug, with a next token', async () => {
    const first = listOf(await call('GET', CONNECTIONS));
    expect(first.slugs).toEqual(allSlugs.slice(0, 4));
    expect(first.next).not.toBe('');
  });

  it('follows page tokens to the end; the last page has an empty page object', async () => {
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    for (;;) {
      const reply = await call('GET', `${CONNECTIONS}?page.max_size=3${token ? `&page.token=${encodeURIComponent(token)}` : ''}`);
      expect(reply.status).toBe(200);
      const page = listOf(reply);
      seen.push(...page.slugs);
      pages += 1;
      if (page.next === '') {
        expect(obj(reply.json)['page']).toEqual({});
        break;
      }
      token = page.next;
    }
    expect(pages).toBe(Math.ceil(allSlugs.length / 3));
    expect(seen).toEqual(allSlugs);
  });

  it('treats page.max_size=0 as the default and caps large sizes', async () => {
    expect(listOf(await call('GET', `${CONNECTIONS}?page.max_size=0`)).slugs).toHaveLength(4);
    expect(listOf(await call('GET', `${CONNECTIONS}?page.max_size=500`)).slugs).toHaveLength(6);
  });

  it('refuses a bad page size or token with 400', async () => {
    expectApiError(await call('GET', `${CONNECTIONS}?page.max_size=ten`), 400, 3, 'page.max_size');
    expectApiError(await call('GET', `${CONNECTIONS}?page.max_size=-1`), 400, 3, 'page.max_size');
    expectApiError(await call('GET', `${CONNECTIONS}?page.token=not-a-token`), 400, 3, 'page token');
  });

  it('filters by repeated slugs, names and connection types, combining them with AND', async () => {
    const bySlugs = listOf(await call('GET', `${CONNECTIONS}?slugs=${S.slackSre}&slugs=${S.cloudflareEdge}&slugs=missing`));
    expect(bySlugs.slugs).toEqual([S.cloudflareEdge, S.slackSre]);
    const byName = listOf(await call('GET', `${CONNECTIONS}?names=${encodeURIComponent('Slack #sre-alerts')}`));
    expect(byName.slugs).toEqual([S.slackSre]);
    const byTypes = listOf(await call('GET', `${CONNECTIONS}?connection_types=VICTOROPS&connection_types=OPSGENIE`));
    expect(byTypes.slugs).toEqual([S.opsgeniePlatform, S.victoropsNoc]);
    const combined = listOf(await call('GET', `${CONNECTIONS}?connection_types=PAGERDUTY&slugs=${S.pagerdutyNotes}&slugs=${S.slackSre}`));
    expect(combined.slugs).toEqual([S.pagerdutyNotes]);
  });

  it('leaves out an empty list (proto3 JSON)', async () => {
    const reply = await call('GET', `${CONNECTIONS}?slugs=nothing-here`);
    expect(reply.json).toEqual({ page: {} });
  });

  it('refuses the JSON block spelling as a connection type', async () => {
    expectApiError(await call('GET', `${CONNECTIONS}?connection_types=victor_ops`), 400, 3, 'connection_types');
  });
});

describe('Chronosphere simulator: read and masking', () => {
  const sim = createChronosphereSimulator({ apiToken: TOKEN });
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('reads a connection with its secrets as **REDACTED** and proto3 omissions', async () => {
    const webhook = connectionOf(await call('GET', `${CONNECTIONS}/${S.webhookBridge}`));
    expect(webhook['slug']).toBe(S.webhookBridge);
    expect(webhook['created_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(webhook['webhook']).toEqual({
      url: 'https://bridge.acme-demo.example/hooks/chronosphere',
      http_config: { bearer_token: REDACTED, tls_config: {} },
    });
    const relay = connectionOf(await call('GET', `${CONNECTIONS}/${S.webhookStatuspage}`));
    expect(relay['webhook']).toMatchObject({ http_config: { basic_auth: { username: 'chronosphere', password: REDACTED }, tls_config: { insecure_skip_verify: true } } });
  });

  it('redacts every secret of every seeded type and nothing else', async () => {
    let checked = 0;
    for (const seed of chronosphereSeedConnections()) {
      const text = JSON.stringify(connectionOf(await call('GET', `${CONNECTIONS}/${seed.slug}`)));
      const secrets = JSON.stringify(seed.config).match(/"(api_key|token|api_token|client_secret|app_key|password|bearer_token)":"([^"]+)"/g) ?? [];
      for (const pair of secrets) {
        const value = pair.split('":"')[1]?.slice(0, -1) ?? '';
        expect(value.length).toBeGreaterThan(3);
        expect(text).not.toContain(value);
        checked += 1;
      }
    }
    expect(checked).toBe(11);
    const slack = connectionOf(await call('GET', `${CONNECTIONS}/${S.slackSre}`));
    // The provider: Slack's api_url comes back in clear.
    expect(obj(slack['slack'])['api_url']).toMatch(/^https:\/\/hooks\.slack\.com\/services\//);
    const datadog = connectionOf(await call('GET', `${CONNECTIONS}/${S.datadogEu}`));
    expect(datadog['datadog']).toEqual({ api_key: REDACTED, app_key: REDACTED, site: 'datadoghq.eu' });
  });

  it('answers 404 with an apiError for an unknown slug and unknown paths', async () => {
    expectApiError(await call('GET', `${CONNECTIONS}/no-such-connection`), 404, 5, 'no-such-connection');
    expectApiError(await call('GET', '/api/v1/config/nothing'), 404, 5, 'Not Found');
  });
});

describe('Chronosphere simulator: create', () => {
  const sim = createChronosphereSimulator({ apiToken: TOKEN, now: () => new Date('2026-06-01T12:00:00Z') });
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  beforeEach(() => sim.server.reset());
  afterAll(async () => {
    await sim.server.close();
  });

  it('creates with 200 (not 201), generating the slug from the name', async () => {
    const reply = await call('POST', CONNECTIONS, { external_connection: { name: 'Team Ops — Slack!', slack: { token: 'xoxb-made-up-1' } } });
    expect(reply.status).toBe(200);
    const created = connectionOf(reply);
    expect(created).toEqual({
      slug: 'team-ops-slack',
      name: 'Team Ops — Slack!',
      created_at: '2026-06-01T12:00:00Z',
      updated_at: '2026-06-01T12:00:00Z',
      slack: { token: REDACTED },
    });
    expect(sim.stored('team-ops-slack')?.config).toEqual({ token: 'xoxb-made-up-1' });
  });

  it('keeps a given slug, defaults PagerDuty events to V2 and ignores read-only timestamps', async () => {
    const reply = await call('POST', CONNECTIONS, {
      external_connection: { slug: 'pd-new', name: 'PD', created_at: '2000-01-01T00:00:00Z', pagerduty: { events: { api_key: 'made-up-routing-key' } } },
    });
    expect(connectionOf(reply)).toMatchObject({ slug: 'pd-new', created_at: '2026-06-01T12:00:00Z', pagerduty: { events: { api_key: REDACTED, version: 'PAGERDUTY_EVENTS_VERSION_V2' } } });
  });

  it('answers 409 when the slug exists, given or generated', async () => {
    expectApiError(await call('POST', CONNECTIONS, { external_connection: { slug: S.slackSre, name: 'x', slack: { token: 't' } } }), 409, 6, S.slackSre);
    expectApiError(await call('POST', CONNECTIONS, { external_connection: { name: S.cloudflareEdge, sendgrid: { api_key: 'k' } } }), 409, 6, S.cloudflareEdge);
  });

  it('validates a dry run and answers 200 without the object, storing nothing', async () => {
    const before = sim.slugs();
    const reply = await call('POST', CONNECTIONS, { external_connection: { slug: 'dry', name: 'Dry', sendgrid: { api_key: 'SG.x' } }, dry_run: true });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({});
    expect(sim.slugs()).toEqual(before);
    expectApiError(await call('POST', CONNECTIONS, { external_connection: { name: 'Dry', sendgrid: {} }, dry_run: true }), 400, 3, 'sendgrid.api_key is required');
    expectApiError(await call('POST', CONNECTIONS, { external_connection: { slug: S.slackSre, name: 'x', slack: { token: 't' } }, dry_run: true }), 409, 6, 'already exists');
  });

  it.each([
    [{ name: 'none' }, 'exactly one connection type'],
    [{ name: 'two', slack: { token: 't' }, sendgrid: { api_key: 'k' } }, 'got slack, sendgrid'],
    [{ slack: { token: 't' } }, 'name is required'],
    [{ name: 'x', slack: {} }, 'api_url or token'],
    [{ name: 'x', slack: { api_url: 'hooks.slack.com/x' } }, 'absolute http'],
    [{ name: 'x', pagerduty: { events: { api_key: 'a' }, rest: { api_key: 'b' } } }, 'exactly one of events and rest'],
    [{ name: 'x', pagerduty: {} }, 'exactly one of events and rest'],
    [{ name: 'x', webhook: { url: 'https://h.example', http_config: { basic_auth: { username: 'u', password: 'p' }, bearer_token: 't' } } }, 'mutually exclusive'],
    [{ name: 'x', webhook: { url: 'https://h.example', http_config: { basic_auth: { username: 'u' } } } }, 'basic_auth.password is required'],
    [{ name: 'x', webhook: {} }, 'webhook.url is required'],
    [{ name: 'x', victor_ops: { api_url: 'https://v.example' } }, 'victor_ops.api_key is required'],
    [{ name: 'x', ops_genie: { api_key: 'k', api_url: 'ftp://o.example' } }, 'absolute http'],
    [{ name: 'x', cloudflare: { api_token: 'legacy-global-key' } }, 'cfut_'],
    [{ name: 'x', mongodb_atlas: { client_id: 'id' } }, 'client_secret is required'],
    [{ name: 'x', datadog: { api_key: 'a', app_key: 'b', site: 'not a site' } }, 'datadog.site'],
    [{ name: 'x', slug: '-bad', slack: { token: 't' } }, 'slug'],
    [{ name: '!!!', slack: { token: 't' } }, 'cannot be generated'],
  ])('refuses %j with 400', async (connection, message) => {
    expectApiError(await call('POST', CONNECTIONS, { external_connection: connection }), 400, 3, message);
  });

  it('refuses unknown fields and wrong types like protojson', async () => {
    expectApiError(await call('POST', CONNECTIONS, { external_connection: { name: 'x', slack: { token: 't', channel: '#x' } } }), 400, 3, 'unknown field "external_connection.slack.channel"');
    expectApiError(await call('POST', CONNECTIONS, { external_connection: { name: 'x', pagerduty: { events: { api_key: 'k', version: 'V3' } } } }), 400, 3, 'invalid value');
    expectApiError(await call('POST', CONNECTIONS, '{not json'), 400, 3, 'not valid JSON');
    expectApiError(await call('POST', CONNECTIONS, {}), 400, 3, 'external_connection is required');
  });

  it('refuses the **REDACTED** placeholder for a new secret', async () => {
    expectApiError(await call('POST', CONNECTIONS, { external_connection: { name: 'x', sendgrid: { api_key: REDACTED } } }), 400, 3, 'can only keep an existing secret');
    expect(sim.redactedPlaceholderWrites()).toBe(1);
  });
});

describe('Chronosphere simulator: update (PUT)', () => {
  let clock = new Date('2026-06-02T08:00:00Z');
  const sim = createChronosphereSimulator({ apiToken: TOKEN, now: () => clock });
  const call = client(sim);
  const path = (slug: string) => `${CONNECTIONS}/${slug}`;
  beforeAll(async () => {
    await sim.server.listen();
  });
  beforeEach(() => {
    sim.server.reset();
    clock = new Date('2026-06-02T08:00:00Z');
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('replaces the whole object: what the body leaves out is gone', async () => {
    const seed = sim.stored(S.webhookBridge);
    const reply = await call('PUT', path(S.webhookBridge), { external_connection: { slug: S.webhookBridge, name: 'Bridge v2', webhook: { url: 'https://bridge.example/v2' } } });
    expect(reply.status).toBe(200);
    expect(connectionOf(reply)).toEqual({
      slug: S.webhookBridge,
      name: 'Bridge v2',
      created_at: seed?.createdAt,
      updated_at: '2026-06-02T08:00:00Z',
      webhook: { url: 'https://bridge.example/v2' },
    });
    expect(sim.stored(S.webhookBridge)?.config).toEqual({ url: 'https://bridge.example/v2' });
  });

  it('may change the type block', async () => {
    const reply = await call('PUT', path(S.webhookBridge), { external_connection: { name: 'Now Slack', slack: { token: 'xoxb-2' } } });
    expect(connectionOf(reply)['slack']).toEqual({ token: REDACTED });
    expect(connectionOf(reply)['webhook']).toBeUndefined();
  });

  it('answers 404 for a missing slug unless create_if_missing', async () => {
    const body = { external_connection: { name: 'Upserted', sendgrid: { api_key: 'SG.up' } } };
    expectApiError(await call('PUT', path('new-one'), body), 404, 5, 'new-one');
    const created = await call('PUT', path('new-one'), { ...body, create_if_missing: true });
    expect(created.status).toBe(200);
    expect(connectionOf(created)).toMatchObject({ slug: 'new-one', created_at: '2026-06-02T08:00:00Z', updated_at: '2026-06-02T08:00:00Z' });
    clock = new Date('2026-06-02T09:00:00Z');
    const again = connectionOf(await call('PUT', path('new-one'), { ...body, create_if_missing: true }));
    expect(again).toMatchObject({ created_at: '2026-06-02T08:00:00Z', updated_at: '2026-06-02T09:00:00Z' });
  });

  it('validates a dry run without writing, and still answers 404 and 400', async () => {
    const before = sim.stored(S.sendgridStatus);
    const reply = await call('PUT', path(S.sendgridStatus), { external_connection: { name: 'Renamed', sendgrid: { api_key: 'SG.new' } }, dry_run: true });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({});
    expect(sim.stored(S.sendgridStatus)).toEqual(before);
    expectApiError(await call('PUT', path('absent'), { external_connection: { name: 'x', sendgrid: { api_key: 'k' } }, dry_run: true }), 404, 5, 'absent');
    expectApiError(await call('PUT', path(S.sendgridStatus), { external_connection: { name: 'x', sendgrid: {} }, dry_run: true }), 400, 3, 'api_key');
    const upsertDry = await call('PUT', path('absent'), { external_connection: { name: 'x', sendgrid: { api_key: 'k' } }, dry_run: true, create_if_missing: true });
    expect(upsertDry.json).toEqual({});
    expect(sim.stored('absent')).toBeUndefined();
  });

  it('refuses a body slug that differs from the path', async () => {
    expectApiError(await call('PUT', path(S.sendgridStatus), { external_connection: { slug: 'other', name: 'x', sendgrid: { api_key: 'k' } } }), 400, 3, 'does not match');
  });

  it('keeps a stored secret when the placeholder is written back, and counts it', async () => {
    const original = sim.stored(S.datadogEu)?.config['api_key'];
    await call('PUT', path(S.datadogEu), { external_connection: { name: 'DD', datadog: { api_key: REDACTED, app_key: 'new-app-key', site: 'datadoghq.eu' } } });
    expect(sim.stored(S.datadogEu)?.config).toMatchObject({ api_key: original, app_key: 'new-app-key' });
    expect(sim.redactedPlaceholderWrites()).toBe(1);
  });
});

describe('Chronosphere simulator: delete', () => {
  const sim = createChronosphereSimulator({ apiToken: TOKEN });
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  beforeEach(() => sim.server.reset());
  afterAll(async () => {
    await sim.server.close();
  });

  it('answers 400 while a notification policy uses the connection', async () => {
    const policy = CHRONOSPHERE_SEED_POLICIES[S.pagerdutyPayments]?.[0] ?? '';
    expect(policy).not.toBe('');
    expectApiError(await call('DELETE', `${CONNECTIONS}/${S.pagerdutyPayments}`), 400, 9, `notification policy "${policy}"`);
    expect(sim.stored(S.pagerdutyPayments)).toBeDefined();
  });

  it('deletes with 200 {} once no policy uses it, then 404', async () => {
    sim.releasePolicies(S.pagerdutyPayments);
    const reply = await call('DELETE', `${CONNECTIONS}/${S.pagerdutyPayments}`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({});
    expect(sim.stored(S.pagerdutyPayments)).toBeUndefined();
    expectApiError(await call('DELETE', `${CONNECTIONS}/${S.pagerdutyPayments}`), 404, 5, S.pagerdutyPayments);
  });

  it('reports policies added by tests, and reset restores the seed', async () => {
    sim.usePolicy(S.cloudflareEdge, 'edge-pages');
    expect(sim.policiesUsing(S.cloudflareEdge)).toEqual(['edge-pages']);
    expect((await call('DELETE', `${CONNECTIONS}/${S.cloudflareEdge}`)).status).toBe(400);
    sim.server.reset();
    expect(sim.policiesUsing(S.cloudflareEdge)).toEqual([]);
    expect(sim.slugs()).toEqual(allSlugs);
  });
});

describe('Chronosphere simulator: control surface', () => {
  const sim = createChronosphereSimulator({ apiToken: TOKEN });
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('logs requests without header values and injects faults', async () => {
    sim.server.clearRequests();
    await call('GET', `${CONNECTIONS}?slugs=a&slugs=b`);
    const logged = sim.server.requests[0];
    expect(logged).toMatchObject({ method: 'GET', path: CONNECTIONS, query: { slugs: ['a', 'b'] } });
    expect(logged?.headerNames).toContain('api-token');
    expect(JSON.stringify(sim.server.requests)).not.toContain(TOKEN);
    sim.server.addFault({ match: { method: 'GET', path: '^/api/v1/config/external-connections$' }, times: 1, response: { status: 503, body: { code: 14, message: 'unavailable' } } });
    expect((await call('GET', CONNECTIONS)).status).toBe(503);
    expect((await call('GET', CONNECTIONS)).status).toBe(200);
  });
});
