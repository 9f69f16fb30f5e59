import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../inventory/support.js';

/*
 * Issue 9, point 6, for deletes: a delete is reported as done only when it is. A 2xx whose body
 * is not the vendor's (a proxy's HTML, a broken JSON) is confirmed by reading the resource back;
 * a delete whose first answer was lost and whose resend finds nothing is a success that says
 * `alreadyGone: true`, not a `NotFoundError`. Every vendor, against its simulator.
 *
 * And for updates: an update answered 2xx with a broken body is confirmed by reading the resource
 * back, and reported as done only when the read-back shows what was sent.
 */

interface DeleteCase {
  readonly typename: string;
  /** The delete mutation, as `result`, selecting `__typename`, `alreadyGone` and errors. */
  readonly document: string;
  readonly payload: string;
  readonly variables: (id: string, account: string) => Record<string, unknown>;
}

const ERROR = '... on Error { message } ... on VendorError { httpStatus } ... on OutcomeUnknownError { check }';

const CASES: readonly DeleteCase[] = [
  {
    typename: 'DatadogActionConnection',
    document: `mutation($id: ID!) { result: deleteDatadogActionConnection(input: { id: $id }) { __typename ... on DeletedConnectionPayload { alreadyGone } ${ERROR} } }`,
    payload: 'DeletedConnectionPayload',
    variables: (id) => ({ id }),
  },
  {
    typename: 'ChronosphereExternalConnection',
    document: `mutation($id: ID!) { result: deleteChronosphereExternalConnection(input: { id: $id }) { __typename ... on ChronosphereExternalConnectionDeletedPayload { alreadyGone } ${ERROR} } }`,
    payload: 'ChronosphereExternalConnectionDeletedPayload',
    variables: (id) => ({ id }),
  },
  {
    typename: 'MongoDbIntegration',
    document: `mutation($id: ID!) { result: deleteMongoDbIntegration(input: { id: $id }) { __typename ... on DeletedConnectionPayload { alreadyGone } ${ERROR} } }`,
    payload: 'DeletedConnectionPayload',
    variables: (id) => ({ id }),
  },
  {
    typename: 'OpsRampInstalledIntegration',
    document: `mutation($id: ID!) { result: uninstallOpsRampIntegration(input: { id: $id, reason: "retired" }) { __typename ... on OpsRampUninstalledIntegrationPayload { alreadyGone } ${ERROR} } }`,
    payload: 'OpsRampUninstalledIntegrationPayload',
    variables: (id) => ({ id }),
  },
  {
    typename: 'CortexPagerDutyConfiguration',
    document: `mutation($account: String!) { result: deleteCortexPagerDutyConfiguration(input: { account: $account }) { __typename ... on DeletedConnectionPayload { alreadyGone } ${ERROR} } }`,
    payload: 'DeletedConnectionPayload',
    variables: (_, account) => ({ account }),
  },
];

interface UpdateCase {
  readonly typename: string;
  /** The update mutation, as `result`, selecting `__typename`, the field it changes as `changed`, and errors. */
  readonly document: string;
  readonly payload: string;
  /** The request the fault matches: the update's method and a path pattern. */
  readonly match: { readonly method: string; readonly path?: string };
  /** Variables that change the resource to something marked `mark`. */
  readonly variables: (target: { id: string; account: string; slug: string | null; groupId: string | null }, mark: string) => Record<string, unknown>;
  /** The changed field as the payload shows it after `variables(…, mark)`. */
  readonly changed: (mark: string) => unknown;
}

