import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CORTEX_SEED_CONFIGURATION } from '../../src/simulators/cortex/seed.js';
import { createCortexSimulator, type CortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { CONNECTION, DELETE, REPLACE, configurationId, field } from './support.js';

/*
 * Tolerant reading (issue 10): a Cortex workspace holds one PagerDuty configuration, so a
 * configuration Cortex sends broken is an item failure of its account (which answered, its key
 * accepted) beside the other accounts' configurations, never a failure of the whole list. The
 * simulators serve the broken configuration with `breakContract`.
 */

const KEY = 'ctx-tolerant-key-Wm3Pq7';
/** A value no answer, error or log line may carry. */
const CANARY = 'ctx-canary-Hv62RtQ0';
const PATH = '/api/v1/pagerduty';
const SEED_LAST_FOUR = CORTEX_SEED_CONFIGURATION.token.slice(-4);

let good: CortexSimulator;
let broken: CortexSimulator;
let nulled: CortexSimulator;
let empty: CortexSimulator;
let h: Harness;

beforeAll(async () => {
  good = createCortexSimulator({ token: KEY });
  broken = createCortexSimulator({ token: KEY });
  nulled = createCortexSimulator({ token: KEY });
  empty = createCortexSimulator({ token: KEY, seeded: false });
  const [goodUrl, brokenUrl, nulledUrl, emptyUrl] = await Promise.all([good.server.listen(), broken.server.listen(), nulled.server.listen(), empty.server.listen()]);
  h = await startHarness({
    accounts: [
      // Cortex documents a host as the base URL; a trailing slash is the same host.
      { id: 'cortex-good', vendor: 'cortex', baseUrl: `${goodUrl}/`, token: KEY },
      { id: 'cortex-broken', vendor: 'cortex', baseUrl: brokenUrl, token: KEY },
      { id: 'cortex-nulled', vendor: 'cortex', baseUrl: nulledUrl, token: KEY },
      { id: 'cortex-empty', vendor: 'cortex', baseUrl: emptyUrl, token: KEY },
    ],
    resilience: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 1000, halfOpenAfterMs: 1000 } },
  });
});
afterAll(async () => {
  await h.close();
  await Promise.all([good, broken, nulled, empty].map((sim) => sim.server.close()));
});
beforeEach(() => {
  for (const sim of [good, broken, nulled, empty]) sim.server.reset();
  broken.breakContract({ isTokenReadonly: CANARY });
  nulled.breakContract({ lastFour: null });
});

const INVENTORY = `query { connections(filter: { vendors: [CORTEX] }) {
  totalCount
  nodes { ... on CortexPagerDutyConfiguration { account { key } isTokenReadonly token { field isSet lastFour } } }
  failures { account { key } error { __typename message } }
  itemFailures { account { key } part vendorId error { __typename message ... on VendorError { vendor httpStatus retryable } } }
} }`;

