import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../inventory/support.js';

/*
 * Issue 9, point 6, for deletes: a delete is reported as done only when it is. A 2xx whose body
 * is not the vendor's (a proxy's HTML, a broken JSON) is confirmed by reading the resource back;
 * a delete whose first answer was lost and whose resend finds nothing is a success that says
 * `alreadyGone: true`, not a `NotFoundError`. Every vendor, against its simulator.
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

let fleet: Fleet;
/** One connection of each type from the demo inventory: its id and account. */
const targets = new Map<string, { id: string; account: string; vendor: string }>();

beforeAll(async () => {
  fleet = await startFleet();
  const inventory = await fleet.h.gql('{ connections(first: 100) { nodes { __typename ... on VendorConnection { id account { key } } } } }');
  const nodes = (inventory.data?.['connections'] as { nodes: { __typename: string; id: string; account: { key: string } }[] }).nodes;
  for (const node of nodes) {
    const vendor = fleet.accounts.find((account) => account.id === node.account.key)?.vendor;
    if (vendor && !targets.has(node.__typename)) targets.set(node.__typename, { id: node.id, account: node.account.key, vendor });
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