const UPDATE_CASES: readonly UpdateCase[] = [
  {
    typename: 'DatadogActionConnection',
    document: `mutation($id: ID!, $name: String!) { result: updateDatadogActionConnection(input: { id: $id, name: $name }) { __typename ... on DatadogActionConnectionPayload { connection { changed: name } } ${ERROR} } }`,
    payload: 'DatadogActionConnectionPayload',
    match: { method: 'PATCH' },
    variables: ({ id }, mark) => ({ id, name: `renamed ${mark}` }),
    changed: (mark) => ({ connection: { changed: `renamed ${mark}` } }),
  },
  {
    typename: 'ChronosphereExternalConnection',
    document: `mutation($account: String!, $slug: String!, $name: String!, $url: String!) { result: updateChronosphereExternalConnection(input: { account: $account, slug: $slug, name: $name, target: { webhook: { url: $url } } }) { __typename ... on ChronosphereExternalConnectionPayload { connection { changed: name } } ${ERROR} } }`,
    payload: 'ChronosphereExternalConnectionPayload',
    match: { method: 'PUT' },
    variables: ({ account, slug }, mark) => ({ account, slug, name: `renamed ${mark}`, url: `https://hooks.example.com/${mark}` }),
    changed: (mark) => ({ connection: { changed: `renamed ${mark}` } }),
  },
  {
    typename: 'MongoDbIntegration',
    document: `mutation($account: String!, $groupId: String!, $key: String!, $routingKey: String!) { result: upsertMongoDbIntegration(input: { account: $account, groupId: $groupId, integration: { victorOps: { apiKey: $key, routingKey: $routingKey } } }) { __typename ... on MongoDbIntegrationPayload { integration { settings { ... on MongoDbVictorOpsSettings { changed: routingKey } } } } ${ERROR} } }`,
    payload: 'MongoDbIntegrationPayload',
    match: { method: 'PUT' },
    variables: ({ account, groupId }, mark) => ({ account, groupId, key: `victorops-key-${mark}-0123456789`, routingKey: `route-${mark}` }),
    changed: (mark) => ({ integration: { settings: { changed: `route-${mark}` } } }),
  },
  {
    typename: 'CortexPagerDutyConfiguration',
    document: `mutation($account: String!, $token: String!, $readonly: Boolean!) { result: replaceCortexPagerDutyConfiguration(input: { account: $account, token: $token, isTokenReadonly: $readonly }) { __typename ... on CortexPagerDutyConfigurationPayload { configuration { changed: token { lastFour } } } ${ERROR} } }`,
    payload: 'CortexPagerDutyConfigurationPayload',
    match: { method: 'PUT' },
    variables: ({ account }, mark) => ({ account, token: `u+replaced-token-${mark}`, readonly: mark.length % 2 === 0 }),
    changed: (mark) => ({ configuration: { changed: { lastFour: mark.slice(-4) } } }),
  },
  {
    typename: 'OpsRampInstalledIntegration',
    document: `mutation($id: ID!, $name: String!) { result: updateOpsRampInstalledIntegration(input: { id: $id, displayName: $name }) { __typename ... on OpsRampInstalledIntegrationPayload { integration { changed: displayName } } ${ERROR} } }`,
    payload: 'OpsRampInstalledIntegrationPayload',
    match: { method: 'POST', path: '/installed/INTG-' },
    variables: ({ id }, mark) => ({ id, name: `renamed ${mark}` }),
    changed: (mark) => ({ integration: { changed: `renamed ${mark}` } }),
  },
];

let fleet: Fleet;
/** One connection of each type from the demo inventory: its id and account. */
const targets = new Map<string, { id: string; account: string; vendor: string; slug: string | null; groupId: string | null }>();

beforeAll(async () => {
  fleet = await startFleet();
  const inventory = await fleet.h.gql(
    '{ connections(first: 100) { nodes { __typename ... on VendorConnection { id account { key } } ... on ChronosphereExternalConnection { slug } ... on MongoDbIntegration { groupId } } } }',
  );
  const nodes = (inventory.data?.['connections'] as { nodes: { __typename: string; id: string; account: { key: string }; slug?: string; groupId?: string }[] }).nodes;
  for (const node of nodes) {
    const vendor = fleet.accounts.find((account) => account.id === node.account.key)?.vendor;
    if (vendor && !targets.has(node.__typename)) targets.set(node.__typename, { id: node.id, account: node.account.key, vendor, slug: node.slug ?? null, groupId: node.groupId ?? null });
  }
});
afterAll(async () => {
  await fleet.close();
});

async function read(id: string): Promise<string> {
  const result = await fleet.h.gql('query($id: ID!) { connection(id: $id) { __typename } }', { id });
  return (result.data?.['connection'] as { __typename: string }).__typename;
}

