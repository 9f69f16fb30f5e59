import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/simulators/base.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { DATADOG_SEED_CONNECTION_IDS } from '../../src/simulators/datadog/seed.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { DEFAULT_BREAKER, type BreakerOptions } from '../../src/core/http/resilience.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fakeClock } from './fake-clock.js';

/*
 * Issue 5's fault-injection suite on the shared HTTP layer, driven through GraphQL and the
 * simulator's /__simulator/ control surface; assertions read both the result and the
 * simulator's request log. Time is an injected clock: nothing here really waits for a backoff.
 */

const AWS_ID = DATADOG_SEED_CONNECTION_IDS.awsProduction;
const READ = `query($id: ID!) { connection(id: $id) { __typename ... on Error { message } ... on VendorError { retryAfterSeconds httpStatus } ... on VendorConnection { name } } }`;
const CREATE = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) {
  __typename ... on Error { message } ... on OutcomeUnknownError { check } ... on DatadogActionConnectionPayload { connection { id } } } }`;

let sim: DatadogSimulator;
let clock: ReturnType<typeof fakeClock>;
let h: Harness;
let accountSeq = 0;

/** A fresh account (own breaker and quota) over the simulator, so tests do not share state. */
async function freshHarness(gateway: Record<string, number> = {}, breaker: BreakerOptions = DEFAULT_BREAKER) {
  clock = fakeClock();
  const key = `dd-${++accountSeq}`;
  h = await startHarness({
    accounts: [{ id: key, vendor: 'datadog', baseUrl: sim.server.baseUrl, apiKey: 'k', appKey: 'a' }],
    gateway,
    resilience: { clock, breaker, random: () => 1 },
  });
  return { key, id: encodeGlobalId('DatadogActionConnection', innerId(key, AWS_ID)) };
}

/** The simulator's HTTP control surface, as an operator or another process would drive it. */
const control = {
  async fault(spec: FaultSpec): Promise<void> {
    const response = await fetch(`${sim.server.baseUrl}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
    if (response.status !== 201) throw new Error(`fault refused: ${response.status}`);
  },
  async requests(method: string): Promise<number> {
    const response = await fetch(`${sim.server.baseUrl}/__simulator/requests`);
    const body = (await response.json()) as { requests: { method: string }[] };
    return body.requests.filter((r) => r.method === method).length;
  },
  async clearFaults(): Promise<void> {
    await fetch(`${sim.server.baseUrl}/__simulator/faults`, { method: 'DELETE' });
  },
  async reset(): Promise<void> {
    await fetch(`${sim.server.baseUrl}/__simulator/reset`, { method: 'POST' });
  },
};

function gets(): Promise<number> {
  return control.requests('GET');
}

beforeAll(async () => {
  sim = createDatadogSimulator();
  await sim.server.listen();
});
afterEach(async () => {
  await control.reset();
  await h.close();
});
afterAll(async () => {
  await sim.server.close();
});

