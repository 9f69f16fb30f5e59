import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountRef } from '../../src/core/domain.js';
import { VendorAuthError, VendorContractError, VendorRateLimitedError, VendorUnavailableError } from '../../src/core/errors.js';
import { createDispatcher } from '../../src/core/http/dispatcher.js';
import { VendorHttp } from '../../src/core/http/vendor-http.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { OPSRAMP_SEED_IDS } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import { createOpsRampClient, type OpsRampClient } from '../../src/vendors/opsramp/client.js';
import { parseOpsRampError } from '../../src/vendors/opsramp/errors.js';
import { API, CLIENT_ID, CLIENT_SECRET, TENANT, TOKEN_PATH, apiCalls, calls, tokenCalls } from './support.js';

/*
 * The OAuth2 strategy against the simulator, with one clock shared by both sides so that token
 * lifetimes pass without sleeping.
 */

const REF: AccountRef = { key: 'or-oauth', vendor: 'opsramp', displayName: 'OpsRamp', baseUrl: 'http://unused' };
const JIRA = `${API}/installed/${OPSRAMP_SEED_IDS.jira}`;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let dispatcher: Dispatcher;
let now = 0;
const clock = () => now;

/** A simulator on an ephemeral port; closed by the test that started it. */
async function simulator(options: Parameters<typeof createOpsRampSimulator>[0] = {}): Promise<OpsRampSimulator> {
  const sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT, now: clock, rateLimits: false, ...options });
  await sim.server.listen();
  return sim;
}

