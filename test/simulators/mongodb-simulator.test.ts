import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MONGODB_DEMO_GROUP_IDS } from '../../src/simulators/mongodb/seed.js';
import { createMongoDbSimulator, MONGODB_API_BASE_PATH, type MongoDbSimulator, type StoredIntegration } from '../../src/simulators/mongodb/simulator.js';
import { EMPTY_GROUP, OTHER_GROUP, TYPES, secretsOf, wireBody } from '../mongodb/fixtures.js';
import { RawDigest, obj, objs, type RawReply } from '../mongodb/raw-digest.js';

const PUBLIC_KEY = 'sim-public-key';
const PRIVATE_KEY = 'sim-private-key-5c1e9a';
const P = MONGODB_API_BASE_PATH;
const PAYMENTS = MONGODB_DEMO_GROUP_IDS.paymentsProd;
const SEARCH = MONGODB_DEMO_GROUP_IDS.searchProd;
const STAGING = MONGODB_DEMO_GROUP_IDS.platformStaging;
const list = (group: string) => `${P}/groups/${group}/integrations`;
const one = (group: string, type: string) => `${P}/groups/${group}/integrations/${type}`;

function seedWithEmptyGroups(): Map<string, StoredIntegration[]> {
  return new Map<string, StoredIntegration[]>([
    [PAYMENTS, [{ type: 'PAGER_DUTY', fields: { serviceKey: 'R0b8Kx2mQ7vN4pL9sT3wY6zA1cE5gH8j' } }]],
    [EMPTY_GROUP, []],
    [OTHER_GROUP, []],
  ]);
}

function apiError(reply: RawReply): { error: unknown; errorCode: unknown; detail: unknown; reason: unknown; parameters: unknown } {
  const body = obj(reply.json);
  return { error: body['error'], errorCode: body['errorCode'], detail: body['detail'], reason: body['reason'], parameters: body['parameters'] };
}

let clock = 1_000_000;
let sim: MongoDbSimulator;
let raw: RawDigest;

beforeAll(async () => {
  sim = createMongoDbSimulator({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, now: () => clock, nonceTtlMs: 60_000 });
  await sim.server.listen();
});
afterAll(async () => {
  await sim.server.close();
});
beforeEach(() => {
  sim.server.reset();
  raw = new RawDigest(sim.server.baseUrl, PUBLIC_KEY, PRIVATE_KEY);
});

