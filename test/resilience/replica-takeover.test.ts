import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { openPglite, type SqlClient } from '../../src/core/store/sql.js';
import { createStore, type Store } from '../../src/core/store/store.js';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';

/**
 * Two gateways ("replicas") over one store. The first stands for a replica that dies right after
 * its vendor write: its store never takes the mutation's record, nor a lease renewal (its spool
 * holds the record until it is closed, as a killed process never stores it). The second meets the
 * key after the lease lapsed and must settle it without writing again.
 */

const TOKEN = 'cs-takeover-token';
const CS_CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) { createChronosphereExternalConnection(input: $input) {
  __typename
  ... on Error { message }
  ... on OutcomeUnknownError { check }
  ... on MutationInProgressError { retryAfterSeconds }
  ... on ChronosphereExternalConnectionPayload { connection { id slug name } }
} }`;
const DD_CREATE = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) {
  __typename
  ... on Error { message }
  ... on OutcomeUnknownError { check vendor account }
  ... on MutationInProgressError { retryAfterSeconds }
  ... on DatadogActionConnectionPayload { connection { id connectionId name } }
} }`;
const UNCONFIRMED = `{ unconfirmedWrites { id accountKey operation reason summary } }`;

let sql: SqlClient;
let cs: ChronosphereSimulator;
let dd: DatadogSimulator;
let accounts: AccountConfig[];
let survivor: Harness;
let survivorStore: Store;

/** A store that takes nothing a dead replica would write after its vendor call (its write intents stay pending). */
function dyingStore(store: Store): Store {
  const gone = () => Promise.reject(Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' }));
  return { ...store, recordMutation: gone, renewIdempotencyKey: gone, trackDatadogConnection: gone, finishWrite: gone, markWriteUnconfirmed: gone };
}

/** Runs `mutation` on a replica that dies after its vendor write; resolves once that replica is gone. */
async function onDyingReplica(query: string, variables: Record<string, unknown>, leaseSeconds = 1): Promise<unknown> {
  const dying = await startHarness({ accounts, store: dyingStore(await createStore(sql, { replicaId: 'dying-replica' })), gateway: { idempotencyLeaseSeconds: leaseSeconds } });
  try {
    return (await dying.gql(query, variables)).data;
  } finally {
    await dying.runtime.deps.spool.close(0);
    await dying.close();
  }
}

const posts = (sim: { server: { requests: readonly { method: string }[] } }) => sim.server.requests.filter((r) => r.method === 'POST').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  sql = await openPglite(null);
  cs = createChronosphereSimulator({ apiToken: TOKEN });
  dd = createDatadogSimulator();
  accounts = [
    { id: 'cs', vendor: 'chronosphere', baseUrl: await cs.server.listen(), apiToken: TOKEN },
    { id: 'dd', vendor: 'datadog', baseUrl: await dd.server.listen(), apiKey: 'k', appKey: 'a' },
  ];
  survivorStore = await createStore(sql, { replicaId: 'survivor' });
  survivor = await startHarness({ accounts, store: survivorStore, gateway: { idempotencyLeaseSeconds: 1 } });
});
afterAll(async () => {
  await survivor.close();
  await survivorStore.close();
  await cs.server.close();
  await dd.server.close();
});