describe('retries', () => {
  it('a read that gets 503, 503, 200 succeeds after 3 attempts', async () => {
    const { id } = await freshHarness();
    await control.fault({ match: { method: 'GET' }, times: 2, response: { status: 503, body: { errors: ['Service Unavailable'] } } });
    const result = await h.gql(READ, { id });
    expect(result.data?.['connection']).toMatchObject({ __typename: 'DatadogActionConnection' });
    expect(await gets()).toBe(3);
    expect(result.extensions?.['vendorCalls']).toEqual([expect.objectContaining({ method: 'GET', status: 200, attempts: 3 })]);
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[1]).toBeGreaterThan(clock.sleeps[0] ?? Infinity);
  });

  it('gives up after the attempt budget with VendorUnavailableError', async () => {
    const { id } = await freshHarness();
    await control.fault({ match: { method: 'GET' }, response: { status: 502, body: '<html><body>Bad gateway</body></html>' } });
    const result = await h.gql(READ, { id });
    expect(result.data?.['connection']).toMatchObject({ __typename: 'VendorUnavailableError', httpStatus: 502 });
    expect(await gets()).toBe(3);
  });

  it('never retries a 500 (a vendor bug repeats) nor a 4xx', async () => {
    const { id } = await freshHarness();
    await control.fault({ match: { method: 'GET' }, times: 1, response: { status: 500, body: { errors: ['Internal'] } } });
    expect((await h.gql(READ, { id })).data?.['connection']).toMatchObject({ __typename: 'VendorUnavailableError' });
    expect(await gets()).toBe(1);
  });

  it('does not retry a create after it may have reached the vendor: a hang is OutcomeUnknownError with one POST', async () => {
    const { key } = await freshHarness({ vendorCallTimeoutMs: 300 });
    await control.fault({ match: { method: 'POST' }, action: 'hang' });
    const result = await h.gql(CREATE, { input: { account: key, name: 'hung', integration: { openAi: { apiToken: 'sk-hang-0123456789' } } } });
    expect(result.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'OutcomeUnknownError' });
    expect((result.data?.['createDatadogActionConnection'] as { check: string }).check).toMatch(/before trying again/);
    expect(await control.requests('POST')).toBe(1);
  });

  it('a reset after the create was sent is OutcomeUnknownError, never a retry', async () => {
    const { key } = await freshHarness();
    await control.fault({ match: { method: 'POST' }, times: 1, action: 'reset' });
    const result = await h.gql(CREATE, { input: { account: key, name: 'reset', integration: { openAi: { apiToken: 'sk-reset-0123456789' } } } });
    expect(result.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'OutcomeUnknownError' });
    expect(await control.requests('POST')).toBe(1);
  });

  it('a reset on a read is retried', async () => {
    const { id } = await freshHarness();
    await control.fault({ match: { method: 'GET' }, times: 1, action: 'reset' });
    const result = await h.gql(READ, { id });
    expect(result.data?.['connection']).toMatchObject({ __typename: 'DatadogActionConnection' });
    expect(await gets()).toBe(2);
  });
});