describe('Digest challenge and verification', () => {
  it('answers an unauthenticated request with a real RFC 7616 challenge and an ApiError body', async () => {
    const reply = await raw.send('GET', list(PAYMENTS));
    expect(reply.status).toBe(401);
    const header = reply.headers.get('www-authenticate') ?? '';
    expect(header).toMatch(/^Digest realm="MMS Public API", domain="", nonce="[^"]+", algorithm=MD5, qop="auth", stale=false$/);
    expect(apiError(reply)).toMatchObject({ error: 401, reason: 'Unauthorized' });
    expect(sim.digestLog.at(-1)?.outcome).toBe('challenged');
  });

  it('accepts a correct answer, reuses the nonce with an incrementing nc, and refuses a replayed nc', async () => {
    await raw.challenge(list(PAYMENTS));
    const first = await raw.send('GET', list(PAYMENTS), { authorization: raw.authorization('GET', list(PAYMENTS)) });
    expect(first.status).toBe(200);
    const second = await raw.send('GET', list(SEARCH), { authorization: raw.authorization('GET', list(SEARCH)) });
    expect(second.status).toBe(200);
    const accepted = sim.digestLog.filter((e) => e.outcome === 'accepted');
    expect(accepted.map((e) => e.nc)).toEqual(['00000001', '00000002']);
    expect(new Set(accepted.map((e) => e.nonce)).size).toBe(1);
    const replay = await raw.send('GET', list(SEARCH), { authorization: raw.authorization('GET', list(SEARCH), { nc: '00000002' }) });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toContain('stale=false');
  });

  it.each([
    ['a wrong private key', { password: 'not-the-key' }],
    ['a wrong public key', { username: 'someone-else' }],
    ['a wrong realm', { realm: 'Other Realm' }],
    ['a URI that is not the request target', { uri: `${list(SEARCH)}` }],
    ['no qop (RFC 2069 form)', { qop: null }],
    ['qop=auth-int', { qop: 'auth-int' }],
    ['a malformed nc', { nc: '1' }],
    ['a response that is not 32 hex digits', { response: 'zz' }],
    ['a nonce this server never issued', { nonce: 'bm90LWlzc3VlZA==' }],
  ] as const)('refuses %s with a fresh, non-stale challenge', async (_label, parts) => {
    await raw.challenge(list(PAYMENTS));
    const reply = await raw.send('GET', list(PAYMENTS), { authorization: raw.authorization('GET', list(PAYMENTS), parts) });
    expect(reply.status).toBe(401);
    const header = reply.headers.get('www-authenticate') ?? '';
    expect(header).toContain('stale=false');
    expect(header).not.toContain(`nonce="${raw.nonce ?? ''}"`);
    expect(sim.digestLog.at(-1)?.outcome).toBe('refused');
  });

  it('answers a correct response to an expired nonce with stale=true, and a wrong one with stale=false', async () => {
    await raw.challenge(list(PAYMENTS));
    expect((await raw.send('GET', list(PAYMENTS), { authorization: raw.authorization('GET', list(PAYMENTS)) })).status).toBe(200);
    clock += 61_000;
    const stale = await raw.send('GET', list(PAYMENTS), { authorization: raw.authorization('GET', list(PAYMENTS)) });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toContain('stale=true');
    expect(sim.digestLog.at(-1)?.outcome).toBe('stale');
    const wrong = await raw.send('GET', list(PAYMENTS), { authorization: raw.authorization('GET', list(PAYMENTS), { password: 'nope' }) });
    expect(wrong.headers.get('www-authenticate')).toContain('stale=false');
    raw.adopt(stale);
    expect((await raw.send('GET', list(PAYMENTS), { authorization: raw.authorization('GET', list(PAYMENTS)) })).status).toBe(200);
  });

  it('expireNonces() ages every nonce at once', async () => {
    await raw.challenge(list(PAYMENTS));
    sim.expireNonces();
    const reply = await raw.send('GET', list(PAYMENTS), { authorization: raw.authorization('GET', list(PAYMENTS)) });
    expect(reply.headers.get('www-authenticate')).toContain('stale=true');
  });

  it('without configured keys accepts any well-formed answer but still checks nonce, realm and URI', async () => {
    const open = createMongoDbSimulator();
    await open.server.listen();
    try {
      const anyone = new RawDigest(open.server.baseUrl, 'whoever', 'whatever-private');
      await anyone.challenge(list(PAYMENTS));
      expect((await anyone.send('GET', list(PAYMENTS), { authorization: anyone.authorization('GET', list(PAYMENTS)) })).status).toBe(200);
      expect((await anyone.send('GET', list(PAYMENTS), { authorization: anyone.authorization('GET', list(PAYMENTS), { uri: list(SEARCH) }) })).status).toBe(401);
      expect((await anyone.send('GET', list(PAYMENTS), { authorization: anyone.authorization('GET', list(PAYMENTS), { realm: 'x' }) })).status).toBe(401);
      expect((await anyone.send('GET', list(PAYMENTS), { authorization: anyone.authorization('GET', list(PAYMENTS), { username: '' }) })).status).toBe(401);
    } finally {
      await open.server.close();
    }
  });
});

