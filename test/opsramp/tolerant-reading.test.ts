import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATALOGUE as OFFERED } from '../../src/simulators/opsramp/contract.js';
import { OPSRAMP_SEED_IDS, opsRampSeedIntegrations } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator, type OpsRampSimulatorOptions } from '../../src/simulators/opsramp/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { API, CLIENT_ID, CLIENT_SECRET, TENANT, account, apiCalls, field, integrationId } from './support.js';

/*
 * Tolerant reading and every field OpsRamp really sends (issue 10): one malformed item of the
 * installed search is an item failure beside the good ones; the catalogue is read in both shapes
 * OpsRamp's material shows; the current platform's audit and lifecycle fields reach GraphQL; times
 * as text or epoch numbers and paging counts as text are read.
 */

const SEARCH = `^${API}/installed/search$`;
const CATALOGUE_SEARCH = `^${API}/available/search$`;
const SEED_COUNT = opsRampSeedIntegrations().length;

const LISTING = `query($filter: ConnectionFilter) {
  connections(filter: $filter, first: 100) {
    totalCount
    nodes { ... on OpsRampInstalledIntegration { installedId name createdAt updatedAt installedAt state stateText updateAvailable } }
    failures { account { key } error { __typename } }
    itemFailures { account { key } part vendorId error { __typename message ... on VendorError { vendor httpStatus } } }
  }
}`;

const LIFECYCLE = `query($id: ID!) {
  connection(id: $id) {
    __typename
    ... on OpsRampInstalledIntegration {
      installedId installedBy installedAt createdAt createdBy updatedAt updatedBy state stateText version updateAvailable
    }
  }
}`;

const CATALOGUE = `query($account: String!) {
  opsRampAvailableIntegrations(account: $account) {
    __typename
    ... on OpsRampAvailableIntegrationList { totalCount nodes { id name kind } itemFailures { account { key } vendorId error { __typename message } } }
  }
}`;

/** A canary that may only ever reach the simulator: never a response or a log line. */
const CANARY = 'canary-value-4f9e1c';

/** A well-formed installed integration as the current platform sends it: epoch times, counts as text elsewhere. */
function good(id: string, name: string, installedTime: number | string): Record<string, unknown> {
  return { id, displayName: name, integration: { id: 'SLACK', name: 'Slack' }, status: 'enabled', installedBy: 'platform.team', installedTime, state: 'Deployed', updateAvailable: 'false' };
}

let h: Harness;
const sims: OpsRampSimulator[] = [];

async function simulator(options: OpsRampSimulatorOptions = {}): Promise<{ sim: OpsRampSimulator; baseUrl: string }> {
  const sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT, rateLimits: false, ...options });
  sims.push(sim);
  return { sim, baseUrl: await sim.server.listen() };
}

let plain: OpsRampSimulator;
let loose: OpsRampSimulator;
let typed: OpsRampSimulator;

beforeAll(async () => {
  const a = await simulator();
  // Epoch times, paging counts and flags as text, and small pages so the listing takes several.
  const b = await simulator({ wireStyle: { times: 'epochMillis', pagingAsText: true }, maxPageSize: 3 });
  const c = await simulator({ wireStyle: { catalogue: 'typed' }, maxPageSize: 7 });
  plain = a.sim;
  loose = b.sim;
  typed = c.sim;
  h = await startHarness({ accounts: [account('or-plain', a.baseUrl), account('or-loose', b.baseUrl), account('or-typed', c.baseUrl)] });
});
afterAll(async () => {
  await h.close();
  for (const sim of sims) await sim.server.close();
});
beforeEach(() => {
  for (const sim of sims) sim.server.reset();
});

