import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/simulators/base.js';
import { CORTEX_SEED_CONFIGURATION } from '../../src/simulators/cortex/seed.js';
import { createCortexSimulator, type CortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { ADD, CONNECTION, DELETE, REPLACE, VALIDATE, configurationId, field } from './support.js';

/*
 * Every error Cortex can produce, through GraphQL. The HTTP layer's own retries and breaker are
 * turned off here (one attempt, a clock that never really sleeps) so that each vendor answer maps
 * straight to its typed result; their behaviour is tested with the HTTP layer.
 */

const ACCOUNT = 'cortex-errors';
const TOKEN = 'PdErrCanary-4Kx9Qm2Z';
const PATH = '/api/v1/pagerduty';

let sim: CortexSimulator;
let strict: CortexSimulator;
let limited: CortexSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createCortexSimulator();
  strict = createCortexSimulator({ token: 'the-right-key', forbiddenTokens: ['key-without-permission'] });
  limited = createCortexSimulator({ rateLimitPerMinute: 1 });
  const [baseUrl, strictUrl, limitedUrl] = await Promise.all([sim.server.listen(), strict.server.listen(), limited.server.listen()]);
  // A port that was just freed: connections to it are refused.
  const gone = createCortexSimulator();
  const goneUrl = await gone.server.listen();
  await gone.server.close();
  h = await startHarness({
    accounts: [
      { id: ACCOUNT, vendor: 'cortex', baseUrl, token: 'any-key' },
      { id: 'cortex-slow', vendor: 'cortex', baseUrl, token: 'any-key', callTimeoutMs: 300 },
      { id: 'cortex-wrong-key', vendor: 'cortex', baseUrl: strictUrl, token: 'not-the-right-key' },
      { id: 'cortex-no-permission', vendor: 'cortex', baseUrl: strictUrl, token: 'key-without-permission' },
      { id: 'cortex-limited', vendor: 'cortex', baseUrl: limitedUrl, token: 'any-key' },
      { id: 'cortex-down', vendor: 'cortex', baseUrl: goneUrl, token: 'any-key' },
    ],
    gateway: { requestDeadlineMs: 120_000 },
    resilience: {
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      breaker: { consecutiveFailures: 1_000_000, halfOpenAfterMs: 1 },
      clock: { now: () => Date.now(), sleep: async () => {} },
    },
  });
});
afterAll(async () => {
  await h.close();
  await Promise.all([sim.server.close(), strict.server.close(), limited.server.close()]);
});
beforeEach(() => {
  sim.server.reset();
  strict.server.reset();
  limited.server.reset();
});

type Operation = 'add' | 'replace' | 'validate' | 'delete' | 'read';

/** Runs one operation against `account` and returns its result object. */
async function run(operation: Operation, account = ACCOUNT): Promise<Record<string, unknown>> {
  switch (operation) {
    case 'add':
      return field(await h.gql(ADD, { input: { account, token: TOKEN, isTokenReadonly: true } }), 'addCortexPagerDutyConfiguration');
    case 'replace':
      return field(await h.gql(REPLACE, { input: { account, token: TOKEN, isTokenReadonly: true } }), 'replaceCortexPagerDutyConfiguration');
    case 'validate':
      return field(await h.gql(VALIDATE, { input: { account } }), 'validateCortexPagerDutyConfiguration');
    case 'delete':
      return field(await h.gql(DELETE, { input: { account } }), 'deleteCortexPagerDutyConfiguration');
    case 'read':
      return field(await h.gql(CONNECTION, { id: configurationId(account) }), 'connection');
  }
}

const ROUTES: Record<Operation, { method: string; path: string }> = {
  add: { method: 'POST', path: '/configuration$' },
  replace: { method: 'PUT', path: '/configuration$' },
  validate: { method: 'POST', path: '/configuration/validate$' },
  delete: { method: 'DELETE', path: '/configurations$' },
  read: { method: 'GET', path: '/default-configuration$' },
};