describe('list', () => {
  it('returns {links, results, totalCount} with secrets masked as recorded', async () => {
    const reply = await raw.call('GET', list(PAYMENTS));
    expect(reply.status).toBe(200);
    const body = obj(reply.json);
    expect(body['totalCount']).toBe(4);
    const links = objs(body['links']);
    expect(links).toEqual([{ href: `${sim.server.baseUrl}${list(PAYMENTS)}?pageNum=1&itemsPerPage=100`, rel: 'self' }]);
    const results = objs(body['results']);
    // The vendor's enum order, not insertion order.
    expect(results.map((r) => r['type'])).toEqual(['PAGER_DUTY', 'SLACK', 'WEBHOOK', 'PROMETHEUS']);
    const [pagerDuty, slack, webhook, prometheus] = results as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    expect(pagerDuty).toEqual({ id: sim.integrationId(PAYMENTS, 'PAGER_DUTY'), region: 'US', serviceKey: `${'*'.repeat(28)}gH8j`, type: 'PAGER_DUTY' });
    expect(Object.keys(pagerDuty).at(-1)).toBe('type');
    expect(slack['apiToken']).toBe(`${'*'.repeat(27)}3b5d`);
    expect(slack).toMatchObject({ teamName: 'Acme Platform', channelName: 'payments-alerts' });
    expect(webhook['url']).toBe('https://incident-bot.acme.example/****2d1c');
    expect(webhook['secret']).toBe(`${'*'.repeat(23)}2101`);
    expect(prometheus).not.toHaveProperty('password');
    expect(prometheus).toMatchObject({ username: 'prom-scraper', listenAddress: '0.0.0.0:9216', scheme: 'https', enabled: true });
  });

  it('shows a legacy Slack without teamName and channelName "", and masks the legacy NEW_RELIC keys', async () => {
    const results = objs(obj((await raw.call('GET', list(STAGING))).json)['results']);
    const slack = results.find((r) => r['type'] === 'SLACK');
    expect(slack).toBeDefined();
    expect(slack).not.toHaveProperty('teamName');
    expect(slack?.['channelName']).toBe('');
    const newRelic = results.find((r) => r['type'] === 'NEW_RELIC');
    expect(newRelic?.['licenseKey']).toBe(`${'*'.repeat(36)}75ea`);
    expect(newRelic?.['accountId']).toBe('bcc3c81b344a6030a3935c2527e2216535af7718');
    const webhook = results.find((r) => r['type'] === 'WEBHOOK');
    expect(webhook).not.toHaveProperty('secret');
  });

  it('pages with pageNum/itemsPerPage and next/previous links', async () => {
    const page2 = obj((await raw.call('GET', `${list(PAYMENTS)}?pageNum=2&itemsPerPage=3`)).json);
    expect(objs(page2['results']).map((r) => r['type'])).toEqual(['PROMETHEUS']);
    expect(page2['totalCount']).toBe(4);
    expect(objs(page2['links']).map((l) => l['rel'])).toEqual(['self', 'previous']);
    const page1 = obj((await raw.call('GET', `${list(PAYMENTS)}?pageNum=1&itemsPerPage=3`)).json);
    expect(objs(page1['links']).map((l) => l['rel'])).toEqual(['self', 'next']);
    expect(objs(page1['results'])).toHaveLength(3);
  });

  it.each([
    ['itemsPerPage=501', 'itemsPerPage'],
    ['itemsPerPage=0', 'itemsPerPage'],
    ['pageNum=x', 'pageNum'],
  ])('refuses %s with 400', async (query, name) => {
    const reply = await raw.call('GET', `${list(PAYMENTS)}?${query}`);
    expect(reply.status).toBe(400);
    expect(apiError(reply)).toMatchObject({ error: 400, errorCode: 'INVALID_QUERY_PARAMETER' });
    expect((apiError(reply).parameters as unknown[])[0]).toBe(name);
  });

  it('answers an unknown project with the recorded GROUP_NOT_FOUND error and X-Error-Code', async () => {
    const reply = await raw.call('GET', list('111111111111111111111111'));
    expect(reply.status).toBe(404);
    expect(reply.headers.get('x-error-code')).toBe('GROUP_NOT_FOUND');
    expect(reply.json).toEqual({
      detail: 'No group with ID 111111111111111111111111 exists.',
      error: 404,
      errorCode: 'GROUP_NOT_FOUND',
      parameters: ['111111111111111111111111'],
      reason: 'Not Found',
    });
  });

  it('refuses a malformed project id with 400', async () => {
    const reply = await raw.call('GET', list('NOT-A-GROUP'));
    expect(reply.status).toBe(400);
    expect(apiError(reply).errorCode).toBe('INVALID_GROUP_ID');
  });
});