describe('an installed search with a malformed item', () => {
  it('lists the good items and reports the broken ones as typed item failures, even one without an id', async () => {
    plain.server.addFault({
      match: { method: 'GET', path: SEARCH },
      times: 1,
      response: {
        status: 200,
        body: {
          results: [
            good('INTG-aaaaaaaa-0000-4000-8000-000000000001', 'First', 1_717_171_717_000),
            // `integration` must be an object: the item breaks the contract, its id is readable.
            { id: 'INTG-broken-0002', displayName: 'Broken', integration: CANARY },
            good('INTG-aaaaaaaa-0000-4000-8000-000000000003', 'Third', '2024-06-01T10:00:00+0000'),
            // No id at all: still counted, with a null vendorId.
            { displayName: CANARY, status: 'enabled' },
          ],
          totalResults: '4',
          pageNo: '1',
          pageSize: '100',
          totalPages: '1',
          nextPage: 'false',
        },
      },
    });
    const response = await h.gql(LISTING, { filter: { accounts: ['or-plain'] } });
    expect(response.errors).toBeUndefined();
    const page = field(response, 'connections');
    expect(page['failures']).toEqual([]);
    expect(page['nodes']).toMatchObject([{ name: 'First' }, { name: 'Third' }]);
    expect(page['totalCount']).toBe(2);
    const failures = page['itemFailures'] as { vendorId: string | null; part: string | null; error: { __typename: string; message: string; vendor: string; httpStatus: number } }[];
    expect(failures).toHaveLength(2);
    expect(failures.map((f) => f.vendorId)).toEqual(['INTG-broken-0002', null]);
    for (const failure of failures) {
      expect(failure).toMatchObject({ part: null, error: { __typename: 'VendorContractError', vendor: 'OPSRAMP', httpStatus: 200 } });
    }
    expect(failures[0]?.error.message).toContain('integration');
    expect(failures[1]?.error.message).toContain('whose id it could not read');
    // The break is logged by field path, never by value.
    const log = h.logger.lines.join('\n');
    expect(log).toContain('integration');
    for (const text of [response.raw, log]) expect(text).not.toContain(CANARY);
  });

  it('reads epoch and text times, text counts and text flags of the good items', async () => {
    plain.server.addFault({
      match: { method: 'GET', path: SEARCH },
      times: 1,
      response: {
        status: 200,
        body: {
          results: [
            { ...good('INTG-aaaaaaaa-0000-4000-8000-000000000011', 'Millis', 1_717_171_717_000), updatedTime: '1717171800000', state: 'Provisioning', updateAvailable: 'TRUE' },
            { ...good('INTG-aaaaaaaa-0000-4000-8000-000000000012', 'Seconds', 1_717_171_717), updatedTime: 1_717_171_800 },
            good('INTG-aaaaaaaa-0000-4000-8000-000000000013', 'Text', '2024-05-31T17:08:37+0100'),
          ],
          totalResults: '3',
          pageNo: '1',
          pageSize: '100',
          totalPages: '1',
          nextPage: 'false',
          descendingOrder: 'false',
        },
      },
    });
    const page = field(await h.gql(LISTING, { filter: { accounts: ['or-plain'] } }), 'connections');
    expect(page['itemFailures']).toEqual([]);
    expect(page['nodes']).toEqual([
      {
        installedId: 'INTG-aaaaaaaa-0000-4000-8000-000000000011',
        name: 'Millis',
        createdAt: '2024-05-31T16:08:37.000Z',
        installedAt: '2024-05-31T16:08:37.000Z',
        updatedAt: '2024-05-31T16:10:00.000Z',
        state: 'UNKNOWN',
        stateText: 'Provisioning',
        updateAvailable: true,
      },
      {
        installedId: 'INTG-aaaaaaaa-0000-4000-8000-000000000012',
        name: 'Seconds',
        createdAt: '2024-05-31T16:08:37.000Z',
        installedAt: '2024-05-31T16:08:37.000Z',
        updatedAt: '2024-05-31T16:10:00.000Z',
        state: 'DEPLOYED',
        stateText: 'Deployed',
        updateAvailable: false,
      },
      {
        installedId: 'INTG-aaaaaaaa-0000-4000-8000-000000000013',
        name: 'Text',
        createdAt: '2024-05-31T16:08:37.000Z',
        installedAt: '2024-05-31T16:08:37.000Z',
        updatedAt: null,
        state: 'DEPLOYED',
        stateText: 'Deployed',
        updateAvailable: false,
      },
    ]);
  });

  it('pages through an instance that sends epoch times and every paging count as text', async () => {
    const page = field(await h.gql(LISTING, { filter: { accounts: ['or-loose'] } }), 'connections');
    expect(page['failures']).toEqual([]);
    expect(page['itemFailures']).toEqual([]);
    expect(page['totalCount']).toBe(SEED_COUNT);
    expect(apiCalls(loose).filter((c) => c.includes('/installed/search'))).toHaveLength(Math.ceil(SEED_COUNT / 3));
    const jira = (page['nodes'] as { installedId: string; installedAt: string; updatedAt: string }[]).find((n) => n.installedId === OPSRAMP_SEED_IDS.jira);
    // The seed's 2023-11-20T10:02:31+0530, sent as epoch milliseconds.
    expect(jira).toMatchObject({ installedAt: '2023-11-20T04:32:31.000Z', updatedAt: '2025-01-14T12:00:00.000Z' });
  });
});

