import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHRONOSPHERE_SEED_SLUGS as S, chronosphereSeedConnections } from '../../src/simulators/chronosphere/seed.js';
import { CONNECTIONS, LIST, READ, TOKEN, csId, field, requestsSince, startRig, type Rig } from './support.js';

/*
 * Tolerant reading (issue 10): Chronosphere's list is read item by item, so a connection that
 * breaks the swagger costs that connection only. The simulator serves the broken items
 * (`breakContract`) while paging and filters run on its real state.
 */

let rig: Rig;

/** A value no answer, error or log line may carry. */
const CANARY = 'cs-canary-Zq81LmX4vT';

beforeAll(async () => {
  // Four per page: the broken items sit on different pages of the three.
  rig = await startRig({
    sim: { defaultPageSize: 4 },
    extraAccounts: (baseUrl) => [{ id: 'cs-slash', vendor: 'chronosphere', baseUrl: `${baseUrl}/`, apiToken: TOKEN }],
  });
});
beforeEach(() => {
  rig.sim.server.reset();
});
afterAll(async () => {
  await rig.close();
});

const SEED_SLUGS = chronosphereSeedConnections().map((c) => c.slug);

const INVENTORY = `query($filter: ConnectionFilter) { connections(filter: $filter, first: 100) {
  totalCount
  nodes { ... on ChronosphereExternalConnection { slug createdAt } }
  failures { account { key } error { __typename message } }
  itemFailures { account { key } part vendorId error { __typename message ... on VendorError { vendor httpStatus retryable } } }
} }`;

interface ItemFailure {
  readonly account: { readonly key: string };
  readonly part: string | null;
  readonly vendorId: string | null;
  readonly error: { readonly __typename: string; readonly message: string };
}

async function inventory(filter: Record<string, unknown> = { accounts: ['cs'] }) {
  const result = await rig.h.gql(INVENTORY, { filter });
  const page = field(result, 'connections');
  return { raw: result.raw, page, slugs: (page['nodes'] as { slug: string }[]).map((n) => n.slug).sort(), itemFailures: page['itemFailures'] as ItemFailure[] };
}

