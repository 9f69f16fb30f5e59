import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store/store.js';
import { sharedMemoryStore } from '../support/harness.js';
import { API_PATHS, CREATE, field, requestsOf, startDatadogEnv, text, unique, type DatadogEnv } from './support.js';

/*
 * Issue 9, point 6, for creates: Datadog cannot list connections, so one Patchbay created but
 * does not track is invisible. The intent is recorded before the POST; a create whose outcome is
 * unknown, or whose id could not be tracked, stays listed as an UnconfirmedWrite (and counted in
 * `accounts { health }`) until an operator tracks it or dismisses it. Store calls end at the
 * request deadline.
 */

const UNCONFIRMED = `query($account: String) { unconfirmedWrites(account: $account) { id accountKey account { key } operation summary caller reason resourceId createdAt check } }`;
const HEALTH = `{ accounts { key health { unconfirmedWrites } } }`;
const TRACK = `mutation($input: TrackDatadogActionConnectionInput!) { result: trackDatadogActionConnection(input: $input) { __typename ... on DatadogActionConnectionPayload { connection { connectionId } } ... on Error { message } } }`;
const PREVIEW_DISMISS = `mutation($id: ID!) { result: dismissUnconfirmedWrite(input: { id: $id, dryRun: true }) {
  __typename ... on WritePreview { operation targetId vendorValidated after { path } changes { path kind secret } } ... on Error { message }
} }`;
const DISMISS = `mutation($id: ID!) { result: dismissUnconfirmedWrite(input: { id: $id }) { __typename ... on UnconfirmedWriteDismissedPayload { write { id summary } } ... on Error { message } } }`;

interface Listed {
  readonly id: string;
  readonly accountKey: string;
  readonly operation: string;
  readonly summary: string | null;
  readonly reason: string;
  readonly resourceId: string | null;
  readonly check: string;
}

function createInput(account: string, name: string) {
  return { input: { account, name, integration: { openAi: { apiToken: unique('sk-token') } } } };
}

async function listed(env: DatadogEnv, account: string): Promise<Listed[]> {
  const result = await env.gql(UNCONFIRMED, { account });
  expect(result.errors, result.raw).toBeUndefined();
  return result.data?.['unconfirmedWrites'] as Listed[];
}

async function healthCount(env: DatadogEnv, account: string): Promise<unknown> {
  const result = await env.gql(HEALTH);
  return (result.data?.['accounts'] as { key: string; health: { unconfirmedWrites: number | null } }[]).find((a) => a.key === account)?.health.unconfirmedWrites;
}

describe('a create whose tracking fails (a failing store)', () => {
  const ACCOUNT = 'dd-uw-track';
  let env: DatadogEnv;
  let failTracking = true;

  beforeAll(async () => {
    const real = await sharedMemoryStore();
    const store: Store = {
      ...real,
      async trackDatadogConnection(account, connectionId, name) {
        if (failTracking) throw new Error('disk full');
        return real.trackDatadogConnection(account, connectionId, name);
      },
    };
    env = await startDatadogEnv({ accounts: [ACCOUNT], store });
  });
  afterAll(async () => {
    await env.close();
  });

  it('still reports the create (it happened), and leaves an UnconfirmedWrite with the new id, counted in health', async () => {
    expect(await listed(env, ACCOUNT)).toEqual([]);
    const name = unique('untracked');
    const created = field(await env.gql(CREATE, createInput(ACCOUNT, name)));
    expect(created['__typename']).toBe('DatadogActionConnectionPayload');
    const connectionId = text((created['connection'] as Record<string, unknown>)['connectionId']);
    const [write, ...more] = await listed(env, ACCOUNT);
    expect(more).toEqual([]);
    expect(write).toMatchObject({ accountKey: ACCOUNT, operation: 'createDatadogActionConnection', summary: name, reason: 'RECORD_FAILED', resourceId: connectionId });
    expect(write?.check).toContain(connectionId);
    expect(await healthCount(env, ACCOUNT)).toBe(1);
  });

  it('is resolved by tracking the id with unconfirmedWriteId', async () => {
    failTracking = false;
    const [write] = await listed(env, ACCOUNT);
    if (!write?.resourceId) throw new Error('expected an unconfirmed write with an id');
    const tracked = field(await env.gql(TRACK, { input: { account: ACCOUNT, connectionId: write.resourceId, unconfirmedWriteId: write.id } }));
    expect(tracked['__typename']).toBe('DatadogActionConnectionPayload');
    expect(await listed(env, ACCOUNT)).toEqual([]);
    expect(await healthCount(env, ACCOUNT)).toBe(0);
    expect(await env.h.store.isTrackedDatadogConnection(ACCOUNT, write.resourceId)).toBe(true);
  });

  it('tracking refuses an unconfirmedWriteId that names no unconfirmed write of the account', async () => {
    const result = field(await env.gql(TRACK, { input: { account: ACCOUNT, connectionId: '0b6f3c1e-5a2d-4e8f-9c71-3d4a5b6c7e80', unconfirmedWriteId: '999999' } }));
    expect(result).toMatchObject({ __typename: 'InputValidationError' });
  });
});

