import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPSRAMP_MAX_PAGES } from '../../src/vendors/opsramp/client.js';
import { OPSRAMP_SEED_IDS } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { API, CLIENT_ID, CLIENT_SECRET, CONNECTION, CONNECTIONS, INSTALL, TENANT, TOKEN_PATH, UPDATE, account, apiCalls, calls, field, integrationId, tokenCalls } from './support.js';

/*
 * Every error OpsRamp can produce, through GraphQL, from the simulator's faults. Each scenario
 * uses its own account key: the HTTP layer keeps a quota gate and a circuit breaker per account,
 * and one scenario's 429 or 5xx must not leak into the next.
 */

const JIRA_PATH = `${API}/installed/${OPSRAMP_SEED_IDS.jira}`;
const ACCOUNTS = ['ok', 'e400', 'e401', 'e407', 'e403', 'e404', 'e409', 'e410', 'e429get', 'e429post', 'e500', 'e503', 'contract', 'shape', 'paging', 'reset', 'e405'] as const;

let sim: OpsRampSimulator;
let h: Harness;

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT });
  const baseUrl = await sim.server.listen();
  const refused = `http://127.0.0.1:${await closedPort()}`;
  h = await startHarness({ accounts: [...ACCOUNTS.map((key) => account(key, baseUrl)), account('refused', refused), account('refused-list', refused)] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(() => sim.server.reset());

async function read(accountKey: string): Promise<Record<string, unknown>> {
  return field(await h.gql(CONNECTION, { id: integrationId(accountKey, OPSRAMP_SEED_IDS.jira) }), 'connection');
}

async function rename(accountKey: string): Promise<Record<string, unknown>> {
  return field(await h.gql(UPDATE, { input: { id: integrationId(accountKey, OPSRAMP_SEED_IDS.jira), displayName: 'Renamed' } }), 'updateOpsRampInstalledIntegration');
}

describe('vendor errors become typed results', () => {
  it('400 → VendorValidationError with a sanitised summary', async () => {
    sim.server.addFault({
      match: { method: 'POST', path: JIRA_PATH },
      times: 1,
      response: { status: 400, body: { error: 'invalid_request', error_description: 'displayName rejected for token 6b4a5f03-7d49-4915-9792-2d964806cbd1' } },
    });
    const result = await rename('e400');
    expect(result).toMatchObject({ __typename: 'VendorValidationError', vendor: 'OPSRAMP', errorAccount: 'e400', httpStatus: 400, vendorCode: 'invalid_request', retryable: false });
    expect(result['message']).toBe('OpsRamp refused the input: displayName rejected for token [redacted]');
  });

  it('401 after a renewed token → VendorAuthError (one renewal, no loop)', async () => {
    sim.server.addFault({ match: { method: 'GET', path: JIRA_PATH }, times: 2, response: { status: 401, body: { error: 'invalid_token', error_description: 'Invalid access token: abc' } } });
    const result = await read('e401');
    expect(result).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 401, vendorCode: 'invalid_token', retryable: false });
    expect(calls(sim)).toEqual([`POST ${TOKEN_PATH}`, `GET ${JIRA_PATH}`, `POST ${TOKEN_PATH}`, `GET ${JIRA_PATH}`]);
  });

  it('407 twice → VendorAuthError', async () => {
    sim.server.addFault({ match: { method: 'GET', path: JIRA_PATH }, times: 2, response: { status: 407, body: { error: 'invalid_token', error_description: 'Token expired' } } });
    expect(await read('e407')).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 407 });
    expect(tokenCalls(sim)).toBe(2);
  });

  it('403 → VendorAuthError without renewing the token', async () => {
    sim.server.addFault({ match: { method: 'GET', path: JIRA_PATH }, times: 1, response: { status: 403, body: { error: 'access_denied', error_description: 'Access is denied' } } });
    expect(await read('e403')).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 403, vendorCode: 'access_denied' });
    expect(tokenCalls(sim)).toBe(1);
  });

  it('a wrong client secret → VendorAuthError, and the API is never called', async () => {
    const wrong = await startHarness({ accounts: [account('badsecret', sim.server.baseUrl, { clientSecret: 'wrong-secret-Pq93' })], store: h.store });
    try {
      const result = field(await wrong.gql(CONNECTION, { id: integrationId('badsecret', OPSRAMP_SEED_IDS.jira) }), 'connection');
      expect(result).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 401, vendorCode: 'unauthorized' });
      expect(calls(sim)).toEqual([`POST ${TOKEN_PATH}`]);
      expect(JSON.stringify(result)).not.toContain('wrong-secret-Pq93');
    } finally {
      await wrong.close();
    }
  });

  it('404 → NotFoundError', async () => {
    sim.server.addFault({ match: { method: 'GET', path: JIRA_PATH }, times: 1, response: { status: 404, body: { error: 'not_found', error_description: 'Installed integration not found' } } });
    expect(await read('e404')).toMatchObject({ __typename: 'NotFoundError', resourceId: integrationId('e404', OPSRAMP_SEED_IDS.jira) });
  });

  it('409 → ConflictError', async () => {
    sim.server.addFault({ match: { method: 'POST', path: JIRA_PATH }, times: 1, response: { status: 409, body: { error: 'conflict', error_description: 'Integration is being modified' } } });
    expect(await rename('e409')).toMatchObject({ __typename: 'ConflictError', httpStatus: 409, vendorCode: 'conflict', message: 'OpsRamp reports a conflict: Integration is being modified' });
  });

  it('410 (tenant unavailable or deactivated) → VendorAuthError', async () => {
    sim.server.addFault({ match: { method: 'GET', path: JIRA_PATH }, times: 1, response: { status: 410, body: { error: 'gone', error_description: 'Tenant deactivated' } } });
    const result = await read('e410');
    expect(result).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 410 });
    expect(result['message']).toContain('unavailable or deactivated');
  });

  it('429 on a read → VendorRateLimitedError with the wait from X-RateLimit-Reset (epoch seconds)', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    sim.server.addFault({
      match: { method: 'GET', path: JIRA_PATH },
      times: 1,
      response: {
        status: 429,
        headers: { 'X-RateLimit-Limit': '500', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) },
        body: { error: 'throttled', error_description: 'Too Many Requests' },
      },
    });
    const result = await read('e429get');
    expect(result).toMatchObject({ __typename: 'VendorRateLimitedError', retryable: true });
    expect(result['retryAfterSeconds']).toBeGreaterThanOrEqual(100);
    expect(result['retryAfterSeconds']).toBeLessThanOrEqual(121);
    // The wait is longer than the request may take: no second try is sent.
    expect(apiCalls(sim)).toEqual([`GET ${JIRA_PATH}`]);
  });

  it('429 on a write → VendorRateLimitedError', async () => {
    sim.server.addFault({
      match: { method: 'POST', path: `${API}/install/` },
      times: 1,
      response: { status: 429, headers: { 'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 60) }, body: { error: 'throttled', error_description: 'Too Many Requests' } },
    });
    const result = field(await h.gql(INSTALL, { input: { account: 'e429post', integrationId: 'PAGERDUTY' } }), 'installOpsRampIntegration');
    expect(result).toMatchObject({ __typename: 'VendorRateLimitedError', httpStatus: 429, vendorCode: 'throttled', retryable: true });
    expect(sim.installedIds()).toHaveLength(8);
  });

  it('500 → VendorUnavailableError', async () => {
    sim.server.addFault({ match: { method: 'GET', path: JIRA_PATH }, times: 1, response: { status: 500, body: 'Internal Server Error' } });
    expect(await read('e500')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: 500, retryable: true });
  });

  it('503 on a write → VendorUnavailableError, not retried', async () => {
    sim.server.addFault({ match: { method: 'POST', path: JIRA_PATH }, times: 1, response: { status: 503, body: { error: 'unavailable' } } });
    expect(await rename('e503')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: 503 });
    expect(apiCalls(sim)).toEqual([`POST ${JIRA_PATH}`]);
  });

  it('a refused connection → VendorUnavailableError', async () => {
    expect(await read('refused')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null, errorAccount: 'refused' });
  });

  it('a body that is not JSON, or breaks the contract → VendorContractError', async () => {
    sim.server.addFault({ match: { method: 'GET', path: JIRA_PATH }, times: 1, action: 'malformed' });
    expect(await read('contract')).toMatchObject({ __typename: 'VendorContractError', httpStatus: 200 });
    sim.server.addFault({ match: { method: 'GET', path: JIRA_PATH }, times: 1, response: { status: 200, body: { displayName: 'no id', inboundConfig: 'not an object' } } });
    expect(await read('shape')).toMatchObject({ __typename: 'VendorContractError', httpStatus: 200 });
  });

  it('405 → VendorContractError', async () => {
    sim.server.addFault({ match: { method: 'POST', path: JIRA_PATH }, times: 1, response: { status: 405, body: { error: 'method_not_allowed' } } });
    expect(await rename('e405')).toMatchObject({ __typename: 'VendorContractError', httpStatus: 405 });
  });

  it('a reset after an install was sent → OutcomeUnknownError', async () => {
    sim.server.addFault({ match: { method: 'POST', path: `${API}/install/` }, times: 1, action: 'reset' });
    const result = field(await h.gql(INSTALL, { input: { account: 'reset', integrationId: 'PAGERDUTY' } }), 'installOpsRampIntegration');
    expect(result).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: false });
    expect(result['check']).toContain('Read the resource back');
  });

  it('a search that never ends stops at the page limit and fails only its own account', async () => {
    sim.server.addFault({
      match: { method: 'GET', path: `${API}/installed/search` },
      times: OPSRAMP_MAX_PAGES + 5,
      response: { status: 200, body: { results: [{ id: 'INTG-loop', displayName: 'Again' }], nextPage: true } },
    });
    const page = field(await h.gql(CONNECTIONS, { filter: { accounts: ['paging'] } }), 'connections');
    expect(page['failures']).toEqual([{ account: { key: 'paging' }, error: { __typename: 'VendorContractError', message: expect.stringContaining('50 pages'), httpStatus: 200, vendorCode: null } }]);
    expect(apiCalls(sim)).toHaveLength(OPSRAMP_MAX_PAGES);
    sim.server.clearFaults();
    const both = field(await h.gql(CONNECTIONS, { filter: { accounts: ['ok', 'refused-list'] }, first: 100 }), 'connections');
    expect(both['totalCount']).toBe(8);
    expect(both['failures']).toEqual([{ account: { key: 'refused-list' }, error: expect.objectContaining({ __typename: 'VendorUnavailableError' }) }]);
  });
});
