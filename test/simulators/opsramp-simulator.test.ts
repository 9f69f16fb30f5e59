import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPSRAMP_DEMO_TENANT, OPSRAMP_SEED_IDS, opsRampSeedIntegrations } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator, type OpsRampSimulatorOptions } from '../../src/simulators/opsramp/simulator.js';

const CLIENT_ID = 'sim-client-id-4f1a';
const CLIENT_SECRET = 'sim-client-secret-8c2e';
const TENANT = OPSRAMP_DEMO_TENANT;
const BASE = `/api/v2/tenants/${TENANT}/integrations`;

interface Reply {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly text: string;
  readonly json: unknown;
}

/** A simulator on an ephemeral port with a clock the test moves. */
class Rig {
  time = Date.UTC(2026, 0, 5, 10, 0, 0);
  readonly sim: OpsRampSimulator;
  token = '';

  constructor(options: OpsRampSimulatorOptions = {}) {
    this.sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT, now: () => this.time, ...options });
  }

  async send(method: string, path: string, init: { body?: unknown; form?: Record<string, string>; token?: string | null; raw?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = init.token === undefined ? this.token : init.token;
    if (token) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.raw !== undefined) {
      headers['content-type'] = 'application/json';
      body = init.raw;
    } else if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    // undici's request, not fetch: fetch turns a 407 into a network error.
    const response = await request(`${this.sim.server.baseUrl}${path}`, { method: method as 'GET', headers, body: body ?? null });
    const text = await response.body.text();
    const raw = response.headers;
    const read = (name: string): string | null => {
      const value = raw[name.toLowerCase()];
      return (Array.isArray(value) ? value[0] : value) ?? null;
    };
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: { get: read }, text, json };
  }

  async login(): Promise<string> {
    const reply = await this.send('POST', '/auth/oauth/token', { form: { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, token: null });
    expect(reply.status).toBe(200);
    this.token = obj(reply.json)['access_token'] as string;
    return this.token;
  }
}

function obj(value: unknown): Record<string, unknown> {
  expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
  return value as Record<string, unknown>;
}

function list(value: unknown): unknown[] {
  expect(Array.isArray(value)).toBe(true);
  return value as unknown[];
}

function errorOf(reply: Reply): { error: unknown; description: unknown } {
  const body = obj(reply.json);
  return { error: body['error'], description: body['error_description'] };
}

const customInstall = {
  displayName: 'Runbook automation',
  category: 'Custom',
  inboundConfig: { authentication: { authType: 'OAUTH2', role: { uniqueId: 'ROLE-4718b729-50cc-6634-42c4-ecd09558389d' } } },
};

let rig: Rig;

beforeAll(async () => {
  rig = new Rig();
  await rig.sim.server.listen();
});
afterAll(async () => {
  await rig.sim.server.close();
});
beforeEach(async () => {
  rig.time = Date.UTC(2026, 0, 5, 10, 0, 0);
  rig.sim.server.reset();
  await rig.login();
});