describe('get one', () => {
  it('returns the bare integration object', async () => {
    const reply = await raw.call('GET', one(SEARCH, 'OPS_GENIE'));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ id: sim.integrationId(SEARCH, 'OPS_GENIE'), apiKey: `${'*'.repeat(32)}3311`, region: 'EU', type: 'OPS_GENIE' });
  });

  it('answers a type that is not configured with INTEGRATION_NOT_CONFIGURED (404)', async () => {
    const reply = await raw.call('GET', one(SEARCH, 'WEBHOOK'));
    expect(reply.status).toBe(404);
    expect(apiError(reply)).toMatchObject({ error: 404, errorCode: 'INTEGRATION_NOT_CONFIGURED', reason: 'Not Found' });
  });

  it('refuses an unknown type with INVALID_ENUM_VALUE', async () => {
    const reply = await raw.call('GET', one(SEARCH, 'CARRIER_PIGEON'));
    expect(reply.status).toBe(400);
    expect(apiError(reply)).toMatchObject({ errorCode: 'INVALID_ENUM_VALUE', parameters: ['CARRIER_PIGEON'] });
  });
});

describe('writes', () => {
  let writer: MongoDbSimulator;
  let w: RawDigest;
  beforeAll(async () => {
    writer = createMongoDbSimulator({ groups: seedWithEmptyGroups(), allowSlackCreate: true });
    await writer.server.listen();
  });
  afterAll(async () => {
    await writer.server.close();
  });
  beforeEach(() => {
    writer.server.reset();
    w = new RawDigest(writer.server.baseUrl, 'k', 'p');
  });

  it.each(TYPES)('POST %s stores it in clear and answers with the whole project, masked', async (type) => {
    const body = wireBody(type, 'sim');
    const reply = await w.call('POST', one(EMPTY_GROUP, type), body);
    expect(reply.status).toBe(200);
    const page = obj(reply.json);
    expect(page['totalCount']).toBe(1);
    expect(objs(page['links'])[0]?.['href']).toBe(`${writer.server.baseUrl}${one(EMPTY_GROUP, type)}?pageNum=1&itemsPerPage=100`);
    const [result] = objs(page['results']);
    expect(result?.['type']).toBe(type);
    for (const secret of Object.values(secretsOf(type, body))) expect(reply.text).not.toContain(secret);
    const { type: _type, ...fields } = body;
    expect(writer.storedIntegration(EMPTY_GROUP, type)).toEqual({ type, fields });
  });

  it.each(TYPES)('POST %s a second time is a 409 conflict; PUT replaces it', async (type) => {
    expect((await w.call('POST', one(EMPTY_GROUP, type), wireBody(type, 'one'))).status).toBe(200);
    const conflict = await w.call('POST', one(EMPTY_GROUP, type), wireBody(type, 'two'));
    expect(conflict.status).toBe(409);
    expect(apiError(conflict)).toMatchObject({ error: 409, errorCode: 'INTEGRATION_ALREADY_CONFIGURED', reason: 'Conflict' });
    const replaced = await w.call('PUT', one(EMPTY_GROUP, type), wireBody(type, 'two'));
    expect(replaced.status).toBe(200);
    expect(writer.storedIntegration(EMPTY_GROUP, type)?.fields).toEqual((({ type: _t, ...rest }) => rest)(wireBody(type, 'two')));
  });

  it.each(TYPES)('PUT %s upserts into an empty project', async (type) => {
    const reply = await w.call('PUT', one(OTHER_GROUP, type), wireBody(type, 'up'));
    expect(reply.status).toBe(200);
    expect(writer.storedTypes(OTHER_GROUP)).toEqual([type]);
  });

  it('PUT replaces the whole configuration: optional fields left out are gone', async () => {
    await w.call('POST', one(EMPTY_GROUP, 'WEBHOOK'), wireBody('WEBHOOK', 'full'));
    await w.call('PUT', one(EMPTY_GROUP, 'WEBHOOK'), { type: 'WEBHOOK', url: 'https://hooks.example.com/other' });
    expect(writer.storedIntegration(EMPTY_GROUP, 'WEBHOOK')).toEqual({ type: 'WEBHOOK', fields: { url: 'https://hooks.example.com/other' } });
  });

  it.each(
    TYPES.flatMap((type) => {
      const required: Record<string, readonly string[]> = {
        PAGER_DUTY: ['serviceKey'],
        SLACK: ['apiToken', 'teamName'],
        OPS_GENIE: ['apiKey', 'region'],
        VICTOR_OPS: ['apiKey'],
        WEBHOOK: ['url'],
        MICROSOFT_TEAMS: ['microsoftTeamsWebhookUrl'],
        PROMETHEUS: ['username', 'password', 'listenAddress', 'serviceDiscovery', 'scheme', 'enabled', 'tlsPemPath'],
      };
      return (required[type] ?? []).map((field) => [type, field] as const);
    }),
  )('refuses %s without %s with MISSING_ATTRIBUTE', async (type, field) => {
    const { [field]: _dropped, ...body } = wireBody(type, 'missing');
    const reply = await w.call('PUT', one(EMPTY_GROUP, type), body);
    expect(reply.status).toBe(400);
    expect(apiError(reply)).toMatchObject({ error: 400, errorCode: 'MISSING_ATTRIBUTE', parameters: [field], reason: 'Bad Request' });
    expect(writer.storedIntegration(EMPTY_GROUP, type)).toBeUndefined();
  });

  it.each([
    ['a type that differs from the path', { ...wireBody('PAGER_DUTY', 'x'), type: 'SLACK' }, 'INVALID_ATTRIBUTE', 'type'],
    ['an unknown attribute', { ...wireBody('PAGER_DUTY', 'x'), colour: 'blue' }, 'INVALID_ATTRIBUTE', 'colour'],
    ['a number where a string belongs', { type: 'PAGER_DUTY', serviceKey: 42 }, 'INVALID_ATTRIBUTE', 'serviceKey'],
    ['no type', { serviceKey: 'abcdefabcdef' }, 'MISSING_ATTRIBUTE', 'type'],
  ] as const)('refuses %s', async (_label, body, code, parameter) => {
    const reply = await w.call('POST', one(EMPTY_GROUP, 'PAGER_DUTY'), body);
    expect(reply.status).toBe(400);
    expect(apiError(reply)).toMatchObject({ errorCode: code, parameters: [parameter] });
  });

  it('refuses malformed JSON, bad enum values, and a too-long Slack channel', async () => {
    expect(apiError(await w.call('POST', one(EMPTY_GROUP, 'PAGER_DUTY'), '{"type":')).errorCode).toBe('INVALID_JSON');
    expect(apiError(await w.call('POST', one(EMPTY_GROUP, 'OPS_GENIE'), { ...wireBody('OPS_GENIE', 'x'), region: 'APAC' })).parameters).toEqual(['region']);
    expect(apiError(await w.call('POST', one(EMPTY_GROUP, 'SLACK'), { ...wireBody('SLACK', 'x'), channelName: 'c'.repeat(81) })).parameters).toEqual(['channelName']);
    expect(apiError(await w.call('POST', one(EMPTY_GROUP, 'WEBHOOK'), { type: 'WEBHOOK', url: 'not a url' })).parameters).toEqual(['url']);
  });

  it('refuses writing the end-of-life NEW_RELIC type', async () => {
    const reply = await w.call('PUT', one(EMPTY_GROUP, 'NEW_RELIC'), { type: 'NEW_RELIC' });
    expect(reply.status).toBe(400);
    expect(apiError(reply).errorCode).toBe('UNSUPPORTED_INTEGRATION_TYPE');
  });

  it('DELETE answers 204 without a body, then 404 INTEGRATION_NOT_CONFIGURED', async () => {
    const gone = await w.call('DELETE', one(PAYMENTS, 'PAGER_DUTY'));
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
    expect(writer.storedTypes(PAYMENTS)).toEqual([]);
    const again = await w.call('DELETE', one(PAYMENTS, 'PAGER_DUTY'));
    expect(again.status).toBe(404);
    expect(apiError(again).errorCode).toBe('INTEGRATION_NOT_CONFIGURED');
  });

  it('POST /__simulator/reset restores the seed', async () => {
    await w.call('DELETE', one(PAYMENTS, 'PAGER_DUTY'));
    const reset = await fetch(`${writer.server.baseUrl}/__simulator/reset`, { method: 'POST' });
    expect(reset.status).toBe(204);
    expect(writer.storedTypes(PAYMENTS)).toEqual(['PAGER_DUTY']);
  });
});