describe('a create whose outcome is unknown', () => {
  const ACCOUNT = 'dd-uw-lost';
  let env: DatadogEnv;

  beforeAll(async () => {
    env = await startDatadogEnv({ accounts: [ACCOUNT] });
  });
  afterAll(async () => {
    await env.close();
  });

  it('a lost answer, and a 201 whose body cannot be read, each stay listed; a refusal does not', async () => {
    const lost = unique('lost');
    env.sim.server.addFault({ match: { method: 'POST', path: API_PATHS.connections }, times: 1, action: 'applied-reset' });
    expect(field(await env.gql(CREATE, createInput(ACCOUNT, lost)))['__typename']).toBe('OutcomeUnknownError');
    const garbled = unique('garbled');
    env.sim.server.addFault({ match: { method: 'POST', path: API_PATHS.connections }, times: 1, action: 'malformed' });
    expect(field(await env.gql(CREATE, createInput(ACCOUNT, garbled)))['__typename']).toBe('VendorContractError');
    env.sim.server.addFault({ match: { method: 'POST', path: API_PATHS.connections }, times: 1, response: { status: 400, body: { errors: ['Bad Request'] } } });
    expect(field(await env.gql(CREATE, createInput(ACCOUNT, unique('refused'))))['__typename']).toBe('VendorValidationError');
    const writes = await listed(env, ACCOUNT);
    expect(writes.map((w) => [w.summary, w.reason, w.resourceId])).toEqual([
      [lost, 'OUTCOME_UNKNOWN', null],
      [garbled, 'OUTCOME_UNKNOWN', null],
    ]);
    expect(await healthCount(env, ACCOUNT)).toBe(2);
  });

  it('an operator dismisses one; it is gone from the list and the audit log names it', async () => {
    const [first] = await listed(env, ACCOUNT);
    if (!first) throw new Error('expected an unconfirmed write');
    // A dry run previews the dismissal (the listed write goes) and leaves it listed.
    const preview = field(await env.gql(PREVIEW_DISMISS, { id: first.id }));
    expect(preview).toMatchObject({ __typename: 'WritePreview', operation: 'dismissUnconfirmedWrite', targetId: first.id, after: null, vendorValidated: false });
    expect(preview['changes']).toContainEqual({ path: 'listed', kind: 'REMOVED', secret: false });
    expect((await listed(env, ACCOUNT)).map((w) => w.id)).toContain(first.id);
    const dismissed = field(await env.gql(DISMISS, { id: first.id }));
    expect(dismissed).toMatchObject({ __typename: 'UnconfirmedWriteDismissedPayload', write: { id: first.id, summary: first.summary } });
    expect((await listed(env, ACCOUNT)).map((w) => w.id)).not.toContain(first.id);
    expect(field(await env.gql(DISMISS, { id: first.id }))['__typename']).toBe('NotFoundError');
    const [audit] = await env.h.store.listAudit({ operation: 'dismissUnconfirmedWrite', limit: 1 });
    expect(audit).toMatchObject({ account: ACCOUNT, outcome: 'OK' });
  });
});

describe('the store, before and during a create', () => {
  it('a store that cannot record the intent: the create is refused and nothing is sent', async () => {
    const real = await sharedMemoryStore();
    const store: Store = { ...real, beginWrite: () => Promise.reject(new Error('connection refused')) };
    const env = await startDatadogEnv({ accounts: ['dd-uw-nostore'], store });
    try {
      const result = field(await env.gql(CREATE, createInput('dd-uw-nostore', unique('never'))));
      expect(result['__typename']).toBe('StoreUnavailableError');
      expect(requestsOf(env.sim, 'POST')).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it('a store that fails while listing: one account’s failure in the inventory, not a failed request', async () => {
    const real = await sharedMemoryStore();
    const store: Store = { ...real, listTrackedDatadogConnections: () => Promise.reject(Object.assign(new Error('terminating connection'), { code: '57P01' })) };
    const env = await startDatadogEnv({ accounts: ['dd-uw-down'], store });
    try {
      const result = await env.gql('{ connections { totalCount failures { account { key } error { __typename message } } } }');
      expect(result.errors, result.raw).toBeUndefined();
      expect(result.data?.['connections']).toEqual({
        totalCount: 0,
        failures: [{ account: { key: 'dd-uw-down' }, error: { __typename: 'StoreUnavailableError', message: "Patchbay's store failed (57P01)." } }],
      });
    } finally {
      await env.close();
    }
  });

  it('a stalled store: the request ends at its deadline with StoreUnavailableError, not when the store wakes up', async () => {
    const real = await sharedMemoryStore();
    const store: Store = { ...real, beginWrite: () => new Promise<never>(() => {}) };
    const env = await startDatadogEnv({ accounts: ['dd-uw-stall'], store, gateway: { requestDeadlineMs: 400 } });
    try {
      const started = performance.now();
      const result = field(await env.gql(CREATE, createInput('dd-uw-stall', unique('stalled'))));
      expect(result['__typename']).toBe('StoreUnavailableError');
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(requestsOf(env.sim, 'POST')).toEqual([]);
    } finally {
      await env.close();
    }
  });
});