describe('the current platform’s fields through GraphQL', () => {
  it('maps createdBy/createdTime, updatedBy/updatedTime, state, version and updateAvailable', async () => {
    const jira = field(await h.gql(LIFECYCLE, { id: integrationId('or-plain', OPSRAMP_SEED_IDS.jira) }), 'connection');
    expect(jira).toEqual({
      __typename: 'OpsRampInstalledIntegration',
      installedId: OPSRAMP_SEED_IDS.jira,
      installedBy: 'platform.team',
      installedAt: '2023-11-20T04:32:31.000Z',
      createdAt: '2023-11-20T04:32:31.000Z',
      createdBy: 'platform.team',
      updatedAt: '2025-01-14T12:00:00.000Z',
      updatedBy: 'jira.admin',
      state: 'DEPLOYED',
      stateText: 'Deployed',
      version: '3.4.2',
      updateAvailable: false,
    });
    const serviceNow = field(await h.gql(LIFECYCLE, { id: integrationId('or-plain', OPSRAMP_SEED_IDS.serviceNow) }), 'connection');
    expect(serviceNow).toMatchObject({ version: '5.0.1', updateAvailable: true, state: 'DEPLOYED' });
  });

  it('reads an integration in the 2021 shape, without those fields, as absent', async () => {
    const email = field(await h.gql(LIFECYCLE, { id: integrationId('or-plain', OPSRAMP_SEED_IDS.emailAlerts) }), 'connection');
    expect(email).toEqual({
      __typename: 'OpsRampInstalledIntegration',
      installedId: OPSRAMP_SEED_IDS.emailAlerts,
      installedBy: 'noc.lead',
      installedAt: '2022-09-01T08:00:00.000Z',
      createdAt: '2022-09-01T08:00:00.000Z',
      createdBy: 'noc.lead',
      updatedAt: null,
      updatedBy: null,
      state: null,
      stateText: null,
      version: null,
      updateAvailable: null,
    });
  });

  it('shows who changed an integration last after a change through Patchbay', async () => {
    const id = integrationId('or-plain', OPSRAMP_SEED_IDS.jira);
    const disabled = await h.gql(
      `mutation($id: ID!) { disableOpsRampInstalledIntegration(input: { id: $id }) { __typename ... on OpsRampIntegrationStatusPayload { integration { updatedBy updatedAt createdBy } } } }`,
      { id },
    );
    const integration = (field(disabled, 'disableOpsRampInstalledIntegration')['integration'] ?? {}) as Record<string, unknown>;
    expect(integration).toMatchObject({ updatedBy: 'opsramp_api_user', createdBy: 'platform.team' });
    expect(Date.parse(String(integration['updatedAt']))).toBeGreaterThan(Date.parse('2025-01-14T12:00:00.000Z'));
  });
});

describe('the catalogue', () => {
  const offeredIds = [...new Set(OFFERED.map((entry) => entry.id))].sort();

  it('reads the spec’s {id, name} entries', async () => {
    const list = field(await h.gql(CATALOGUE, { account: 'or-plain' }), 'opsRampAvailableIntegrations');
    expect(list['__typename']).toBe('OpsRampAvailableIntegrationList');
    expect((list['nodes'] as { id: string }[]).map((n) => n.id).sort()).toEqual(offeredIds);
    expect(list['itemFailures']).toEqual([]);
    expect(list['nodes']).toContainEqual({ id: 'SLACK', name: 'Slack', kind: 'COLLABORATION' });
  });

  it('reads the {type: {id, name}} entries OpsRamp’s own client reads, over several pages', async () => {
    const list = field(await h.gql(CATALOGUE, { account: 'or-typed' }), 'opsRampAvailableIntegrations');
    expect((list['nodes'] as { id: string }[]).map((n) => n.id).sort()).toEqual(offeredIds);
    expect(list['totalCount']).toBe(offeredIds.length);
    expect(list['nodes']).toContainEqual({ id: 'SLACK', name: 'Slack', kind: 'COLLABORATION' });
    expect(apiCalls(typed).length).toBe(Math.ceil(OFFERED.length / 7));
  });

  it('reads each entry on its own: a mixed page lists the readable ones once and reports the rest', async () => {
    typed.server.addFault({
      match: { method: 'GET', path: CATALOGUE_SEARCH },
      times: 1,
      response: {
        status: 200,
        body: {
          results: [
            { type: { id: 'SLACK', name: 'Slack' } },
            { id: 'JIRA', name: 'JIRA' },
            // The same integration twice, as the `type` shape allows: listed once.
            { id: 'app-1', name: 'Slack (app)', type: { id: 'SLACK', name: 'Slack' } },
            { name: CANARY },
            { id: 42, name: 'numeric id' },
          ],
          totalResults: 5,
          nextPage: false,
        },
      },
    });
    const response = await h.gql(CATALOGUE, { account: 'or-typed' });
    const list = field(response, 'opsRampAvailableIntegrations');
    expect(list['nodes']).toEqual([
      { id: 'SLACK', name: 'Slack', kind: 'COLLABORATION' },
      { id: 'JIRA', name: 'JIRA', kind: 'SERVICE_DESK' },
    ]);
    expect(list['itemFailures']).toMatchObject([
      { account: { key: 'or-typed' }, vendorId: null, error: { __typename: 'VendorContractError' } },
      { account: { key: 'or-typed' }, vendorId: '42', error: { __typename: 'VendorContractError' } },
    ]);
    expect(response.raw).not.toContain(CANARY);
  });
});
