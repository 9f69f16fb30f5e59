import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHRONOSPHERE_SEED_SLUGS as S } from '../../src/simulators/chronosphere/seed.js';
import { CONNECTIONS, CREATE, DELETE, LIST, READ, TOKEN, UPDATE, closedPort, csId, field, requestsSince, startRig, type Rig } from './support.js';

/*
 * Every error a Chronosphere call can produce, through GraphQL: the statuses the swagger declares
 * (400, 404, 409, 500), what its `default` genericError covers (401, 403, 429, 502/503), refused
 * connections, resets, timeouts and bodies that break the contract; then our own input validation.
 */

let rig: Rig;
let downPort: number;

beforeAll(async () => {
  downPort = await closedPort();
  rig = await startRig({
    extraAccounts: (baseUrl) => [
      { id: 'cs-wrong', vendor: 'chronosphere', baseUrl, apiToken: 'not-the-token' },
      { id: 'cs-down', vendor: 'chronosphere', baseUrl: `http://127.0.0.1:${downPort}`, apiToken: TOKEN },
      // Own quota gate, so the learned Retry-After does not hold the main account.
      { id: 'cs-limited', vendor: 'chronosphere', baseUrl, apiToken: TOKEN },
      { id: 'cs-slow', vendor: 'chronosphere', baseUrl, apiToken: TOKEN, callTimeoutMs: 200 },
    ],
  });
});
beforeEach(() => {
  rig.sim.server.reset();
});
afterAll(async () => {
  await rig.close();
});

const SENDGRID = { sendgrid: { apiKey: 'SG.made-up-error-tests' } };
const createIn = async (account: string, extra: Record<string, unknown> = {}) =>
  field(await rig.h.gql(CREATE, { input: { account, slug: 'err-new', name: 'Errors', target: SENDGRID, ...extra } }), 'createChronosphereExternalConnection');
const updateIn = async (account: string, extra: Record<string, unknown> = {}) =>
  field(await rig.h.gql(UPDATE, { input: { account, slug: S.sendgridStatus, name: 'Errors', target: SENDGRID, ...extra } }), 'updateChronosphereExternalConnection');
const listIn = async (account: string) => field(await rig.h.gql(LIST, { account }), 'chronosphereExternalConnections');
const readIn = async (account: string, slug: string = S.sendgridStatus) => field(await rig.h.gql(READ, { id: csId(account, slug) }), 'connection');
const deleteIn = async (account: string, slug: string) => field(await rig.h.gql(DELETE, { input: { id: csId(account, slug) } }), 'deleteChronosphereExternalConnection');

function fault(method: string, path: string, status: number, body: unknown, headers?: Record<string, string>) {
  rig.sim.server.addFault({ match: { method, path }, times: 1, response: { status, body, ...(headers ? { headers } : {}) } });
}

const ONE = `^${CONNECTIONS}/[^/]+$`;
const ALL = `^${CONNECTIONS}$`;

describe('authentication (401/403)', () => {
  it('answers VendorAuthError when Chronosphere refuses the token, for reads and writes', async () => {
    const expected = { __typename: 'VendorAuthError', httpStatus: 401, vendorCode: '16', retryable: false, message: 'Chronosphere refused the credentials of account "cs-wrong" (401).' };
    expect(await listIn('cs-wrong')).toMatchObject(expected);
    expect(await createIn('cs-wrong')).toMatchObject(expected);
    expect(rig.sim.stored('err-new')).toBeUndefined();
  });

  it('answers VendorAuthError for a 403 from the auth layer, whatever its body', async () => {
    fault('DELETE', ONE, 403, { error: 'permission denied for external connections' });
    expect(await deleteIn('cs', S.sendgridStatus)).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 403 });
  });
});