describe('a key whose replica died mid-write', () => {
  it('Chronosphere: the next replica settles it by reading the slug back, with no second create', async () => {
    const input = { account: 'cs', idempotencyKey: 'died-cs-1', slug: 'died-once', name: 'Died once', target: { sendgrid: { apiKey: 'SG.died-canary' } } };
    cs.server.clearRequests();
    await onDyingReplica(CS_CREATE, { input }, 3);
    expect(posts(cs)).toBe(1);
    // Within the lease, the key is still the dead replica's.
    const early = await survivor.gql(CS_CREATE, { input });
    expect(early.data?.['createChronosphereExternalConnection']).toMatchObject({ __typename: 'MutationInProgressError', retryAfterSeconds: expect.any(Number) });
    const wait = (early.data?.['createChronosphereExternalConnection'] as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(3);
    await sleep(wait * 1000 + 100);
    const settled = await survivor.gql(CS_CREATE, { input });
    expect(settled.data?.['createChronosphereExternalConnection']).toMatchObject({ __typename: 'ChronosphereExternalConnectionPayload', connection: { slug: 'died-once', name: 'Died once' } });
    expect(posts(cs)).toBe(1);
    // Recorded: the next retry replays it without asking Chronosphere at all.
    cs.server.clearRequests();
    const replay = await survivor.gql(CS_CREATE, { input });
    expect(replay.data).toEqual(settled.data);
    expect(cs.server.requests).toHaveLength(0);
    const audit = await survivor.store.listAudit({ operation: 'createChronosphereExternalConnection', limit: 3 });
    expect(audit.map((a) => a.outcome)).toEqual(['REPLAYED', 'SETTLED', 'MutationInProgressError']);
    expect(JSON.stringify(audit)).not.toContain('died-canary');
  });

  it('Chronosphere: a create that never reached the vendor is OutcomeUnknownError, read again on every try, never sent again', async () => {
    const input = { account: 'cs', idempotencyKey: 'died-cs-2', slug: 'never-sent', name: 'Never sent', target: { sendgrid: { apiKey: 'SG.never' } } };
    // The dying replica's POST is cut off before Chronosphere handles it: nothing at the vendor.
    cs.server.addFault({ match: { method: 'POST' }, times: 1, action: 'reset' });
    await onDyingReplica(CS_CREATE, { input });
    await sleep(1_100);
    cs.server.clearRequests();
    for (let round = 0; round < 2; round++) {
      const answer = await survivor.gql(CS_CREATE, { input });
      expect(answer.data?.['createChronosphereExternalConnection']).toMatchObject({ __typename: 'OutcomeUnknownError', check: expect.stringContaining('Ask again with the same key') });
      expect(JSON.stringify(answer.data)).not.toMatch(/use a new key/i);
    }
    expect(posts(cs)).toBe(0);
    expect(cs.server.requests.filter((r) => r.method === 'GET').length).toBe(2);
  });

  it('Datadog: OutcomeUnknownError, kept under the key, and no second create', async () => {
    const input = { account: 'dd', name: 'died-dd', idempotencyKey: 'died-dd-1', integration: { openAi: { apiToken: 'sk-died-0123456789abcdef' } } };
    dd.server.clearRequests();
    await onDyingReplica(DD_CREATE, { input });
    expect(posts(dd)).toBe(1);
    await sleep(1_100);
    const first = await survivor.gql(DD_CREATE, { input });
    expect(first.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'OutcomeUnknownError', vendor: 'DATADOG', account: 'dd', check: expect.stringContaining('unconfirmedWrites') });
    expect(JSON.stringify(first.data)).not.toMatch(/use a new key/i);
    const again = await survivor.gql(DD_CREATE, { input });
    expect(again.data).toEqual(first.data);
    expect(posts(dd)).toBe(1);
    expect(first.raw).not.toContain('sk-died');
    // The intent the dead replica recorded before sending is listed for an operator at once (not 15 minutes later).
    const listed = await survivor.gql(UNCONFIRMED);
    expect(listed.data?.['unconfirmedWrites']).toContainEqual(expect.objectContaining({ accountKey: 'dd', operation: 'createDatadogActionConnection', reason: 'INTERRUPTED', summary: 'died-dd' }));
  });
});

describe('a key whose replica is still running', () => {
  it('answers MutationInProgressError with retryAfterSeconds for as long as the owner renews, then the outcome', async () => {
    const input = { account: 'cs', idempotencyKey: 'slow-cs-1', slug: 'slow-one', name: 'Slow one', target: { sendgrid: { apiKey: 'SG.slow' } } };
    cs.server.clearRequests();
    cs.server.addFault({ match: { method: 'POST' }, times: 1, delayMs: 2_500 });
    const running = survivor.gql(CS_CREATE, { input });
    // Well past the 1 s lease: only renewals keep the key held.
    for (const wait of [300, 1_000, 700]) {
      await sleep(wait);
      const meanwhile = await survivor.gql(CS_CREATE, { input });
      expect(meanwhile.data?.['createChronosphereExternalConnection']).toMatchObject({ __typename: 'MutationInProgressError', retryAfterSeconds: 1 });
    }
    const done = await running;
    expect(done.data?.['createChronosphereExternalConnection']).toMatchObject({ __typename: 'ChronosphereExternalConnectionPayload' });
    const after = await survivor.gql(CS_CREATE, { input });
    expect(after.data).toEqual(done.data);
    expect(posts(cs)).toBe(1);
  });
});
