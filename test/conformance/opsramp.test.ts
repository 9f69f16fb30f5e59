import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import { Conformance, type ConformanceRequest, type Exchange, expectConforms } from './conformance.js';

/*
 * Every answer of the OpsRamp simulator against opsramp-auth.v2.yaml and
 * opsramp-integrations-installed.v2.excerpt.yaml: the token (both paths), install, search (paging),
 * read, update, enable, disable, notifier, inbound authentication, mappings, the catalogue and
 * uninstall, and the error paths (400, 401, 403, 404, 407, 409, 429).
 */

const TENANT = 'client_8';
const OTHER_TENANT = 'client_9';
const BASE = `/api/v2/tenants/${TENANT}/integrations`;
const CLIENT = { client_id: 'conformance-key', client_secret: 'conformance-secret' };
const PAGED_LIMIT = 40;

const sim = createOpsRampSimulator({
  clientId: CLIENT.client_id,
  clientSecret: CLIENT.client_secret,
  tenantId: TENANT,
  expiredTokenStatus: 407,
  rateLimits: { get: 1000, pagedGet: PAGED_LIMIT, write: 1000 },
});
const check = new Conformance('opsramp', () => sim.server.baseUrl);
let token = '';

beforeAll(async () => {
  await sim.server.listen();
  token = await issueToken('/tenancy/auth/oauth/token');
});
afterAll(async () => {
  await sim.server.close();
});

async function issueToken(path: string): Promise<string> {
  const issued = await check.send({ method: 'POST', path, form: { grant_type: 'client_credentials', ...CLIENT } });
  expectConforms(issued, 200);
  const value = (issued.json as { access_token?: unknown }).access_token;
  if (typeof value !== 'string') throw new Error(`no access_token in ${issued.text}`);
  return value;
}

function call(request: ConformanceRequest): Promise<Exchange> {
  return check.send({ ...request, headers: { authorization: `Bearer ${token}`, ...request.headers } });
}