describe('declared vendor errors', () => {
  it('400 → VendorValidationError with the vendor message', async () => {
    fault('POST', ALL, 400, { code: 3, message: 'invalid external connection: sendgrid.api_key is not a SendGrid key' });
    expect(await createIn('cs')).toMatchObject({
      __typename: 'VendorValidationError',
      httpStatus: 400,
      vendorCode: '3',
      message: 'Chronosphere refused the input: invalid external connection: sendgrid.api_key is not a SendGrid key',
    });
  });

  it('404 → NotFoundError on read, update and delete', async () => {
    expect(await readIn('cs', 'never-was')).toMatchObject({ __typename: 'NotFoundError' });
    expect(await updateIn('cs', { slug: 'never-was' })).toMatchObject({ __typename: 'NotFoundError' });
    expect(await deleteIn('cs', 'never-was')).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('409 → ConflictError on create (slug exists) and on update (declared, injected)', async () => {
    expect(await createIn('cs', { slug: S.sendgridStatus })).toMatchObject({ __typename: 'ConflictError', httpStatus: 409 });
    fault('PUT', ONE, 409, { code: 10, message: 'concurrent modification' });
    expect(await updateIn('cs')).toMatchObject({ __typename: 'ConflictError', httpStatus: 409, vendorCode: '10', message: 'Chronosphere reports a conflict: concurrent modification' });
  });

  it('500 → VendorUnavailableError (retryable) on every operation', async () => {
    const body = { code: 13, message: 'internal error' };
    const expected = { __typename: 'VendorUnavailableError', httpStatus: 500, retryable: true, message: 'Chronosphere failed with 500.' };
    fault('GET', ALL, 500, body);
    expect(await listIn('cs')).toMatchObject(expected);
    fault('GET', ONE, 500, body);
    expect(await readIn('cs')).toMatchObject(expected);
    fault('POST', ALL, 500, body);
    expect(await createIn('cs')).toMatchObject(expected);
    fault('PUT', ONE, 500, body);
    expect(await updateIn('cs')).toMatchObject(expected);
    fault('DELETE', ONE, 500, body);
    expect(await deleteIn('cs', S.sendgridStatus)).toMatchObject(expected);
  });

  it('503 from a proxy, with an HTML body → VendorUnavailableError', async () => {
    rig.sim.server.addFault({ match: { method: 'PUT', path: ONE }, times: 1, response: { status: 503, headers: { 'content-type': 'text/html' }, body: '<html>Service Unavailable</html>' } });
    expect(await updateIn('cs')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: 503, vendorCode: null });
  });
});

describe('rate limits (429, not documented)', () => {
  it('answers VendorRateLimitedError with the Retry-After it was given', async () => {
    fault('POST', ALL, 429, { code: 8, message: 'rate limit exceeded' }, { 'retry-after': '7' });
    expect(await createIn('cs-limited')).toMatchObject({ __typename: 'VendorRateLimitedError', httpStatus: 429, retryable: true, retryAfterSeconds: 7 });
    expect(rig.sim.stored('err-new')).toBeUndefined();
  });
});

describe('transport failures', () => {
  it('a refused connection → VendorUnavailableError, for reads and writes', async () => {
    expect(await listIn('cs-down')).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: null, message: 'Chronosphere could not be reached.' });
    // Nothing was sent, so even a create is safely "unavailable", not "outcome unknown".
    expect(await createIn('cs-down')).toMatchObject({ __typename: 'VendorUnavailableError', message: 'Chronosphere could not be reached.' });
  });

  it('a reset after a create was sent → OutcomeUnknownError with what to check', async () => {
    rig.sim.server.addFault({ match: { method: 'POST', path: ALL }, times: 1, action: 'reset' });
    expect(await createIn('cs')).toMatchObject({ __typename: 'OutcomeUnknownError', check: expect.stringContaining('Read the resource back from Chronosphere before trying again.') });
  });

  it('a reset on an idempotent PUT or DELETE → VendorUnavailableError', async () => {
    rig.sim.server.addFault({ match: { method: 'PUT', path: ONE }, times: 1, action: 'reset' });
    expect(await updateIn('cs')).toMatchObject({ __typename: 'VendorUnavailableError' });
    rig.sim.server.addFault({ match: { method: 'DELETE', path: ONE }, times: 1, action: 'reset' });
    expect(await deleteIn('cs', S.sendgridStatus)).toMatchObject({ __typename: 'VendorUnavailableError' });
  });

  it('a create that gets no answer in time → OutcomeUnknownError', async () => {
    rig.sim.server.addFault({ match: { method: 'POST', path: ALL }, times: 1, delayMs: 1_000 });
    expect(await createIn('cs-slow')).toMatchObject({ __typename: 'OutcomeUnknownError', message: expect.stringContaining('timed out') });
  });
});

describe('answers that break the contract', () => {
  it('a write answered 200 without the object (and no dry run) → VendorContractError', async () => {
    fault('POST', ALL, 200, {});
    expect(await createIn('cs')).toMatchObject({ __typename: 'VendorContractError', message: 'Chronosphere answered a write without the external connection it stored.' });
  });

  it('malformed or truncated JSON → VendorContractError', async () => {
    rig.sim.server.addFault({ match: { method: 'GET', path: ALL }, times: 1, action: 'malformed' });
    expect(await listIn('cs')).toMatchObject({ __typename: 'VendorContractError' });
    rig.sim.server.addFault({ match: { method: 'PUT', path: ONE }, times: 1, response: { status: 200, body: { external_connection: { name: 'no slug' } } } });
    expect(await updateIn('cs')).toMatchObject({ __typename: 'VendorContractError', message: 'Chronosphere answered 200 with a body that does not match its contract.' });
  });

  it('a status the API never uses → VendorContractError', async () => {
    fault('DELETE', ONE, 302, { code: 0, message: 'moved' });
    expect(await deleteIn('cs', S.sendgridStatus)).toMatchObject({ __typename: 'VendorContractError', httpStatus: 302 });
  });

  it('logs the contract breach without the body: a broken item on the page, or a list that is not one', async () => {
    const before = rig.h.logger.lines.length;
    fault('GET', ALL, 200, { external_connections: [{ name: 'no slug here', sendgrid: { api_key: 'leaky-value-in-body' } }] });
    expect(await listIn('cs')).toMatchObject({
      __typename: 'ChronosphereExternalConnectionPage',
      nodes: [],
      itemFailures: [{ account: { key: 'cs' }, part: null, vendorId: null, error: { __typename: 'VendorContractError' } }],
    });
    fault('GET', ALL, 200, { external_connections: { slug: 'not-a-list', name: 'leaky-value-in-body' } });
    expect(await listIn('cs')).toMatchObject({ __typename: 'VendorContractError' });
    const lines = rig.h.logger.lines.slice(before).join('\n');
    expect(lines).toContain('vendor answer breaks its contract');
    expect(lines).toContain('[0].slug: invalid_type');
    expect(lines).not.toContain('leaky-value-in-body');
  });
});