function client(sim: OpsRampSimulator, secret = CLIENT_SECRET): { client: OpsRampClient; lines: string[] } {
  const logger = createMemoryLogger();
  const built = createOpsRampClient(
    REF,
    { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: secret },
    (auth) => new VendorHttp({ vendor: 'opsramp', vendorName: 'OpsRamp', account: REF.key, baseUrl: sim.server.baseUrl, dispatcher, auth, parseError: parseOpsRampError, logger }),
    clock,
  );
  return { client: built, lines: logger.lines };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

let sim: OpsRampSimulator;

beforeAll(async () => {
  dispatcher = createDispatcher();
  sim = await simulator();
});
afterAll(async () => {
  await sim.server.close();
  await dispatcher.close();
});
beforeEach(() => {
  now = Date.UTC(2026, 2, 1, 8, 0, 0);
  sim.server.reset();
});

describe('bearer token cache', () => {
  it('asks for one token however many calls run at once', async () => {
    const { client: c } = client(sim);
    const results = await Promise.all(Array.from({ length: 10 }, () => c.get({}, OPSRAMP_SEED_IDS.jira)));
    expect(results.every((r) => r.installedId === OPSRAMP_SEED_IDS.jira)).toBe(true);
    expect(tokenCalls(sim)).toBe(1);
    expect(apiCalls(sim)).toHaveLength(10);
    expect(calls(sim)[0]).toBe(`POST ${TOKEN_PATH}`);
    expect(sim.server.requests.filter((r) => r.path === JIRA).every((r) => r.headerNames.includes('authorization'))).toBe(true);
  });

  it('reuses the token until shortly before expires_in, then gets a new one without being refused', async () => {
    const { client: c } = client(sim);
    await c.get({}, OPSRAMP_SEED_IDS.jira);
    now += (7199 - 61) * 1000;
    await c.searchInstalled({});
    expect(tokenCalls(sim)).toBe(1);
    now += 2_000;
    await c.get({}, OPSRAMP_SEED_IDS.jira);
    expect(tokenCalls(sim)).toBe(2);
    // No call was refused and sent again: three API calls for three operations.
    expect(apiCalls(sim)).toHaveLength(3);
  });

  it('scales the renewal margin down for short-lived tokens', async () => {
    const short = await simulator({ tokenTtlSeconds: 20 });
    try {
      const { client: c } = client(short);
      await c.get({}, OPSRAMP_SEED_IDS.jira);
      now += 17_000;
      await c.get({}, OPSRAMP_SEED_IDS.jira);
      expect(tokenCalls(short)).toBe(1);
      now += 2_000;
      await c.get({}, OPSRAMP_SEED_IDS.jira);
      expect(tokenCalls(short)).toBe(2);
      expect(apiCalls(short)).toHaveLength(3);
    } finally {
      await short.server.close();
    }
  });

  it('accepts expires_in as a string, as the schema types it', async () => {
    sim.server.addFault({
      match: { method: 'POST', path: TOKEN_PATH },
      times: 1,
      response: { status: 200, body: { access_token: 'fake-token-that-the-api-refuses', token_type: 'bearer', expires_in: '7199', scope: 'global:manage' } },
    });
    const { client: c } = client(sim);
    // The faked token is unknown to the simulator: refused once, renewed, and the call succeeds.
    const result = await c.get({}, OPSRAMP_SEED_IDS.jira);
    expect(result.installedId).toBe(OPSRAMP_SEED_IDS.jira);
    expect(calls(sim)).toEqual([`POST ${TOKEN_PATH}`, `GET ${JIRA}`, `POST ${TOKEN_PATH}`, `GET ${JIRA}`]);
  });
});

describe('renewal after a refusal', () => {
  it('renews once on a 401 for an expired token and sends the call again', async () => {
    const { client: c } = client(sim);
    await c.get({}, OPSRAMP_SEED_IDS.jira);
    sim.expireTokens();
    sim.server.clearRequests();
    const result = await c.get({}, OPSRAMP_SEED_IDS.jira);
    expect(result.installedId).toBe(OPSRAMP_SEED_IDS.jira);
    expect(calls(sim)).toEqual([`GET ${JIRA}`, `POST ${TOKEN_PATH}`, `GET ${JIRA}`]);
  });

  it('renews on a 407 ("token expired") too', async () => {
    const proxyStyle = await simulator({ expiredTokenStatus: 407 });
    try {
      const { client: c } = client(proxyStyle);
      await c.get({}, OPSRAMP_SEED_IDS.jira);
      proxyStyle.expireTokens();
      proxyStyle.server.clearRequests();
      await c.get({}, OPSRAMP_SEED_IDS.jira);
      expect(calls(proxyStyle)).toEqual([`GET ${JIRA}`, `POST ${TOKEN_PATH}`, `GET ${JIRA}`]);
    } finally {
      await proxyStyle.server.close();
    }
  });

  it('shares one renewal between calls refused at the same time', async () => {
    const { client: c } = client(sim);
    await c.get({}, OPSRAMP_SEED_IDS.jira);
    sim.expireTokens();
    sim.server.clearRequests();
    await Promise.all(Array.from({ length: 5 }, () => c.get({}, OPSRAMP_SEED_IDS.jira)));
    expect(tokenCalls(sim)).toBe(1);
    expect(apiCalls(sim)).toHaveLength(10);
  });

  it('gives up with VendorAuthError when the renewed token is refused too', async () => {
    const { client: c } = client(sim);
    sim.server.addFault({ match: { method: 'GET', path: JIRA }, times: 2, response: { status: 401, body: { error: 'invalid_token', error_description: 'Access token expired' } } });
    const error = await failure(c.get({}, OPSRAMP_SEED_IDS.jira));
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(calls(sim)).toEqual([`POST ${TOKEN_PATH}`, `GET ${JIRA}`, `POST ${TOKEN_PATH}`, `GET ${JIRA}`]);
  });
});

describe('token endpoint failures', () => {
  it('turns bad client credentials into VendorAuthError without calling the API', async () => {
    const { client: c, lines } = client(sim, 'not-the-secret-0x9');
    const error = await failure(c.get({}, OPSRAMP_SEED_IDS.jira));
    expect(error).toBeInstanceOf(VendorAuthError);
    expect((error as VendorAuthError).facts).toMatchObject({ httpStatus: 401, vendorCode: 'unauthorized' });
    expect(String((error as Error).message)).not.toContain('not-the-secret-0x9');
    expect(calls(sim)).toEqual([`POST ${TOKEN_PATH}`]);
    expect(lines.join('\n')).not.toContain('not-the-secret-0x9');
  });

  it('reads a 400 from the token endpoint as an authentication failure', async () => {
    sim.server.addFault({ match: { path: TOKEN_PATH }, times: 1, response: { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: user_password' } } });
    const error = await failure(client(sim).client.get({}, OPSRAMP_SEED_IDS.jira));
    expect(error).toBeInstanceOf(VendorAuthError);
    expect((error as VendorAuthError).facts.vendorCode).toBe('unsupported_grant_type');
  });

  it('maps a throttled, failing or non-conforming token endpoint to typed errors, and caches no failure', async () => {
    sim.server.addFault({
      match: { path: TOKEN_PATH },
      times: 1,
      response: { status: 429, headers: { 'X-RateLimit-Reset': '30' }, body: { error: 'throttled', error_description: 'Too Many Requests' } },
    });
    const throttled = await failure(client(sim).client.get({}, OPSRAMP_SEED_IDS.jira));
    expect(throttled).toBeInstanceOf(VendorRateLimitedError);
    expect((throttled as VendorRateLimitedError).facts.retryAfterSeconds).toBe(30);
    // A throttled client waits out OpsRamp's window (the HTTP layer's quota gate): go on with another.
    const { client: c } = client(sim);
    sim.server.addFault({ match: { path: TOKEN_PATH }, times: 1, response: { status: 503, body: 'upstream down' } });
    expect(await failure(c.get({}, OPSRAMP_SEED_IDS.jira))).toBeInstanceOf(VendorUnavailableError);
    sim.server.addFault({ match: { path: TOKEN_PATH }, times: 1, action: 'malformed' });
    expect(await failure(c.get({}, OPSRAMP_SEED_IDS.jira))).toBeInstanceOf(VendorContractError);
    sim.server.addFault({ match: { path: TOKEN_PATH }, times: 1, response: { status: 200, body: { access_token: 'abc', token_type: 'mac', expires_in: 60 } } });
    expect(await failure(c.get({}, OPSRAMP_SEED_IDS.jira))).toBeInstanceOf(VendorContractError);
    expect(apiCalls(sim)).toEqual([]);
    const result = await c.get({}, OPSRAMP_SEED_IDS.jira);
    expect(result.installedId).toBe(OPSRAMP_SEED_IDS.jira);
    expect(tokenCalls(sim)).toBe(5);
  });

  it('never logs the token or the client secret', async () => {
    const { client: c, lines } = client(sim);
    await c.get({}, OPSRAMP_SEED_IDS.jira);
    sim.expireTokens();
    await c.get({}, OPSRAMP_SEED_IDS.jira);
    sim.server.addFault({ match: { path: JIRA }, times: 1, action: 'reset' });
    sim.server.addFault({ match: { path: TOKEN_PATH }, times: 1, response: { status: 401, body: { error: 'unauthorized', error_description: `Bad API credentials ${CLIENT_SECRET}` } } });
    sim.expireTokens();
    await failure(c.get({}, OPSRAMP_SEED_IDS.jira));
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toMatch(UUID);
    expect(text.toLowerCase()).not.toContain('bearer');
  });
});
