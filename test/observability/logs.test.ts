import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJsonLogger, logLevelOf } from '../../src/core/logger.js';
import { CI_KEY, RIG_TIMEOUT_MS, observedGateway, startRig, type ObservedGateway, type Rig } from './support.js';

const INVENTORY = `query Inventory {
  connections(first: 100) { totalCount failures { account { key } error { __typename message } } }
}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let rig: Rig;
let fleet: ObservedGateway;

beforeAll(async () => {
  rig = await startRig();
  fleet = observedGateway(rig, {
    resilience: { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    accounts: (base) => base.filter((account) => account.vendor === 'chronosphere' || account.vendor === 'cortex'),
  });
}, RIG_TIMEOUT_MS);
afterAll(async () => {
  await fleet.close();
  await rig.close();
});
beforeEach(() => {
  rig.reset();
});

/** The lines logged while `work` ran, parsed. */
async function logged(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const from = fleet.logs.length;
  await work();
  return fleet.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const requestLines = (lines: Record<string, unknown>[]) => lines.filter((line) => line['message'] === 'request');

describe('one JSON line per request', () => {
  it('carries the request id the client sent, returned in x-request-id, with caller, operation, outcome and timing', async () => {
    let status = 0;
    let returned: string | null = null;
    const lines = await logged(async () => {
      const answer = await fleet.gql('query Accounts { accounts { key } }', {}, { 'x-request-id': 'client-req_42:a/b=' });
      status = answer.status;
      returned = answer.headers.get('x-request-id');
    });
    expect(status).toBe(200);
    expect(returned).toBe('client-req_42:a/b=');
    const [line, ...more] = requestLines(lines);
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 'info',
      requestId: 'client-req_42:a/b=',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operation: 'Accounts',
      operationType: 'query',
      outcome: 'ok',
      errorTypes: [],
      vendorErrors: [],
      caller: 'apikey:ci',
    });
    expect(line?.['durationMs']).toEqual(expect.any(Number));
    expect(typeof line?.['time']).toBe('string');
  });

  it('makes a request id when none came, or when the one that came is not a plain id', async () => {
    for (const given of [undefined, 'has spaces in it', 'x'.repeat(129), 'quote"d', 'semi;colon']) {
      let returned: string | null = null;
      const lines = await logged(async () => {
        returned = (await fleet.gql('query Ping { __typename }', {}, given === undefined ? {} : { 'x-request-id': given })).headers.get('x-request-id');
      });
      expect(returned).toMatch(UUID);
      expect(requestLines(lines).map((line) => line['requestId'])).toEqual([returned]);
      if (given !== undefined) expect(fleet.logs.join('\n')).not.toContain(given);
    }
  });

  it('tags vendor-call and contract-break lines with the request id of the request that made the call', async () => {
    fleet.sim('cortex').server.addFault({ match: { method: 'GET' }, action: 'reset', times: 1 });
    fleet.sim('chronosphere').server.addFault({ match: { method: 'GET' }, response: { status: 200, body: { external_connections: 'not a list' } }, times: 1 });
    let returned: string | null = null;
    const lines = await logged(async () => {
      returned = (await fleet.gql(INVENTORY)).headers.get('x-request-id');
    });
    const transport = lines.find((line) => line['message'] === 'vendor call failed in transport');
    const contract = lines.find((line) => line['message'] === 'vendor answer breaks its contract');
    expect(transport).toMatchObject({ requestId: returned, vendor: 'cortex', level: 'warn' });
    expect(contract).toMatchObject({ requestId: returned, vendor: 'chronosphere', kind: 'body' });
    expect(requestLines(lines)).toEqual([
      expect.objectContaining({
        requestId: returned,
        outcome: 'typed_error',
        errorTypes: ['VendorContractError', 'VendorUnavailableError'],
        vendorErrors: ['VendorContractError', 'VendorUnavailableError'],
      }),
    ]);
  });

  it('logs GraphQL errors by code and refused requests as rejected, without a caller', async () => {
    const errors = await logged(() => fleet.gql('query Broken { noSuchField }'));
    expect(requestLines(errors)).toEqual([expect.objectContaining({ operation: 'Broken', outcome: 'error', errorTypes: ['GRAPHQL_VALIDATION_FAILED'], caller: 'apikey:ci' })]);
    let returned: string | null = null;
    const refused = await logged(async () => {
      const answer = await fleet.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(answer.status).toBe(401);
      returned = answer.headers.get('x-request-id');
    });
    expect(returned).toMatch(UUID);
    expect(requestLines(refused)).toEqual([expect.objectContaining({ requestId: returned, status: 401, outcome: 'rejected', caller: null, operation: null })]);
  });

  it('ends a request delivered in parts (@defer) with its last part: one line, with what the deferred part found', async () => {
    fleet.sim('cortex').server.addFault({ match: { method: 'GET' }, delayMs: 300, response: { status: 503, body: { message: 'down' } }, times: 1 });
    const from = fleet.logs.length;
    const response = await fleet.runtime.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed', authorization: `Bearer ${CI_KEY}` },
      body: JSON.stringify({ query: 'query Deferred { accounts { key } ... @defer { connections(first: 5) { failures { error { __typename } } } } }' }),
    });
    expect(response.headers.get('content-type')).toContain('multipart/mixed');
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    // The deferred part is still waiting for the vendor: the request is not over yet.
    expect(requestLines(fleet.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>))).toEqual([]);
    expect(await response.text()).toContain('VendorUnavailableError');
    const lines = requestLines(fleet.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>));
    expect(lines).toEqual([expect.objectContaining({ requestId, operation: 'Deferred', outcome: 'typed_error', errorTypes: ['VendorUnavailableError'], caller: 'apikey:ci' })]);
    expect(lines[0]?.['durationMs']).toBeGreaterThanOrEqual(290);
  });

  it('logs probes and scrapes at debug level only', async () => {
    const lines = await logged(async () => {
      await fleet.request('/healthz');
      await fleet.request('/metrics');
    });
    expect(requestLines(lines).map((line) => [line['level'], line['path'], line['status']])).toEqual([
      ['debug', '/healthz', 200],
      ['debug', '/metrics', 200],
    ]);
  });

  it('never logs a secret: not the API key, a wrong key, an account credential or a secret sent in a write', async () => {
    const canary = `SG.log-canary-${randomUUID()}`;
    const wrongKey = `pbk_wrong_${randomUUID()}`;
    const from = fleet.logs.length;
    await fleet.gql(`mutation Create($input: CreateChronosphereExternalConnectionInput!) { createChronosphereExternalConnection(input: $input) { __typename } }`, {
      input: { account: fleet.account('chronosphere'), slug: `log-${randomUUID().slice(0, 8)}`, name: 'Log canary', target: { sendgrid: { apiKey: canary } } },
    });
    fleet.sim('chronosphere').server.addFault({ match: { method: 'POST' }, response: { status: 400, body: { code: 3, message: `bad key ${canary}` } }, times: 1 });
    await fleet.gql(`mutation Create($input: CreateChronosphereExternalConnectionInput!) { createChronosphereExternalConnection(input: $input) { __typename } }`, {
      input: { account: fleet.account('chronosphere'), slug: `log-${randomUUID().slice(0, 8)}`, name: 'Log canary', target: { sendgrid: { apiKey: canary } } },
    });
    await fleet.gql('{ __typename }', {}, { authorization: `Bearer ${wrongKey}` });
    const text = fleet.logs.slice(from).join('\n');
    expect(text).toContain('"message":"request"');
    for (const secret of [canary, wrongKey, CI_KEY, ...fleet.secrets]) expect(text).not.toContain(secret);
  });
});

describe('LOG_LEVEL', () => {
  it('names one of debug, info, warn, error (any case); unset is info; anything else is refused', () => {
    expect(logLevelOf(undefined)).toBe('info');
    expect(logLevelOf('')).toBe('info');
    expect(logLevelOf(' DEBUG ')).toBe('debug');
    expect(logLevelOf('warn')).toBe('warn');
    expect(logLevelOf('error')).toBe('error');
    expect(logLevelOf('verbose')).toBeNull();
  });

  it('drops the lines below the level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'warn', write: (line) => lines.push(line) });
    logger.debug('d');
    logger.info('i');
    logger.warn('w', { n: 1 });
    logger.error('e');
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      { time: expect.any(String), level: 'warn', message: 'w', n: 1 },
      { time: expect.any(String), level: 'error', message: 'e' },
    ]);
  });
});