describe('our own validation (no vendor call)', () => {
  const cases: readonly [string, Record<string, unknown>, readonly (readonly string[])[]][] = [
    ['an empty name', { name: '  ' }, [['name']]],
    ['a bad slug', { slug: 'has space' }, [['slug']]],
    ['a non-URL Slack URL', { target: { slack: { apiUrl: 'hooks.slack.com/x' } } }, [['target', 'slack', 'apiUrl']]],
    ['a Slack connection with neither URL nor token', { target: { slack: {} } }, [['target', 'slack']]],
    ['an ftp webhook', { target: { webhook: { url: 'ftp://files.example/x' } } }, [['target', 'webhook', 'url']]],
    [
      'basic auth and a bearer token together',
      { target: { webhook: { url: 'https://h.example', httpConfig: { basicAuth: { username: 'u', password: 'p' }, bearerToken: 't' } } } },
      [['target', 'webhook', 'httpConfig']],
    ],
    [
      'an empty basic-auth user',
      { target: { opsGenie: { apiKey: 'k', httpConfig: { basicAuth: { username: '', password: 'p' } } } } },
      [['target', 'opsGenie', 'httpConfig', 'basicAuth', 'username']],
    ],
    ['an UNKNOWN events version', { target: { pagerduty: { events: { apiKey: 'k', version: 'UNKNOWN' } } } }, [['target', 'pagerduty', 'events', 'version']]],
    ['a Cloudflare global API key', { target: { cloudflare: { apiToken: 'a1b2c3d4e5f6' } } }, [['target', 'cloudflare', 'apiToken']]],
    ['a Datadog site that is not a host', { target: { datadog: { apiKey: 'a', appKey: 'b', site: 'https://datadoghq.com' } } }, [['target', 'datadog', 'site']]],
    ['a control character in a secret', { target: { sendgrid: { apiKey: 'SG.bad\nkey' } } }, [['target', 'sendgrid', 'apiKey']]],
    [
      'an empty VictorOps key and a bad URL',
      { target: { victorOps: { apiKey: '', apiUrl: 'nope' } } },
      [
        ['target', 'victorOps', 'apiKey'],
        ['target', 'victorOps', 'apiUrl'],
      ],
    ],
    [
      'the masked value as a password',
      { target: { webhook: { url: 'https://h.example', httpConfig: { basicAuth: { username: 'u', password: '**REDACTED**' } } } } },
      [['target', 'webhook', 'httpConfig', 'basicAuth', 'password']],
    ],
  ];

  it.each(cases)('refuses %s with InputValidationError listing the fields', async (_, change, paths) => {
    const from = rig.sim.server.requests.length;
    const result = field(await rig.h.gql(CREATE, { input: { account: 'cs', slug: 'valid-slug', name: 'Valid', target: SENDGRID, ...change } }), 'createChronosphereExternalConnection');
    expect(result['__typename']).toBe('InputValidationError');
    expect((result['fieldErrors'] as { path: string[] }[]).map((e) => e.path)).toEqual(paths);
    expect(requestsSince(rig.sim, from)).toHaveLength(0);
  });

  it('refuses a bad slug and a bad target of an update together', async () => {
    const from = rig.sim.server.requests.length;
    const result = await updateIn('cs', { slug: '../etc', target: { cloudflare: { apiToken: 'nope' } } });
    expect(result).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['slug'] }, { path: ['target', 'cloudflare', 'apiToken'] }] });
    expect(requestsSince(rig.sim, from)).toHaveLength(0);
  });

  it('refuses an unknown account', async () => {
    expect(await createIn('nope')).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['account'] }] });
  });

  it('leaves two target types to GraphQL @oneOf, which refuses the document', async () => {
    const result = await rig.h.gql(CREATE, { input: { account: 'cs', name: 'x', target: { sendgrid: { apiKey: 'a' }, cloudflare: { apiToken: 'cfat_b' } } } });
    expect(result.errors?.[0]?.message).toContain('Exactly one key must be specified for OneOf type "ChronosphereConnectionTargetInput"');
    expect(result.data).toBeUndefined();
  });
});