function fault(operation: Operation, response: NonNullable<FaultSpec['response']>): void {
  sim.server.addFault({ match: ROUTES[operation], times: 1, response });
}

function errorBody(type: string, message: string, status: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, message, httpStatus: status, requestId: 'b6f0c7de-5f4e-4a43-9a8b-3f1d2c0e9a71', ...extra };
}

describe('ErrorResponse bodies', () => {
  it('maps 400 to VendorValidationError with the type as vendor code, for every operation that declares it', async () => {
    // GET declares a 400 too, but `connection` cannot return VendorValidationError (not a read error).
    for (const operation of ['add', 'replace', 'delete'] as const) {
      fault(operation, { status: 400, body: errorBody('BAD_REQUEST', 'Request could not be processed.', 400, { details: 'at com.cortex.api.Stack(Internal.kt:42)' }) });
      const result = await run(operation);
      expect(result, operation).toMatchObject({
        __typename: 'VendorValidationError',
        vendor: 'CORTEX',
        errorAccount: ACCOUNT,
        httpStatus: 400,
        vendorCode: 'BAD_REQUEST',
        retryable: false,
        fieldErrors: [],
      });
      expect(result['message']).toBe('Cortex refused the input: Request could not be processed.');
      expect(JSON.stringify(result)).not.toContain('Internal.kt');
    }
  });

  it('maps a real refused key (401) and a key without the permission (403 FORBIDDEN) to VendorAuthError', async () => {
    for (const operation of ['add', 'replace', 'validate', 'delete', 'read'] as const) {
      expect(await run(operation, 'cortex-wrong-key'), operation).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 401, vendorCode: null, retryable: false });
      expect(await run(operation, 'cortex-no-permission'), operation).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 403, vendorCode: 'FORBIDDEN' });
    }
    expect(strict.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);
  });

  it('treats INTEGRATION_* refusals as PagerDuty refusing the token, not Cortex refusing the account', async () => {
    fault('replace', { status: 403, body: errorBody('INTEGRATION_FORBIDDEN', 'PagerDuty returned 403', 403, { gatewayHttpStatus: 403 }) });
    expect(await run('replace')).toMatchObject({
      __typename: 'VendorValidationError',
      httpStatus: 403,
      vendorCode: 'INTEGRATION_FORBIDDEN',
      fieldErrors: [{ path: ['token'], message: 'was refused by PagerDuty' }],
    });
    fault('validate', { status: 401, body: errorBody('INTEGRATION_UNAUTHORIZED', 'PagerDuty returned 401', 401, { gatewayHttpStatus: 401 }) });
    const validated = await run('validate');
    expect(validated).toMatchObject({ __typename: 'VendorValidationError', httpStatus: 401, vendorCode: 'INTEGRATION_UNAUTHORIZED', fieldErrors: [] });
    expect(validated['message']).toContain('PagerDuty refused it');
  });

  it('maps 404 to NotFoundError, 409 to ConflictError and 5xx to VendorUnavailableError', async () => {
    fault('replace', { status: 404, body: errorBody('NOT_FOUND', 'Configuration not found', 404) });
    expect(await run('replace')).toMatchObject({ __typename: 'NotFoundError', message: `Cortex account "${ACCOUNT}" has no PagerDuty configuration.` });

    fault('replace', { status: 409, body: errorBody('CONFLICT', 'Configuration is being changed', 409) });
    expect(await run('replace')).toMatchObject({ __typename: 'ConflictError', httpStatus: 409, vendorCode: 'CONFLICT', message: 'Cortex reports a conflict: Configuration is being changed' });

    fault('validate', { status: 502, body: errorBody('INTEGRATION_BAD_GATEWAY', 'PagerDuty did not answer', 502, { gatewayHttpStatus: 504 }) });
    expect(await run('validate')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: 502, vendorCode: 'INTEGRATION_BAD_GATEWAY', retryable: true });

    for (const operation of ['add', 'read'] as const) {
      fault(operation, { status: 500, body: errorBody('UNHANDLED_EXCEPTION', 'Something went wrong', 500) });
      expect(await run(operation), operation).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: 500, vendorCode: 'UNHANDLED_EXCEPTION', retryable: true });
    }
  });

  it('reports a request id from the x-request-id header', async () => {
    fault('delete', { status: 503, headers: { 'x-request-id': 'req-7f3a91' }, body: errorBody('INTEGRATION_UNAVAILABLE', 'try later', 503) });
    expect(await run('delete')).toMatchObject({ __typename: 'VendorUnavailableError', vendorRequestId: 'req-7f3a91' });
    expect(sim.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);
  });
});