describe('a broken configuration beside good ones', () => {
  it('lists the good configurations and reports the broken one as a typed item failure of its account', async () => {
    const result = await h.gql(INVENTORY);
    const page = field(result, 'connections');
    expect(page['failures']).toEqual([]);
    expect(page['totalCount']).toBe(2);
    const nodes = (page['nodes'] as { account: { key: string } }[]).slice().sort((a, b) => a.account.key.localeCompare(b.account.key));
    expect(nodes).toEqual([
      { account: { key: 'cortex-good' }, isTokenReadonly: true, token: { field: 'token', isSet: true, lastFour: SEED_LAST_FOUR } },
      // `lastFour: null` reads as absent: the token is set, with nothing to show.
      { account: { key: 'cortex-nulled' }, isTokenReadonly: true, token: { field: 'token', isSet: true, lastFour: null } },
    ]);
    // A PagerDuty configuration carries no id of its own: the account names it, and it is counted.
    expect(page['itemFailures']).toEqual([
      {
        account: { key: 'cortex-broken' },
        part: null,
        vendorId: null,
        error: {
          __typename: 'VendorContractError',
          vendor: 'CORTEX',
          httpStatus: 200,
          retryable: false,
          message: expect.stringContaining('isTokenReadonly: invalid_type'),
        },
      },
    ]);
    expect(result.raw).not.toContain(CANARY);
    expect(result.raw).not.toContain(KEY);
    const logged = h.logger.lines.join('\n');
    expect(logged).toContain('vendor answer breaks its contract');
    expect(logged).not.toContain(CANARY);
    expect(logged).not.toContain(KEY);
    // One GET per workspace, however the answer read.
    for (const sim of [good, broken, nulled, empty]) expect(sim.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${PATH}/default-configuration`]);
  });

  it('answers a read of the broken configuration with its contract error, and the others as usual', async () => {
    const query = `query($a: ID!, $b: ID!) {
      a: connection(id: $a) { __typename ... on Error { message } }
      b: connection(id: $b) { __typename ... on CortexPagerDutyConfiguration { token { lastFour } } }
    }`;
    const result = await h.gql(query, { a: configurationId('cortex-broken'), b: configurationId('cortex-nulled') });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      a: { __typename: 'VendorContractError', message: expect.stringContaining('PagerDuty configuration') },
      b: { __typename: 'CortexPagerDutyConfiguration', token: { lastFour: null } },
    });
    expect(result.raw).not.toContain(CANARY);
  });

  it('keeps an account whose configuration is broken healthy: Cortex accepted its key', async () => {
    const result = await h.gql(`{ accounts { key health { status error { __typename } } } }`);
    expect(result.errors).toBeUndefined();
    const health = Object.fromEntries((result.data?.['accounts'] as { key: string; health: unknown }[]).map((a) => [a.key, a.health]));
    expect(health['cortex-broken']).toEqual({ status: 'HEALTHY', error: null });
    expect(health['cortex-empty']).toEqual({ status: 'HEALTHY', error: null });
  });
});

describe('the simulator knob', () => {
  it('serves the break on every configuration it answers with, until reset', async () => {
    const get = async () => {
      const response = await fetch(`${broken.server.baseUrl}${PATH}/default-configuration`, { headers: { authorization: `Bearer ${KEY}` } });
      return (await response.json()) as unknown;
    };
    expect(await get()).toEqual({ isTokenReadonly: CANARY, lastFour: SEED_LAST_FOUR });
    broken.breakContract({ lastFour: undefined });
    expect(await get()).toEqual({ isTokenReadonly: true });
    broken.server.reset();
    expect(await get()).toEqual({ isTokenReadonly: true, lastFour: SEED_LAST_FOUR });
  });
});

describe('configurations in write answers', () => {
  it('shows a saved configuration whose lastFour is null as a set token with nothing to show', async () => {
    const result = field(await h.gql(REPLACE, { input: { account: 'cortex-nulled', token: `pd-${CANARY}`, isTokenReadonly: false } }), 'replaceCortexPagerDutyConfiguration');
    expect(result).toMatchObject({ configuration: { isTokenReadonly: false, token: { field: 'token', isSet: true, lastFour: null } } });
    expect(nulled.storedConfiguration()).toEqual({ token: `pd-${CANARY}`, isTokenReadonly: false });
    expect(JSON.stringify(result)).not.toContain(CANARY);
  });

  it('answers VendorContractError when the saved configuration comes back broken and the read-back cannot show it', async () => {
    const response = await h.gql(REPLACE, { input: { account: 'cortex-broken', token: 'pd-replacement-token', isTokenReadonly: true } });
    expect(field(response, 'replaceCortexPagerDutyConfiguration')).toMatchObject({ __typename: 'VendorContractError', httpStatus: 200 });
    // The write reached Cortex; the answer and the read-back (same broken shape) could not show it.
    expect(broken.storedConfiguration()?.token).toBe('pd-replacement-token');
    expect(broken.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT ${PATH}/configuration`, `GET ${PATH}/default-configuration`]);
    expect(response.raw).not.toContain(CANARY);
    expect(response.raw).not.toContain('pd-replacement-token');
  });

  it('deletes even when the configuration in the answer breaks the contract', async () => {
    const result = field(await h.gql(DELETE, { input: { account: 'cortex-broken' } }), 'deleteCortexPagerDutyConfiguration');
    expect(result).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: configurationId('cortex-broken') });
    expect(broken.storedConfiguration()).toBeNull();
    const after = field(await h.gql(CONNECTION, { id: configurationId('cortex-broken') }), 'connection');
    expect(after).toMatchObject({ __typename: 'NotFoundError' });
  });
});
