import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatchbayEvent } from '../../src/app/events.js';
import { startFleet, type Fleet } from '../inventory/support.js';

/*
 * Stale-while-broken reads and health transitions: an account whose vendor is down serves its
 * last known connections, marked stale, beside its failure (only when asked), and its scans move
 * its health FAILING → RECOVERED.
 */

const LIST = `query($staleIfFailed: Boolean, $filter: ConnectionFilter) { connections(staleIfFailed: $staleIfFailed, filter: $filter, first: 100) {
  nodes { ... on VendorConnection { id name stale observedAt } }
  failures { account { key } part error { __typename } }
} }`;
const SCAN = `mutation($account: String!) { scanAccount(input: { account: $account }) { __typename ... on ScanAccountPayload { changes { kind } error { __typename } } } }`;

interface Page {
  connections: { nodes: { id: string; name: string; stale: boolean; observedAt: string }[]; failures: { account: { key: string }; part: string | null; error: { __typename: string } }[] };
}

let fleet: Fleet;
const events: PatchbayEvent[] = [];

beforeAll(async () => {
  // No retries and a breaker that does not open: each request to the down vendor fails once, plainly.
  fleet = await startFleet({ resilience: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 1_000_000, halfOpenAfterMs: 1 } } });
  fleet.h.runtime.deps.events.subscribe((event) => events.push(event));
}, 60_000);

afterAll(async () => {
  await fleet?.close();
});

function account(vendor: string): string {
  const found = fleet.accounts.find((a) => a.vendor === vendor);
  if (!found) throw new Error(vendor);
  return found.id;
}

describe('staleIfFailed', () => {
  it('serves the last known items of an account whose vendor is down, marked stale, beside its failure', async () => {
    const key = account('chronosphere');
    const scanned = await fleet.h.gql(SCAN, { account: key });
    expect(scanned.data).toMatchObject({ scanAccount: { __typename: 'ScanAccountPayload', error: null } });
    const live = (await fleet.h.gql(LIST, { filter: { accounts: [key] } })).data as unknown as Page;
    expect(live.connections.nodes.length).toBeGreaterThan(0);
    expect(live.connections.nodes.every((node) => !node.stale)).toBe(true);

    fleet.sim('chronosphere').server.addFault({ response: { status: 503, body: { message: 'down for the test' } } });
    try {
      const plain = (await fleet.h.gql(LIST, { filter: { accounts: [key] } })).data as unknown as Page;
      expect(plain.connections.nodes).toEqual([]);
      expect(plain.connections.failures).toEqual([expect.objectContaining({ account: { key }, part: null })]);

      const stale = (await fleet.h.gql(LIST, { staleIfFailed: true, filter: { accounts: [key] } })).data as unknown as Page;
      expect(stale.connections.failures).toEqual([expect.objectContaining({ account: { key }, part: null })]);
      expect(stale.connections.nodes.map((n) => n.id).sort()).toEqual(live.connections.nodes.map((n) => n.id).sort());
      for (const node of stale.connections.nodes) {
        expect(node.stale).toBe(true);
        expect(new Date(node.observedAt).getTime()).toBeLessThanOrEqual(Date.now());
      }

      // A scan while it is down records the account FAILING (and compares nothing).
      const failing = await fleet.h.gql(SCAN, { account: key });
      expect(failing.data).toMatchObject({ scanAccount: { changes: [], error: { __typename: 'VendorUnavailableError' } } });
    } finally {
      fleet.sim('chronosphere').server.clearFaults();
    }
  });

  it('tells health transitions: FAILING, then RECOVERED once a scan reads the account again', async () => {
    const key = account('chronosphere');
    const health = () => events.flatMap((e) => (e.type === 'account.health_changed' && e.health.account === key ? [e.health.status] : []));
    expect(health()).toEqual(['FAILING']);
    await fleet.h.gql(SCAN, { account: key });
    expect(health()).toEqual(['FAILING', 'RECOVERED']);
  });
});