describe('429 as application/problem+json', () => {
  it('takes retryAfterSeconds from the problem body’s retryAfter, with the type URI as vendor code', async () => {
    fault('validate', {
      status: 429,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '7' },
      body: {
        type: 'https://api.getcortexapp.com/problems/rate-limited',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Slow down',
        instance: '/api/v1/pagerduty/configuration/validate',
        retryAfter: 7,
      },
    });
    expect(await run('validate')).toMatchObject({
      __typename: 'VendorRateLimitedError',
      vendor: 'CORTEX',
      errorAccount: ACCOUNT,
      httpStatus: 429,
      vendorCode: 'https://api.getcortexapp.com/problems/rate-limited',
      retryable: true,
      retryAfterSeconds: 7,
    });
  });

  it('falls back to the Retry-After header when the body has no retryAfter', async () => {
    for (const operation of ['add', 'replace', 'delete', 'read'] as const) {
      fault(operation, {
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '3' },
        body: { type: 'about:blank', title: 'Too Many Requests', status: 429 },
      });
      expect(await run(operation), operation).toMatchObject({ __typename: 'VendorRateLimitedError', httpStatus: 429, vendorCode: null, retryAfterSeconds: 3 });
    }
  });

  it('passes on the simulator’s own per-minute limit', async () => {
    expect(await run('validate', 'cortex-limited')).toMatchObject({ __typename: 'ValidateCortexPagerDutyConfigurationPayload' });
    const limitedResult = await run('validate', 'cortex-limited');
    expect(limitedResult).toMatchObject({ __typename: 'VendorRateLimitedError', httpStatus: 429, retryable: true });
    expect(limitedResult['retryAfterSeconds']).toBeGreaterThanOrEqual(1);
    expect(limitedResult['retryAfterSeconds']).toBeLessThanOrEqual(60);
    expect(limited.server.requests).toHaveLength(2);
  });
});