function idOf(exchange: Exchange): string {
  const id = (exchange.json as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string') throw new Error(`no id in ${exchange.text}`);
  return id;
}

const MAPPING = { name: 'Status', entityType: 'INCIDENT', tenantAttrName: 'state', tenantEntityType: 'issue', attrValues: [{ attrValue: 'New', tenantAttrValue: 'open' }] };
const NOTIFIER = {
  type: 'REST_API',
  baseURI: 'https://acme.atlassian.net/rest/api/2',
  authType: 'OAUTH2',
  grantType: 'CLIENT_CREDENTIALS',
  apiKey: 'jira-client-id',
  apiSecret: 'jira-client-secret-0c1d2e',
  accessTokenURL: 'https://auth.atlassian.com/oauth/token',
};

/** Install bodies as Patchbay's input builder writes them. */
const INSTALLS: readonly (readonly [label: string, integrationId: string, body: Record<string, unknown>])[] = [
  [
    'a Custom-category CUSTOM integration with OAuth2 inbound',
    'CUSTOM',
    { displayName: 'Conformance custom', category: 'Custom', inboundConfig: { authentication: { authType: 'OAUTH2', role: { uniqueId: 'ROLE-7d1c' } } } },
  ],
  [
    'a Collaboration CUSTOM integration with a webhook and a notifier',
    'CUSTOM',
    {
      displayName: 'Conformance collaboration',
      description: 'Tickets both ways',
      category: 'Collaboration',
      direction: 'Inbound-Outbound',
      inboundConfig: { authentication: { authType: 'WEBHOOK' }, entityTypes: ['INCIDENT'], mapAttributes: [MAPPING] },
      outboundConfig: { baseNotifier: NOTIFIER, mapAttributes: [MAPPING] },
    },
  ],
  ['a Monitoring CUSTOM integration with an alert source', 'CUSTOM', { displayName: 'Conformance monitoring', category: 'Monitoring', alertSource: { id: 30 } }],
  ['a catalogue integration', 'PAGERDUTY', { displayName: 'Conformance PagerDuty' }],
];

describe('token', () => {
  it('issues tokens on the current and the 2021 path (200) and refuses bad requests (400, 401)', async () => {
    expect(await issueToken('/auth/oauth/token')).not.toBe('');
    for (const path of ['/tenancy/auth/oauth/token', '/auth/oauth/token']) {
      expectConforms(await check.send({ method: 'POST', path, form: { grant_type: 'password', ...CLIENT } }), 400);
      expectConforms(await check.send({ method: 'POST', path, form: { client_id: CLIENT.client_id } }), 400);
      expectConforms(await check.send({ method: 'POST', path, form: { grant_type: 'client_credentials', client_id: CLIENT.client_id, client_secret: 'wrong' } }), 401);
    }
  });
});

describe('installed integrations', () => {
  for (const [label, integrationId, body] of INSTALLS) {
    it(`installs ${label}, reads, updates, disables, enables and uninstalls it (200)`, async () => {
      const installed = await call({ method: 'POST', path: `${BASE}/install/${integrationId}`, json: body });
      expectConforms(installed, 200);
      const path = `${BASE}/installed/${idOf(installed)}`;
      expectConforms(await call({ method: 'GET', path }), 200);
      expectConforms(await call({ method: 'POST', path, json: { displayName: `${String(body['displayName'])} renamed`, description: 'Changed by the conformance test' } }), 200);
      expectConforms(await call({ method: 'POST', path: `${path}/disable` }), 200);
      expectConforms(await call({ method: 'POST', path: `${path}/enable` }), 200);
      expectConforms(await call({ method: 'DELETE', path, json: { uninstallReason: 'Conformance test done' } }), 200);
    });
  }

  it('searches page by page and reads every installed integration (200)', async () => {
    const ids: string[] = [];
    for (let pageNo = 1; pageNo <= 20; pageNo += 1) {
      const page = await call({ method: 'GET', path: `${BASE}/installed/search`, query: { pageNo, pageSize: 2 } });
      expectConforms(page, 200);
      const body = page.json as { results?: { id?: unknown }[]; nextPage?: unknown };
      ids.push(...(body.results ?? []).map((item) => String(item.id)));
      if (body.nextPage !== true) break;
    }
    expect(ids.length).toBeGreaterThan(2);
    for (const id of ids) expectConforms(await call({ method: 'GET', path: `${BASE}/installed/${id}` }), 200);
    expectConforms(
      await call({ method: 'GET', path: `${BASE}/installed/search`, query: { queryString: 'status:enabled', pageNo: 1, pageSize: 100, isDescendingOrder: true, sortName: 'installedTime' } }),
      200,
    );
  });

  it('sets the notifier, the inbound authentication and the mappings of an installed integration (200)', async () => {
    const installed = await call({ method: 'POST', path: `${BASE}/install/CUSTOM`, json: { displayName: 'Conformance wiring', category: 'Collaboration' } });
    expectConforms(installed, 200);
    const path = `${BASE}/installed/${idOf(installed)}`;
    expectConforms(await call({ method: 'POST', path: `${path}/notifier`, json: NOTIFIER }), 200);
    expectConforms(await call({ method: 'POST', path: `${path}/inbound/authentication`, json: { authType: 'OAUTH2' } }), 200);
    expectConforms(await call({ method: 'POST', path: `${path}/inbound/authentication`, json: { authType: 'WEBHOOK' } }), 200);
    expectConforms(await call({ method: 'POST', path: `${path}/mappingAttr`, json: { inboundConfig: { mapAttributes: [MAPPING] }, outboundConfig: { mapAttributes: [MAPPING] } } }), 200);
    expectConforms(await call({ method: 'GET', path: `${path}/mappingAttr` }), 200);
    expectConforms(await call({ method: 'GET', path }), 200);
  });

  it('refuses invalid writes (400), a second single install (409) and unknown ids (404)', async () => {
    expectConforms(await call({ method: 'POST', path: `${BASE}/install/CUSTOM`, json: { category: 'Custom' } }), 400);
    expectConforms(await call({ method: 'POST', path: `${BASE}/install/CUSTOM`, json: { displayName: 'x', category: 'Gardening' } }), 400);
    // Slack allows one installation: the second install is refused whether or not the seed has one.
    const slack = await call({ method: 'POST', path: `${BASE}/install/SLACK`, json: {} });
    expectConforms(slack, slack.status === 409 ? 409 : 200);
    expectConforms(await call({ method: 'POST', path: `${BASE}/install/SLACK`, json: {} }), 409);
    expectConforms(await call({ method: 'POST', path: `${BASE}/install/NO_SUCH_INTEGRATION`, json: {} }), 404);
    const missing = `${BASE}/installed/INTG-00000000-0000-4000-8000-000000000000`;
    expectConforms(await call({ method: 'GET', path: missing }), 404);
    expectConforms(await call({ method: 'POST', path: missing, json: { displayName: 'x' } }), 404);
    expectConforms(await call({ method: 'DELETE', path: missing, json: { uninstallReason: 'x' } }), 404);
    expectConforms(await call({ method: 'POST', path: `${missing}/enable` }), 404);
    expectConforms(await call({ method: 'POST', path: `${missing}/disable` }), 404);
    expectConforms(await call({ method: 'POST', path: `${missing}/notifier`, json: NOTIFIER }), 404);
    expectConforms(await call({ method: 'POST', path: `${missing}/inbound/authentication`, json: { authType: 'WEBHOOK' } }), 404);
    expectConforms(await call({ method: 'POST', path: `${missing}/mappingAttr`, json: { inboundConfig: { mapAttributes: [MAPPING] } } }), 404);
    expectConforms(await call({ method: 'GET', path: `${missing}/mappingAttr` }), 404);
    const some = sim.installedIds()[0] ?? '';
    expectConforms(await call({ method: 'DELETE', path: `${BASE}/installed/${some}`, json: {} }), 400);
    expectConforms(await call({ method: 'POST', path: `${BASE}/installed/${some}/notifier`, json: { type: 'REST_API' } }), 400);
    expectConforms(await call({ method: 'POST', path: `${BASE}/installed/${some}/inbound/authentication`, json: { authType: 'CARRIER_PIGEON' } }), 400);
    expectConforms(await call({ method: 'POST', path: `${BASE}/installed/${some}/mappingAttr`, json: { inboundConfig: { mapAttributes: [{ name: 'x' }] } } }), 400);
    expectConforms(await call({ method: 'GET', path: `${BASE}/installed/search`, query: { pageNo: 0 } }), 400);
    expectConforms(await call({ method: 'GET', path: `${BASE}/installed/search`, query: { queryString: 'no-colon' } }), 400);
  });
});

describe('catalogue', () => {
  it('searches the available integrations page by page (200) and refuses bad paging (400)', async () => {
    expectConforms(await call({ method: 'GET', path: `${BASE}/available/search`, query: { pageNo: 1, pageSize: 5 } }), 200);
    expectConforms(await call({ method: 'GET', path: `${BASE}/available/search`, query: { pageNo: 2, pageSize: 5 } }), 200);
    expectConforms(await call({ method: 'GET', path: `${BASE}/available/search`, query: { queryString: 'name:slack' } }), 200);
    expectConforms(await call({ method: 'GET', path: `${BASE}/available/search`, query: { pageSize: 'all' } }), 400);
  });
});

describe('refusals', () => {
  const requests = (base: string): ConformanceRequest[] => [
    { method: 'GET', path: `${base}/installed/search` },
    { method: 'GET', path: `${base}/installed/INTG-1` },
    { method: 'POST', path: `${base}/install/CUSTOM`, json: { displayName: 'x', category: 'Custom' } },
    { method: 'POST', path: `${base}/installed/INTG-1`, json: { displayName: 'x' } },
    { method: 'DELETE', path: `${base}/installed/INTG-1`, json: { uninstallReason: 'x' } },
    { method: 'POST', path: `${base}/installed/INTG-1/enable` },
    { method: 'GET', path: `${base}/available/search` },
  ];

  it('refuses a missing or unknown token (401), another tenant (403) and an expired token (407)', async () => {
    for (const request of requests(BASE)) {
      expectConforms(await check.send(request), 401);
      expectConforms(await check.send({ ...request, headers: { authorization: 'Bearer 00000000-0000-4000-8000-000000000000' } }), 401);
      expectConforms(await call({ ...request, path: request.path.replace(TENANT, OTHER_TENANT) }), 403);
    }
    sim.expireTokens();
    for (const request of requests(BASE)) expectConforms(await call(request), 407);
    token = await issueToken('/tenancy/auth/oauth/token');
  });

  it('throttles paged searches past the tenant limit (429)', async () => {
    let status = 200;
    for (let sent = 0; sent <= PAGED_LIMIT && status === 200; sent += 1) {
      const page = await call({ method: 'GET', path: `${BASE}/available/search`, query: { pageNo: 1, pageSize: 1 } });
      status = page.status;
      expectConforms(page, status === 429 ? 429 : 200);
    }
    expect(status).toBe(429);
    expectConforms(await call({ method: 'GET', path: `${BASE}/installed/search` }), 429);
  });
});

describe('coverage', () => {
  it('reached every documented operation', () => {
    expect(check.unexercisedOperations()).toEqual([]);
  });

  it('met every deviation listed for OpsRamp', () => {
    expect(check.unmetDeviations()).toEqual([]);
  });
});