describe('one broken connection beside good ones', () => {
  it('lists every good connection and reports each broken one as a typed item failure, on any page', async () => {
    rig.sim.breakContract(S.slackSre, { created_at: 'yesterday' });
    // A type block of the wrong JSON type, carrying a value that must never come back.
    rig.sim.breakContract(S.webhookBridge, { webhook: `https://hooks.example/${CANARY}` });
    rig.sim.breakContract(S.sendgridStatus, { name: 42 });
    const from = rig.sim.server.requests.length;
    const { page, slugs, itemFailures, raw } = await inventory();
    const broken = [S.sendgridStatus, S.slackSre, S.webhookBridge];
    expect(slugs).toEqual(SEED_SLUGS.filter((slug) => !broken.includes(slug as (typeof broken)[number])).sort());
    expect(page['totalCount']).toBe(SEED_SLUGS.length - broken.length);
    expect(page['failures']).toEqual([]);
    expect(itemFailures.map((f) => f.vendorId).sort()).toEqual([...broken].sort());
    for (const failure of itemFailures) {
      expect(failure).toMatchObject({ account: { key: 'cs' }, part: null, error: { __typename: 'VendorContractError', vendor: 'CHRONOSPHERE', httpStatus: 200, retryable: false } });
      expect(failure.error.message).toContain(`Chronosphere sent connection "${failure.vendorId}"`);
    }
    expect(itemFailures.find((f) => f.vendorId === S.slackSre)?.error.message).toContain('created_at: custom');
    expect(itemFailures.find((f) => f.vendorId === S.webhookBridge)?.error.message).toContain('webhook: invalid_type');
    // Paging went on to the end: three pages, as without broken items.
    expect(requestsSince(rig.sim, from).map((c) => c.path)).toEqual([CONNECTIONS, CONNECTIONS, CONNECTIONS]);
    expect(raw).not.toContain(CANARY);
    const logged = rig.h.logger.lines.join('\n');
    expect(logged).toContain('vendor answer breaks its contract');
    expect(logged).not.toContain(CANARY);
  });

  it('counts a connection whose slug cannot be read, and never names one by a secret', async () => {
    rig.sim.breakContract(S.datadogEu, { slug: null, name: CANARY });
    rig.sim.breakContract(S.cloudflareEdge, { slug: undefined });
    // A slug that is the account's own API token is not a name Patchbay repeats.
    rig.sim.breakContract(S.atlasProduction, { slug: TOKEN, created_at: 'soon' });
    const { page, itemFailures, raw } = await inventory();
    expect(page['totalCount']).toBe(SEED_SLUGS.length - 3);
    expect(itemFailures).toHaveLength(3);
    expect(itemFailures.map((f) => f.vendorId)).toEqual([null, null, null]);
    for (const failure of itemFailures) {
      expect(failure.error).toMatchObject({ __typename: 'VendorContractError' });
      expect(failure.error.message).toContain('a connection whose id it could not read');
    }
    expect(raw).not.toContain(CANARY);
    expect(raw).not.toContain(TOKEN);
    expect(rig.h.logger.lines.join('\n')).not.toContain(TOKEN);
  });

  it('reads optional members sent as null or left out as absent, not as broken', async () => {
    rig.sim.breakContract(S.victoropsNoc, { name: null, created_at: null, updated_at: undefined, slack: null, pagerduty: null });
    const { itemFailures, page } = await inventory();
    expect(itemFailures).toEqual([]);
    expect(page['totalCount']).toBe(SEED_SLUGS.length);
    const read = field(await rig.h.gql(READ, { id: csId('cs', S.victoropsNoc) }), 'connection');
    expect(read).toMatchObject({ __typename: 'ChronosphereExternalConnection', name: '', createdAt: null, updatedAt: null, target: { __typename: 'ChronosphereVictorOpsTarget' } });
  });

  it('reports broken items of a service-filtered list, which Chronosphere filters by type', async () => {
    rig.sim.breakContract(S.pagerdutyNotes, { pagerduty: [] });
    const from = rig.sim.server.requests.length;
    const { slugs, itemFailures } = await inventory({ accounts: ['cs'], services: ['PAGERDUTY'] });
    expect(slugs).toEqual([S.pagerdutyPayments]);
    expect(itemFailures).toMatchObject([{ vendorId: S.pagerdutyNotes, error: { __typename: 'VendorContractError' } }]);
    expect(requestsSince(rig.sim, from)[0]?.query['connection_types']).toEqual('PAGERDUTY');
  });

  it('answers a read of the broken connection with its contract error, and the others as usual', async () => {
    rig.sim.breakContract(S.slackSre, { created_at: 'yesterday' });
    // Two ids in one request are one filtered list: the broken one is told apart from a missing one.
    const query = `query($a: ID!, $b: ID!, $c: ID!) {
      a: connection(id: $a) { __typename ... on ChronosphereExternalConnection { slug } ... on Error { message } }
      b: connection(id: $b) { __typename ... on ChronosphereExternalConnection { slug } ... on Error { message } }
      c: connection(id: $c) { __typename }
    }`;
    const result = await rig.h.gql(query, { a: csId('cs', S.slackSre), b: csId('cs', S.datadogEu), c: csId('cs', 'never-was') });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      a: { __typename: 'VendorContractError', message: expect.stringContaining(`connection "${S.slackSre}"`) },
      b: { __typename: 'ChronosphereExternalConnection', slug: S.datadogEu },
      c: { __typename: 'NotFoundError' },
    });
    // Read alone, it is one GET of the slug, whose answer breaks the contract as a whole.
    expect(field(await rig.h.gql(READ, { id: csId('cs', S.slackSre) }), 'connection')).toMatchObject({ __typename: 'VendorContractError' });
  });

  it('carries the broken items of a page in the Chronosphere list query', async () => {
    rig.sim.breakContract(S.cloudflareEdge, { updated_at: 'later' });
    const page = field(await rig.h.gql(LIST, { account: 'cs', first: 3 }), 'chronosphereExternalConnections');
    expect(page).toMatchObject({ __typename: 'ChronosphereExternalConnectionPage', hasNextPage: true });
    expect((page['nodes'] as { slug: string }[]).map((n) => n.slug)).toEqual(
      SEED_SLUGS.slice()
        .sort()
        .slice(0, 3)
        .filter((slug) => slug !== S.cloudflareEdge),
    );
    expect(page['itemFailures']).toMatchObject([{ account: { key: 'cs' }, part: null, vendorId: S.cloudflareEdge, error: { __typename: 'VendorContractError' } }]);
  });
});

describe('base URL', () => {
  it('takes the host with a trailing slash as the host: the routes are the swagger paths', async () => {
    const from = rig.sim.server.requests.length;
    const { page } = await inventory({ accounts: ['cs-slash'] });
    expect(page['failures']).toEqual([]);
    expect(page['totalCount']).toBe(SEED_SLUGS.length);
    const read = field(await rig.h.gql(READ, { id: csId('cs-slash', S.datadogEu) }), 'connection');
    expect(read).toMatchObject({ __typename: 'ChronosphereExternalConnection', slug: S.datadogEu });
    expect(new Set(requestsSince(rig.sim, from).map((c) => c.path))).toEqual(new Set([CONNECTIONS, `${CONNECTIONS}/${S.datadogEu}`]));
  });
});