/** The ids the inventory lists for one account. */
async function listed(account: string): Promise<string[]> {
  const result = await fleet.h.gql('query($a: [String!]) { connections(filter: { accounts: $a }, first: 100) { nodes { ... on VendorConnection { id } } } }', { a: [account] });
  return (result.data?.['connections'] as { nodes: { id: string }[] }).nodes.map((node) => node.id);
}

async function remove(test: DeleteCase, target: { id: string; account: string }): Promise<Record<string, unknown>> {
  const result = await fleet.h.gql(test.document, test.variables(target.id, target.account));
  expect(result.errors, result.raw).toBeUndefined();
  return result.data?.['result'] as Record<string, unknown>;
}

// Before the delete cases below, which delete these targets.
describe.each(UPDATE_CASES)('$typename update', (test) => {
  const target = () => {
    const found = targets.get(test.typename);
    if (!found) throw new Error(`the demo has no ${test.typename}`);
    return found;
  };
  const update = async (mark: string): Promise<Record<string, unknown>> => {
    const result = await fleet.h.gql(test.document, test.variables(target(), mark));
    expect(result.errors, result.raw).toBeUndefined();
    return result.data?.['result'] as Record<string, unknown>;
  };

  it('an update the vendor applied but answered 2xx with a broken body is confirmed by reading it back: success', async () => {
    const sim = fleet.sim(target().vendor);
    sim.server.addFault({ match: test.match, times: 1, action: 'applied-malformed' });
    const result = await update('AppliedW1X2');
    expect(result, JSON.stringify(result)).toEqual({ __typename: test.payload, ...(test.changed('AppliedW1X2') as object) });
    expect(sim.server.requests.filter((r) => r.method === test.match.method && new RegExp(test.match.path ?? '').test(r.path)).length).toBeGreaterThanOrEqual(1);
  });

  it('an update answered 2xx with a proxy page that never reached the vendor is not reported as done', async () => {
    const sim = fleet.sim(target().vendor);
    // A known state first, then the update the proxy swallows.
    expect((await update('BeforeP3Q4'))['__typename']).toBe(test.payload);
    sim.server.addFault({ match: test.match, times: 1, response: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Saved.</body></html>' } });
    const before = sim.server.requests.length;
    const result = await update('LostZ5Y6');
    expect(result['__typename'], JSON.stringify(result)).toBe('VendorContractError');
    expect(result['httpStatus']).toBe(200);
    // It was read back (a GET after the write), and the read-back did not show the update.
    expect(sim.server.requests.slice(before).some((r) => r.method === 'GET')).toBe(true);
    // The resource still holds the earlier state: the same update again, unfaulted, shows it changing.
    expect(await update('BeforeP3Q4')).toEqual({ __typename: test.payload, ...(test.changed('BeforeP3Q4') as object) });
  });
});

describe.each(CASES)('$typename', (test) => {
  const target = () => {
    const found = targets.get(test.typename);
    if (!found) throw new Error(`the demo has no ${test.typename}`);
    return found;
  };

  it('a delete answered 2xx with a broken body, or a proxy page, that did nothing is not reported as done', async () => {
    const { id, vendor } = target();
    const sim = fleet.sim(vendor);
    for (const fault of [{ action: 'malformed' as const }, { response: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Deleted.</body></html>' } }]) {
      sim.server.addFault({ match: { method: 'DELETE' }, times: 1, ...fault });
      const result = await remove(test, target());
      expect(result['__typename'], JSON.stringify(result)).not.toBe(test.payload);
      expect(['VendorContractError', 'OutcomeUnknownError']).toContain(result['__typename']);
      expect(String(result['message'])).toContain('still found');
      expect(await read(id)).toBe(test.typename);
      // Still listed (a Datadog connection stays tracked).
      expect(await listed(target().account)).toContain(id);
    }
  });

  it('a delete whose answer was lost, sent again and answered 404, is done: alreadyGone', async () => {
    const { id, vendor } = target();
    const sim = fleet.sim(vendor);
    sim.server.addFault({ match: { method: 'DELETE' }, times: 1, action: 'applied-reset' });
    expect(await remove(test, target())).toEqual({ __typename: test.payload, alreadyGone: true });
    expect(sim.server.requests.filter((r) => r.method === 'DELETE').length).toBeGreaterThanOrEqual(2);
    expect(await read(id)).toBe('NotFoundError');
  });
});