describe('OAuth2 token endpoint', () => {
  it('issues an expiring bearer token for the client credentials, as a form post', async () => {
    const reply = await rig.send('POST', '/auth/oauth/token', { form: { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, token: null });
    const body = obj(reply.json);
    expect(reply.status).toBe(200);
    expect(body).toEqual({ access_token: expect.stringMatching(/^[0-9a-f-]{36}$/), token_type: 'bearer', expires_in: 7199, scope: 'global:manage' });
    expect(rig.sim.tokensIssued()).toBe(2);
  });

  it('refuses a JSON body, another grant and bad credentials with OAuth error bodies', async () => {
    const json = await rig.send('POST', '/auth/oauth/token', { body: { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, token: null });
    expect(json.status).toBe(400);
    expect(errorOf(json)).toEqual({ error: 'invalid_request', description: 'Missing grant type' });
    const grant = await rig.send('POST', '/auth/oauth/token', { form: { grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, token: null });
    expect(grant.status).toBe(400);
    expect(errorOf(grant)).toEqual({ error: 'unsupported_grant_type', description: 'Unsupported grant type: password' });
    const bad = await rig.send('POST', '/auth/oauth/token', { form: { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'wrong' }, token: null });
    expect(bad.status).toBe(401);
    expect(errorOf(bad)).toEqual({ error: 'unauthorized', description: 'Bad API credentials' });
  });

  it('accepts any non-empty credentials when started without specific ones', async () => {
    const open = createOpsRampSimulator();
    try {
      await open.server.listen();
      const response = await fetch(`${open.server.baseUrl}/auth/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=a&client_secret=b',
      });
      expect(response.status).toBe(200);
      const empty = await fetch(`${open.server.baseUrl}/auth/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=a&client_secret=',
      });
      expect(empty.status).toBe(401);
    } finally {
      await open.server.close();
    }
  });

  it('refuses API calls without a token, with an unknown or expired token, and for another tenant', async () => {
    const none = await rig.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`, { token: null });
    expect(none.status).toBe(401);
    expect(errorOf(none).error).toBe('unauthorized');
    const unknown = await rig.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`, { token: 'not-a-token' });
    expect(unknown.status).toBe(401);
    expect(errorOf(unknown)).toEqual({ error: 'invalid_token', description: 'Invalid access token: not-a-token' });
    const other = await rig.send('GET', `/api/v2/tenants/client_99/integrations/installed/${OPSRAMP_SEED_IDS.jira}`);
    expect(other.status).toBe(403);
    expect(errorOf(other).error).toBe('access_denied');
    rig.time += 7199 * 1000;
    const expired = await rig.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`);
    expect(expired.status).toBe(401);
    expect(errorOf(expired).error).toBe('invalid_token');
  });

  it('issues tokens with the configured lifetime and can answer an expired one with 407', async () => {
    const short = new Rig({ tokenTtlSeconds: 30, expiredTokenStatus: 407 });
    try {
      await short.sim.server.listen();
      const token = await short.login();
      expect((await short.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`)).status).toBe(200);
      short.time += 29_000;
      expect((await short.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`)).status).toBe(200);
      short.time += 1_000;
      const expired = await short.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`, { token });
      expect(expired.status).toBe(407);
      short.sim.expireTokens();
      await short.login();
      expect((await short.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`)).status).toBe(200);
    } finally {
      await short.sim.server.close();
    }
  });
});

describe('installed integrations', () => {
  it('pages the search with OpsRamp’s envelope', async () => {
    const first = obj((await rig.send('GET', `${BASE}/installed/search?pageNo=1&pageSize=3`)).json);
    const total = opsRampSeedIntegrations().length;
    expect(first).toMatchObject({ totalResults: total, pageNo: 1, pageSize: 3, totalPages: Math.ceil(total / 3), nextPage: true, nextPageNo: 2, previousPageNo: 0, descendingOrder: false });
    expect(list(first['results'])).toHaveLength(3);
    const last = obj((await rig.send('GET', `${BASE}/installed/search?pageNo=3&pageSize=3`)).json);
    expect(last['nextPage']).toBe(false);
    expect(last).not.toHaveProperty('nextPageNo');
    expect(list(last['results'])).toHaveLength(total - 6);
    const ids = new Set<unknown>();
    for (const pageNo of [1, 2, 3]) {
      for (const item of list(obj((await rig.send('GET', `${BASE}/installed/search?pageNo=${pageNo}&pageSize=3`)).json)['results'])) ids.add(obj(item)['id']);
    }
    expect(ids.size).toBe(total);
  });

  it('filters by queryString key:value pairs joined with +, and refuses bad paging', async () => {
    const query = encodeURIComponent('integrationId:CUSTOM+displayName:terraform');
    const found = obj((await rig.send('GET', `${BASE}/installed/search?queryString=${query}`)).json);
    expect(list(found['results']).map((r) => obj(r)['id'])).toEqual([OPSRAMP_SEED_IDS.terraform]);
    expect((await rig.send('GET', `${BASE}/installed/search?pageNo=0`)).status).toBe(400);
    expect((await rig.send('GET', `${BASE}/installed/search?pageSize=abc`)).status).toBe(400);
    const bad = await rig.send('GET', `${BASE}/installed/search?queryString=justtext`);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).error).toBe('invalid_request');
  });

  it('caps the page size it serves', async () => {
    const small = new Rig({ maxPageSize: 2 });
    try {
      await small.sim.server.listen();
      await small.login();
      const page = obj((await small.send('GET', `${BASE}/installed/search?pageSize=100`)).json);
      expect(page['pageSize']).toBe(2);
      expect(list(page['results'])).toHaveLength(2);
      expect(page['nextPage']).toBe(true);
    } finally {
      await small.sim.server.close();
    }
  });

  it('returns the webhook token and API keys in clear but never the write-only secrets', async () => {
    const jira = obj((await rig.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`)).json);
    const inbound = obj(jira['inboundConfig']);
    expect(obj(inbound['authentication'])['token']).toBe('w6bbEcYKnqggCkzPgBg745YXPKs3DuWb');
    const notifier = obj(obj(jira['outboundConfig'])['baseNotifier']);
    expect(notifier).toMatchObject({ authType: 'OAUTH2', grantType: 'PASSWORD', userName: 'opsramp-bot@acme.example', accessTokenURI: 'https://auth.atlassian.com/oauth/token' });
    expect(notifier['apiKey']).toBe('seed-jira-api-key-3m8n1b6v4c2x');
    expect(notifier).not.toHaveProperty('password');
    expect(notifier).not.toHaveProperty('apiSecret');
    const mapping = obj(list(inbound['mapAttributes'])[0]);
    expect(mapping).toMatchObject({ name: 'Status', attrName: 'incident.status.name', thirdPartyAttrName: 'Status', thirdPartyEntityType: 'TICKET' });
    const terraform = obj((await rig.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.terraform}`)).json);
    const pair = obj(list(obj(obj(terraform['inboundConfig'])['authentication'])['apiKeyPairs'])[0]);
    expect(Object.keys(pair)).toEqual(['key']);
    expect((await rig.send('GET', `${BASE}/installed/INTG-00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  it('uses the schema’s names instead when asked to', async () => {
    const alt = new Rig({ responseNames: 'schema' });
    try {
      await alt.sim.server.listen();
      await alt.login();
      const jira = obj((await alt.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`)).json);
      const notifier = obj(obj(jira['outboundConfig'])['baseNotifier']);
      expect(notifier).toMatchObject({ grantType: 'PASSWORD_CREDENTIALS', accessTokenURL: 'https://auth.atlassian.com/oauth/token' });
      expect(notifier).not.toHaveProperty('accessTokenURI');
      const mapping = obj(list(obj(jira['inboundConfig'])['mapAttributes'])[0]);
      expect(mapping).toMatchObject({ tenantAttrName: 'Status', tenantEntityType: 'TICKET' });
      expect(obj(list(mapping['attrValues'])[0])).toEqual({ attrValue: 'Open', tenantAttrValue: 'To Do' });
    } finally {
      await alt.sim.server.close();
    }
  });

  it('installs a CUSTOM integration, showing the key pair secret once', async () => {
    const reply = await rig.send('POST', `${BASE}/install/CUSTOM`, { body: customInstall });
    expect(reply.status).toBe(200);
    const body = obj(reply.json);
    expect(body).toMatchObject({ displayName: 'Runbook automation', category: 'Custom', status: 'enabled', installedBy: 'opsramp_api_user', integration: { id: 'CUSTOM', name: 'Custom' } });
    expect(body['id']).toMatch(/^INTG-[0-9a-f-]{36}$/);
    expect(body['installedTime']).toBe('2026-01-05T10:00:00+0000');
    const pair = obj(list(obj(obj(body['inboundConfig'])['authentication'])['apiKeyPairs'])[0]);
    expect(pair['secret']).toMatch(/^[A-Za-z0-9]{48}$/);
    const again = obj((await rig.send('GET', `${BASE}/installed/${String(body['id'])}`)).json);
    expect(obj(list(obj(obj(again['inboundConfig'])['authentication'])['apiKeyPairs'])[0])).toEqual({ key: pair['key'] });
  });

  it('validates installs the way the spec describes', async () => {
    const noName = await rig.send('POST', `${BASE}/install/CUSTOM`, { body: { category: 'Custom' } });
    expect(noName.status).toBe(400);
    expect(errorOf(noName).description).toBe('displayName is required');
    const noRole = await rig.send('POST', `${BASE}/install/CUSTOM`, { body: { displayName: 'x', category: 'Custom', inboundConfig: { authentication: { authType: 'WEBHOOK' } } } });
    expect(noRole.status).toBe(400);
    const oauthNotifier = await rig.send('POST', `${BASE}/install/CUSTOM`, {
      body: {
        displayName: 'x',
        category: 'Collaboration',
        outboundConfig: { baseNotifier: { type: 'REST_API', baseURI: 'https://x.example', authType: 'OAUTH2', grantType: 'CLIENT_CREDENTIALS', apiKey: 'k', accessTokenURL: 'https://x.example/t' } },
      },
    });
    expect(oauthNotifier.status).toBe(400);
    expect(errorOf(oauthNotifier).description).toBe('outboundConfig.baseNotifier.apiSecret is mandatory for OAUTH2');
    expect((await rig.send('POST', `${BASE}/install/CUSTOM`, { raw: '{"displayName":' })).status).toBe(400);
    expect((await rig.send('POST', `${BASE}/install/NOPE`, { body: {} })).status).toBe(404);
    const slack = await rig.send('POST', `${BASE}/install/SLACK`, { body: {} });
    expect(slack.status).toBe(409);
    expect(errorOf(slack).error).toBe('conflict');
    expect(rig.sim.installedIds()).toHaveLength(opsRampSeedIntegrations().length);
  });

  it('updates with POST and a partial body, accepting both name forms', async () => {
    const id = OPSRAMP_SEED_IDS.serviceNow;
    const reply = await rig.send('POST', `${BASE}/installed/${id}`, {
      body: {
        displayName: 'ServiceNow (prod)',
        outboundConfig: {
          mapAttributes: [{ name: 'Status', entityType: 'CHANGE', tenantAttrName: 'state', tenantEntityType: 'change_request', attrValues: [{ attrValue: 'Closed', tenantAttrValue: '3' }] }],
          baseNotifier: {
            type: 'REST_API',
            baseURI: 'https://acme.service-now.com',
            authType: 'OAUTH2',
            grantType: 'PASSWORD_CREDENTIALS',
            userName: 'u',
            password: 'p',
            apiKey: 'k',
            apiSecret: 's',
            accessTokenURL: 'https://acme.service-now.com/oauth_token.do',
          },
        },
      },
    });
    expect(reply.status).toBe(200);
    const stored = rig.sim.stored(id);
    expect(stored?.displayName).toBe('ServiceNow (prod)');
    expect(stored?.outboundConfig?.baseNotifier).toMatchObject({ grantType: 'PASSWORD', accessTokenURI: 'https://acme.service-now.com/oauth_token.do', password: 'p', apiSecret: 's' });
    expect(stored?.outboundConfig?.mapAttributes?.[0]).toMatchObject({ thirdPartyAttrName: 'state', attrName: 'change.status.name' });
    expect(stored?.integration.id).toBe('SERVICENOW');
  });

  it('uninstalls only with a reason in the DELETE body', async () => {
    const id = OPSRAMP_SEED_IDS.emailAlerts;
    const none = await rig.send('DELETE', `${BASE}/installed/${id}`);
    expect(none.status).toBe(400);
    expect(errorOf(none).description).toBe('uninstallReason is required');
    const done = await rig.send('DELETE', `${BASE}/installed/${id}`, { body: { uninstallReason: 'Replaced by PagerDuty' } });
    expect(done.status).toBe(200);
    expect(done.text).toBe('');
    expect(rig.sim.installedIds()).not.toContain(id);
    expect((await rig.send('DELETE', `${BASE}/installed/${id}`, { body: { uninstallReason: 'again' } })).status).toBe(404);
    expect(rig.sim.writes().at(-2)?.body).toEqual({ uninstallReason: 'Replaced by PagerDuty' });
  });

  it('enables and disables', async () => {
    const id = OPSRAMP_SEED_IDS.emailAlerts;
    expect((await rig.send('POST', `${BASE}/installed/${id}/enable`)).status).toBe(200);
    expect(rig.sim.stored(id)?.status).toBe('enabled');
    expect((await rig.send('POST', `${BASE}/installed/${id}/disable`)).status).toBe(200);
    expect(rig.sim.stored(id)?.status).toBe('disabled');
    expect((await rig.send('POST', `${BASE}/installed/INTG-none/enable`)).status).toBe(404);
  });

  it('serves the notifier, inbound authentication and mapping sub-resources', async () => {
    const id = OPSRAMP_SEED_IDS.alertmanager;
    const notifier = await rig.send('POST', `${BASE}/installed/${id}/notifier`, {
      body: { type: 'REST_API', baseURI: 'https://x.example', authType: 'BASIC', userName: 'u', password: 'secret-pw-123' },
    });
    expect(notifier.json).toEqual({ type: 'REST_API', baseURI: 'https://x.example', authType: 'BASIC', userName: 'u' });
    const auth = obj((await rig.send('POST', `${BASE}/installed/${id}/inbound/authentication`, { body: { authType: 'OAUTH2' } })).json);
    expect(auth['authType']).toBe('OAUTH2');
    expect(Object.keys(obj(list(auth['apiKeyPairs'])[0]))).toEqual(['key']);
    const mappings = await rig.send('POST', `${BASE}/installed/${id}/mappingAttr`, {
      body: {
        inboundConfig: {
          mapAttributes: [{ name: 'Priority', entityType: 'ALERT', tenantAttrName: 'severity', tenantEntityType: 'alert', attrValues: [{ attrValue: 'Critical', tenantAttrValue: 'P1' }] }],
        },
      },
    });
    expect(list(mappings.json)).toHaveLength(1);
    const read = list((await rig.send('GET', `${BASE}/installed/${id}/mappingAttr`)).json);
    expect(obj(read[0])).toMatchObject({ name: 'Priority', attrName: 'alert.priority.name', mode: 'INBOUND' });
  });

  it('answers 405 for a method the path does not support', async () => {
    const reply = await rig.send('PUT', `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`, { body: {} });
    expect(reply.status).toBe(405);
  });

  it('searches the catalogue of available integrations', async () => {
    const page = obj((await rig.send('GET', `${BASE}/available/search?pageNo=1&pageSize=5`)).json);
    expect(page['nextPage']).toBe(true);
    expect(list(page['results'])).toHaveLength(5);
    const slack = obj((await rig.send('GET', `${BASE}/available/search?queryString=${encodeURIComponent('name:slack')}`)).json);
    expect(slack['results']).toEqual([{ id: 'SLACK', name: 'Slack' }]);
  });

  it('throttles per tenant and minute with X-RateLimit-* headers', async () => {
    const limited = new Rig({ rateLimits: { get: 2, pagedGet: 1, write: 1 } });
    try {
      await limited.sim.server.listen();
      await limited.login();
      const path = `${BASE}/installed/${OPSRAMP_SEED_IDS.jira}`;
      const first = await limited.send('GET', path);
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await limited.send('GET', path)).status).toBe(200);
      const refused = await limited.send('GET', path);
      expect(refused.status).toBe(429);
      expect(refused.json).toEqual({ error: 'throttled', error_description: 'Too Many Requests' });
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('x-ratelimit-reset'))).toBe(Math.floor(limited.time / 60_000) * 60 + 60);
      // Other classes have their own budget.
      expect((await limited.send('GET', `${BASE}/installed/search`)).status).toBe(200);
      limited.time += 60_000;
      expect((await limited.send('GET', path)).status).toBe(200);
    } finally {
      await limited.sim.server.close();
    }
  });

  it('restores the seed on reset', async () => {
    await rig.send('POST', `${BASE}/installed/${OPSRAMP_SEED_IDS.slack}/disable`);
    rig.sim.server.reset();
    expect(rig.sim.stored(OPSRAMP_SEED_IDS.slack)?.status).toBe('enabled');
    expect(rig.sim.writes()).toEqual([]);
    expect(rig.sim.tokensIssued()).toBe(0);
    // Tokens survive a reset: it restores data, not client sessions.
    expect((await rig.send('GET', `${BASE}/installed/${OPSRAMP_SEED_IDS.slack}`)).status).toBe(200);
  });
});