describe('transport failures and contract breaches', () => {
  it('answers VendorUnavailableError when Cortex cannot be reached, without an outcome doubt', async () => {
    for (const operation of ['add', 'validate', 'read'] as const) {
      expect(await run(operation, 'cortex-down'), operation).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null, retryable: true });
    }
  });

  it('answers OutcomeUnknownError when a POST is cut off after sending, VendorUnavailableError for PUT', async () => {
    sim.server.addFault({ match: ROUTES.add, times: 1, action: 'reset' });
    const added = await run('add');
    expect(added).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: false });
    expect(added['check']).toMatch(/Read the resource back from Cortex/);
    sim.server.addFault({ match: ROUTES.replace, times: 1, action: 'reset' });
    expect(await run('replace')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null });
  });

  it('answers VendorUnavailableError when Cortex does not answer within the call timeout', async () => {
    sim.server.addFault({ match: ROUTES.delete, times: 1, action: 'hang' });
    expect(await run('delete', 'cortex-slow')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null });
  });

  it('answers VendorContractError for bodies and statuses outside the contract, logging no body', async () => {
    const breaches: [Operation, NonNullable<FaultSpec['response']>][] = [
      ['read', { status: 200, body: { lastFour: 'abcd' } }],
      ['read', { status: 200, body: [{ isTokenReadonly: true, lastFour: 'abcd' }] }],
      ['read', { status: 200, body: { isTokenReadonly: 'yes', lastFour: 'abcd' } }],
      ['read', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"isTokenReadonly": tr' }],
      ['add', { status: 200, body: { configurations: [] } }],
      ['replace', { status: 200, body: { configuration: { isTokenReadonly: true, lastFour: 'abcd' } } }],
      ['validate', { status: 200, body: { configurations: [{ alias: 'default', message: 'ok' }] } }],
      ['delete', { status: 204 }],
      ['validate', { status: 302, headers: { location: 'https://login.example.com' } }],
    ];
    for (const [operation, response] of breaches) {
      fault(operation, response);
      expect(await run(operation), `${operation} ${JSON.stringify(response)}`).toMatchObject({ __typename: 'VendorContractError', vendor: 'CORTEX', retryable: false });
    }
    const logged = h.logger.lines.filter((line) => line.includes('vendor answer breaks its contract'));
    expect(logged.length).toBeGreaterThanOrEqual(breaches.length);
    expect(logged.join('\n')).not.toContain('abcd');
    sim.server.addFault({ match: ROUTES.read, times: 1, action: 'malformed' });
    expect(await run('read')).toMatchObject({ __typename: 'VendorContractError' });
  });

  it('tolerates the contract’s alternatives: nulls in validation results, extra members, an alias', async () => {
    fault('validate', { status: 200, body: { configurations: [{ alias: 'pagerduty', isValid: false, message: null, checkedAt: '2026-01-01T00:00:00Z' }] } });
    expect(await run('validate')).toEqual({
      __typename: 'ValidateCortexPagerDutyConfigurationPayload',
      results: [{ alias: 'pagerduty', isValid: false, message: null }],
    });
    fault('read', { status: 200, body: { isTokenReadonly: false, lastFour: '', tokenType: 'REST' } });
    expect(await run('read')).toMatchObject({ isTokenReadonly: false, token: { field: 'token', isSet: true, lastFour: null } });
    // DELETE may answer with what remains (nothing) instead of what was removed.
    fault('delete', { status: 200, body: { configurations: [] } });
    expect(await run('delete')).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: configurationId(ACCOUNT) });
  });

  it('lists a failing Cortex account under failures while the others still answer', async () => {
    const response = await h.gql(`{ connections(filter: { accounts: ["${ACCOUNT}", "cortex-down"] }) {
      totalCount nodes { ... on CortexPagerDutyConfiguration { account { key } } }
      failures { account { key } error { __typename message } } } }`);
    expect(field(response, 'connections')).toMatchObject({
      totalCount: 1,
      nodes: [{ account: { key: ACCOUNT } }],
      failures: [{ account: { key: 'cortex-down' }, error: { __typename: 'VendorUnavailableError' } }],
    });
  });

  it('never returns or logs the token on any failure path', async () => {
    fault('add', { status: 400, body: errorBody('ILLEGAL_ARGUMENT_ERROR', `bad token ${TOKEN}`, 400) });
    const bodies = [JSON.stringify(await run('add'))];
    sim.server.addFault({ match: ROUTES.add, times: 1, action: 'reset' });
    bodies.push(JSON.stringify(await run('add')));
    bodies.push(JSON.stringify(await run('add', 'cortex-down')));
    bodies.push(JSON.stringify(await run('replace', 'cortex-wrong-key')));
    for (const body of bodies) expect(body).not.toContain(TOKEN);
    expect(h.logger.lines.join('\n')).not.toContain(TOKEN);
    expect(JSON.stringify(await h.store.listAudit({ limit: 1000 }))).not.toContain(TOKEN);
    expect(sim.server.requests.filter((r) => r.path === `${PATH}/configuration`)).toHaveLength(2);
  });
});
