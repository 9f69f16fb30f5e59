import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CORTEX_SEED_CONFIGURATION } from '../../src/simulators/cortex/seed.js';
import { createCortexSimulator, type CortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { ADD, CONNECTION, DELETE, REPLACE, VALIDATE, configurationId, field } from './support.js';

const ACCOUNT = 'cortex-main';
const CORTEX_KEY = 'ctx-api-key-Jm4Rq8Tz';
/** A distinctive PagerDuty token: it must never come back anywhere. */
const CANARY = 'PdCanary-x7Q2vL9mW4rT';
const SEED_LAST_FOUR = CORTEX_SEED_CONFIGURATION.token.slice(-4);
const PATH = '/api/v1/pagerduty';

let sim: CortexSimulator;
let h: Harness;

beforeAll(async () => {
  // The simulator accepts only this key, so every passing call proves the bearer header is right.
  sim = createCortexSimulator({ token: CORTEX_KEY });
  const baseUrl = await sim.server.listen();
  h = await startHarness({
    accounts: [
      { id: ACCOUNT, vendor: 'cortex', baseUrl, token: CORTEX_KEY },
      { id: 'dd-other', vendor: 'datadog', baseUrl, apiKey: 'k', appKey: 'a' },
    ],
  });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(() => sim.server.reset());

function calls(method: string, path: string): number {
  return sim.server.requests.filter((r) => r.method === method && r.path === `${PATH}${path}`).length;
}

describe('reading the configuration', () => {
  it('reads it by id with the token as a hint built from lastFour', async () => {
    const id = configurationId(ACCOUNT);
    const result = field(await h.gql(CONNECTION, { id }), 'connection');
    expect(result).toEqual({
      __typename: 'CortexPagerDutyConfiguration',
      id,
      vendor: 'CORTEX',
      name: 'PagerDuty',
      service: 'PAGERDUTY',
      createdAt: null,
      updatedAt: null,
      isTokenReadonly: true,
      account: { key: ACCOUNT, vendor: 'CORTEX' },
      token: { field: 'token', isSet: true, lastFour: SEED_LAST_FOUR },
      secrets: [{ field: 'token', isSet: true, lastFour: SEED_LAST_FOUR }],
    });
    expect(sim.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${PATH}/default-configuration`]);
    expect(sim.server.requests[0]?.headerNames).toContain('authorization');
  });

  it('resolves through node() and fetches once per request however often it is asked', async () => {
    const id = configurationId(ACCOUNT);
    const response = await h.gql(
      `query($id: ID!) {
        a: node(id: $id) { __typename ... on CortexPagerDutyConfiguration { isTokenReadonly } }
        b: connection(id: $id) { ... on CortexPagerDutyConfiguration { token { lastFour } } }
        c: connections(filter: { vendors: [CORTEX] }) { totalCount }
      }`,
      { id },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      a: { __typename: 'CortexPagerDutyConfiguration', isTokenReadonly: true },
      b: { token: { lastFour: SEED_LAST_FOUR } },
      c: { totalCount: 1 },
    });
    expect(calls('GET', '/default-configuration')).toBe(1);
  });

  it('lists the one configuration in connections, and nothing once Cortex answers 404', async () => {
    const query = `{ connections(filter: { accounts: ["${ACCOUNT}"] }) {
      totalCount nodes { __typename ... on VendorConnection { id name service } } failures { error { message } } } }`;
    const listed = field(await h.gql(query), 'connections');
    expect(listed).toEqual({
      totalCount: 1,
      nodes: [{ __typename: 'CortexPagerDutyConfiguration', id: configurationId(ACCOUNT), name: 'PagerDuty', service: 'PAGERDUTY' }],
      failures: [],
    });
    await fetch(`${sim.server.baseUrl}${PATH}/configurations`, { method: 'DELETE', headers: { authorization: `Bearer ${CORTEX_KEY}` } });
    expect(field(await h.gql(query), 'connections')).toEqual({ totalCount: 0, nodes: [], failures: [] });
  });

  it('answers NotFoundError when the workspace has no configuration, and for foreign or malformed ids', async () => {
    await fetch(`${sim.server.baseUrl}${PATH}/configurations`, { method: 'DELETE', headers: { authorization: `Bearer ${CORTEX_KEY}` } });
    sim.server.clearRequests();
    for (const id of [configurationId(ACCOUNT), configurationId('no-such-account'), configurationId('dd-other'), configurationId('a/b'), 'not an id']) {
      const result = field(await h.gql(CONNECTION, { id }), 'connection');
      expect(result['__typename'], id).toBe('NotFoundError');
      expect(result['resourceId']).toBe(id);
    }
    expect(sim.server.requests).toHaveLength(1);
    const node = await h.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: configurationId(ACCOUNT) });
    expect(node.errors).toBeUndefined();
    expect(node.data).toEqual({ node: null });
  });
});

describe('writing the configuration', () => {
  it('adds one after the old one is deleted, sending the token once and showing only its last four', async () => {
    const deleted = field(await h.gql(DELETE, { input: { account: ACCOUNT } }), 'deleteCortexPagerDutyConfiguration');
    expect(deleted).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: configurationId(ACCOUNT) });
    expect(sim.storedConfiguration()).toBeNull();

    const response = await h.gql(ADD, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: false } });
    const added = field(response, 'addCortexPagerDutyConfiguration');
    expect(added['configuration']).toMatchObject({
      id: configurationId(ACCOUNT),
      isTokenReadonly: false,
      token: { field: 'token', isSet: true, lastFour: CANARY.slice(-4) },
    });
    expect(sim.storedConfiguration()).toEqual({ token: CANARY, isTokenReadonly: false });
    expect(calls('POST', '/configuration')).toBe(1);
    expect(response.raw).not.toContain(CANARY);
  });

  it('answers ConflictError when adding while one exists, leaving it untouched', async () => {
    const result = field(await h.gql(ADD, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } }), 'addCortexPagerDutyConfiguration');
    expect(result).toMatchObject({ __typename: 'ConflictError', vendor: 'CORTEX', errorAccount: ACCOUNT, httpStatus: 409, vendorCode: 'CONFLICT', retryable: false });
    expect(result['message']).toContain('already exists');
    expect(sim.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);
  });

  it('replaces it, and the next read shows the new flag and last four', async () => {
    const response = await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: false } });
    const replaced = field(response, 'replaceCortexPagerDutyConfiguration');
    expect(replaced['configuration']).toMatchObject({ id: configurationId(ACCOUNT), isTokenReadonly: false, token: { isSet: true, lastFour: CANARY.slice(-4) } });
    expect(sim.storedConfiguration()).toEqual({ token: CANARY, isTokenReadonly: false });
    expect(calls('PUT', '/configuration')).toBe(1);
    expect(response.raw).not.toContain(CANARY);

    const read = field(await h.gql(CONNECTION, { id: configurationId(ACCOUNT) }), 'connection');
    expect(read).toMatchObject({ isTokenReadonly: false, token: { lastFour: CANARY.slice(-4) } });
  });

  it('validates: a good token is valid; one PagerDuty refuses is not, with Cortex’s message', async () => {
    const valid = field(await h.gql(VALIDATE, { input: { account: ACCOUNT } }), 'validateCortexPagerDutyConfiguration');
    expect(valid).toEqual({ __typename: 'ValidateCortexPagerDutyConfigurationPayload', results: [{ alias: null, isValid: true, message: null }] });

    await h.gql(REPLACE, { input: { account: ACCOUNT, token: 'invalid-PdToken-0042', isTokenReadonly: true } });
    const invalid = field(await h.gql(VALIDATE, { input: { account: ACCOUNT } }), 'validateCortexPagerDutyConfiguration');
    const results = invalid['results'] as Record<string, unknown>[];
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ alias: null, isValid: false });
    expect(results[0]?.['message']).toMatch(/PagerDuty rejected the API token/);
    expect(calls('POST', '/configuration/validate')).toBe(2);
  });

  it('answers NotFoundError when validating or deleting with nothing configured', async () => {
    expect(field(await h.gql(DELETE, { input: { account: ACCOUNT } }), 'deleteCortexPagerDutyConfiguration')['deletedId']).toBe(configurationId(ACCOUNT));
    for (const [query, name] of [
      [VALIDATE, 'validateCortexPagerDutyConfiguration'],
      [DELETE, 'deleteCortexPagerDutyConfiguration'],
    ] as const) {
      const result = field(await h.gql(query, { input: { account: ACCOUNT } }), name);
      expect(result['__typename'], name).toBe('NotFoundError');
      expect(result['message']).toBe(`Cortex account "${ACCOUNT}" has no PagerDuty configuration.`);
    }
  });

  it('records every mutation in the audit log with its outcome and target, never the token', async () => {
    await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } });
    await h.gql(ADD, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } });
    await h.gql(VALIDATE, { input: { account: ACCOUNT } });
    const entries = await h.store.listAudit({ limit: 1000 });
    const latest = (operation: string) => entries.find((e) => e.operation === operation);
    expect(latest('replaceCortexPagerDutyConfiguration')).toMatchObject({ account: ACCOUNT, outcome: 'OK', targetId: configurationId(ACCOUNT) });
    expect(latest('addCortexPagerDutyConfiguration')).toMatchObject({ account: ACCOUNT, outcome: 'ConflictError' });
    expect(latest('validateCortexPagerDutyConfiguration')).toMatchObject({ account: ACCOUNT, outcome: 'OK' });
    expect(JSON.stringify(entries)).not.toContain(CANARY);
  });
});

describe('input validation', () => {
  const cases: [Record<string, unknown>, string[][]][] = [
    [{ account: ACCOUNT, token: '', isTokenReadonly: true }, [['token']]],
    [{ account: ACCOUNT, token: `${CANARY}\n`, isTokenReadonly: true }, [['token']]],
    [{ account: ACCOUNT, token: 'two words', isTokenReadonly: true }, [['token']]],
    [{ account: ACCOUNT, token: 'x'.repeat(1025), isTokenReadonly: true }, [['token']]],
    [{ account: 'no-such-account', token: CANARY, isTokenReadonly: true }, [['account']]],
    [{ account: 'dd-other', token: CANARY, isTokenReadonly: true }, [['account']]],
  ];

  it('refuses bad add and replace input with field paths before calling Cortex', async () => {
    for (const [query, name] of [
      [ADD, 'addCortexPagerDutyConfiguration'],
      [REPLACE, 'replaceCortexPagerDutyConfiguration'],
    ] as const) {
      for (const [input, paths] of cases) {
        const response = await h.gql(query, { input });
        const result = field(response, name);
        expect(result['__typename'], JSON.stringify(input).slice(0, 80)).toBe('InputValidationError');
        expect((result['fieldErrors'] as { path: string[] }[]).map((e) => e.path)).toEqual(paths);
        expect(response.raw).not.toContain(CANARY);
      }
    }
    expect(sim.server.requests).toHaveLength(0);
    expect(sim.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);
  });

  it('refuses an unknown account for validate and delete without a call', async () => {
    for (const [query, name] of [
      [VALIDATE, 'validateCortexPagerDutyConfiguration'],
      [DELETE, 'deleteCortexPagerDutyConfiguration'],
    ] as const) {
      const result = field(await h.gql(query, { input: { account: 'dd-other' } }), name);
      expect(result).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['account'] }] });
    }
    expect(sim.server.requests).toHaveLength(0);
  });

  it('leaves a missing isTokenReadonly to GraphQL itself (the input type requires it)', async () => {
    // graphql-js quotes the whole variable value in this message, so no secret is used here.
    const response = await h.gql(ADD, { input: { account: ACCOUNT, token: 'not-a-secret' } });
    expect(response.errors?.[0]?.message).toMatch(/isTokenReadonly/);
    expect(sim.server.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  it('never returns or logs the PagerDuty token or the Cortex key, even when Cortex echoes the token in an error', async () => {
    sim.server.addFault({
      match: { method: 'PUT', path: '/configuration$' },
      times: 1,
      response: { status: 400, body: { type: 'ILLEGAL_ARGUMENT_ERROR', message: `token ${CANARY} is not a PagerDuty key`, details: CANARY } },
    });
    const refused = await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } });
    const error = field(refused, 'replaceCortexPagerDutyConfiguration');
    expect(error).toMatchObject({ __typename: 'VendorValidationError', vendorCode: 'ILLEGAL_ARGUMENT_ERROR' });
    expect(error['message']).toContain('[redacted]');

    const bodies = [
      refused.raw,
      (await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } })).raw,
      (await h.gql(CONNECTION, { id: configurationId(ACCOUNT) })).raw,
      (await h.gql(`{ connections { nodes { ... on CortexPagerDutyConfiguration { token { lastFour } secrets { lastFour } } } } }`)).raw,
      (await h.gql(VALIDATE, { input: { account: ACCOUNT } })).raw,
      (await h.gql(ADD, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } })).raw,
      (await h.gql(DELETE, { input: { account: ACCOUNT } })).raw,
      (await h.gql(`{ accounts { __typename } }`)).raw,
    ];
    expect(sim.storedConfiguration()).toBeNull();
    for (const body of bodies) {
      expect(body).not.toContain(CANARY);
      expect(body).not.toContain(CORTEX_KEY);
    }
    expect(bodies[2]).toContain(CANARY.slice(-4));
    const logs = h.logger.lines.join('\n');
    expect(logs).not.toContain(CANARY);
    expect(logs).not.toContain(CORTEX_KEY);
    expect(JSON.stringify(await h.store.listAudit({ limit: 1000 }))).not.toContain(CANARY);
  });
});