describe('Slack through the API', () => {
  it('cannot be created from nothing (documented: set up in the UI first), only reconfigured', async () => {
    const create = await raw.call('POST', one(SEARCH, 'SLACK'), wireBody('SLACK', 'new'));
    expect(create.status).toBe(400);
    expect(apiError(create).errorCode).toBe('SLACK_OAUTH_REQUIRED');
    const upsertMissing = await raw.call('PUT', one(SEARCH, 'SLACK'), wireBody('SLACK', 'new'));
    expect(upsertMissing.status).toBe(400);
    const reconfigure = await raw.call('PUT', one(PAYMENTS, 'SLACK'), wireBody('SLACK', 'new'));
    expect(reconfigure.status).toBe(200);
    expect(sim.storedIntegration(PAYMENTS, 'SLACK')?.fields['apiToken']).toBe(wireBody('SLACK', 'new')['apiToken']);
  });
});

describe('rate limits', () => {
  it('sends RateLimit-* headers and answers 429 RATE_LIMITED with Retry-After once the window is used up', async () => {
    let now = 5_000_000;
    const limited = createMongoDbSimulator({ rateLimit: { limit: 2, windowMs: 60_000 }, now: () => now });
    await limited.server.listen();
    try {
      const client = new RawDigest(limited.server.baseUrl, 'k', 'p');
      const first = await client.call('GET', list(PAYMENTS));
      expect(first.headers.get('ratelimit-limit')).toBe('2');
      expect(first.headers.get('ratelimit-remaining')).toBe('1');
      expect((await client.call('GET', list(PAYMENTS))).headers.get('ratelimit-remaining')).toBe('0');
      now += 15_000;
      const refused = await client.call('GET', list(PAYMENTS));
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('45');
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(apiError(refused)).toMatchObject({ error: 429, errorCode: 'RATE_LIMITED', reason: 'Too Many Requests' });
      now += 45_000;
      expect((await client.call('GET', list(PAYMENTS))).status).toBe(200);
    } finally {
      await limited.server.close();
    }
  });
});

describe('control surface', () => {
  it('logs requests (challenges included) and applies faults before authentication', async () => {
    sim.server.clearRequests();
    await raw.call('GET', list(PAYMENTS));
    expect(sim.server.requests.map((r) => r.headerNames.includes('authorization'))).toEqual([false, true]);
    sim.server.addFault({ match: { method: 'GET', path: '/integrations$' }, times: 1, response: { status: 503, body: { error: 503 } } });
    expect((await raw.call('GET', list(PAYMENTS))).status).toBe(503);
  });
});