describe('vendor quotas', () => {
  it('a 429 with Retry-After: 2 holds the next call to that account until the reset', async () => {
    const { id } = await freshHarness();
    await control.fault({ match: { method: 'GET' }, times: 1, response: { status: 429, headers: { 'retry-after': '2' }, body: { errors: ['Too many requests'] } } });
    const result = await h.gql(READ, { id });
    // The read itself waited for the window (on the injected clock) and then succeeded.
    expect(result.data?.['connection']).toMatchObject({ __typename: 'DatadogActionConnection' });
    expect(clock.sleeps).toContain(2000);
    expect(await gets()).toBe(2);
  });

  it('answers VendorRateLimitedError at once when the wait would pass the deadline', async () => {
    const { id } = await freshHarness({ requestDeadlineMs: 1000 });
    await control.fault({ match: { method: 'GET' }, times: 1, response: { status: 429, headers: { 'retry-after': '30' }, body: { errors: ['Too many requests'] } } });
    const first = await h.gql(READ, { id });
    expect(first.data?.['connection']).toMatchObject({ __typename: 'VendorRateLimitedError', retryAfterSeconds: 30 });
    expect(await gets()).toBe(1);
    const second = await h.gql(READ, { id });
    expect(second.data?.['connection']).toMatchObject({ __typename: 'VendorRateLimitedError' });
    expect((second.data?.['connection'] as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(25);
    // The vendor was not asked again while its window is closed.
    expect(await gets()).toBe(1);
  });

  it('learns from X-RateLimit-Remaining: 0 on a success and holds the next call', async () => {
    const { id } = await freshHarness();
    const real = await fetch(`${sim.server.baseUrl}/api/v2/actions/connections/${AWS_ID}`, { headers: { 'DD-API-KEY': 'k', 'DD-APPLICATION-KEY': 'a' } });
    await control.fault({
      match: { method: 'GET' },
      times: 1,
      response: { status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3', 'content-type': 'application/vnd.api+json' }, body: await real.json() },
    });
    expect((await h.gql(READ, { id })).data?.['connection']).toMatchObject({ __typename: 'DatadogActionConnection' });
    clock.sleeps.length = 0;
    expect((await h.gql(READ, { id })).data?.['connection']).toMatchObject({ __typename: 'DatadogActionConnection' });
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(2000);
  });
});

describe('circuit breaker', () => {
  // The production breaker (a failure rate over 10 s, judged from five attempts on), not a test double.
  it('opens after five failures, then the vendor sees nothing until the probe', async () => {
    // The request deadline is stamped and measured on the injected clock, which this test moves 61 s ahead.
    const { id } = await freshHarness({}, { ...DEFAULT_BREAKER, halfOpenAfterMs: 60_000 });
    await control.fault({ match: { method: 'GET' }, response: { status: 500, body: { errors: ['Internal'] } } });
    for (let i = 0; i < 5; i++) {
      expect((await h.gql(READ, { id })).data?.['connection']).toMatchObject({ __typename: 'VendorUnavailableError' });
    }
    expect(await gets()).toBe(5);
    const open = await h.gql(READ, { id });
    expect(open.data?.['connection']).toMatchObject({ __typename: 'CircuitOpenError' });
    expect((open.data?.['connection'] as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    expect(await gets()).toBe(5);
    await control.clearFaults();
    // The breaker reads the injected clock: move it past halfOpenAfter for the probe.
    clock.advance(61_000);
    const probe = await h.gql(READ, { id });
    expect(probe.data?.['connection']).toMatchObject({ __typename: 'DatadogActionConnection' });
    expect(await gets()).toBe(6);
    expect((await h.gql(READ, { id })).data?.['connection']).toMatchObject({ __typename: 'DatadogActionConnection' });
  });

  it('a tenant’s bad input (4xx) never opens the circuit', async () => {
    // Judged from the second attempt on: if a 4xx counted, two of them would open it.
    const { id } = await freshHarness({}, { ...DEFAULT_BREAKER, minimumAttempts: 2, halfOpenAfterMs: 60_000 });
    await control.fault({ match: { method: 'GET' }, times: 4, response: { status: 400, body: { errors: [{ title: 'Bad Request' }] } } });
    for (let i = 0; i < 4; i++) await h.gql(READ, { id });
    expect((await h.gql(READ, { id })).data?.['connection']).toMatchObject({ __typename: 'DatadogActionConnection' });
  });
});

describe('hostile responses', () => {
  let hostile: Server;
  let behaviour: (res: import('node:http').ServerResponse) => void = () => {};
  beforeAll(async () => {
    hostile = createServer((_req, res) => behaviour(res));
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    hostile.closeAllConnections();
    await new Promise<void>((resolve) => hostile.close(() => resolve()));
  });

  async function readFromHostile(gateway: Record<string, number> = {}) {
    clock = fakeClock();
    const key = `hostile-${++accountSeq}`;
    const port = (hostile.address() as AddressInfo).port;
    h = await startHarness({
      accounts: [{ id: key, vendor: 'datadog', baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', appKey: 'a' }],
      gateway: { vendorCallTimeoutMs: 500, maxResponseBytes: 64 * 1024, ...gateway },
      resilience: { clock, random: () => 0 },
    });
    const result = await h.gql(READ, { id: encodeGlobalId('DatadogActionConnection', innerId(key, AWS_ID)) });
    return result.data?.['connection'] as { __typename: string; message: string };
  }

  it('an HTML page with 200 is a contract breach', async () => {
    behaviour = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
    expect(await readFromHostile()).toMatchObject({ __typename: 'VendorContractError' });
  });

  it('a redirect is not followed', async () => {
    behaviour = (res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    expect(await readFromHostile()).toMatchObject({ __typename: 'VendorContractError' });
  });

  it('a body over the size cap is refused', async () => {
    behaviour = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":"${'x'.repeat(200 * 1024)}"}`);
    expect(await readFromHostile()).toMatchObject({ __typename: 'VendorContractError', message: expect.stringContaining('larger than') });
  });

  it('a body that trickles forever is cut by the deadline, with no hang', async () => {
    behaviour = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    };
    expect(await readFromHostile({ vendorCallTimeoutMs: 400 })).toMatchObject({ __typename: 'VendorUnavailableError' });
  });

  it('a truncated body (connection closed mid-body) is VendorUnavailableError', async () => {
    behaviour = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":{"id":"');
      setTimeout(() => res.destroy(), 10);
    };
    expect(await readFromHostile()).toMatchObject({ __typename: 'VendorUnavailableError' });
  });

  it('a refused connection is VendorUnavailableError', async () => {
    clock = fakeClock();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    h = await startHarness({ accounts: [{ id: 'refused', vendor: 'datadog', baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', appKey: 'a' }], resilience: { clock } });
    const result = await h.gql(READ, { id: encodeGlobalId('DatadogActionConnection', innerId('refused', AWS_ID)) });
    expect(result.data?.['connection']).toMatchObject({ __typename: 'VendorUnavailableError' });
    expect(result.extensions?.['vendorCalls']).toEqual([expect.objectContaining({ attempts: 3, status: null })]);
  });
});
