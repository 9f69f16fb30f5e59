import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATADOG_SEED_CONNECTION_IDS } from '../../src/simulators/datadog/seed.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { openStore, type Store } from '../../src/core/store/store.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';
import { startHarness, type Harness } from '../support/harness.js';
import { CREATE, GET, LIST, TRACK, UNTRACK, at, connectionGid, datadogAccount, field, list, text, unique } from './support.js';

/*
 * Acceptance, issue 2: tracked connections and audit rows survive a restart, on PGlite (a data
 * directory) and on PostgreSQL (when PATCHBAY_TEST_DATABASE_URL is set; a fresh schema per run).
 */

const ACCOUNT = 'dd-persist';

let sim: DatadogSimulator;

beforeAll(async () => {
  sim = createDatadogSimulator();
  await sim.server.listen();
});
afterAll(async () => {
  await sim?.server.close();
});

/** A gateway over `store`, as a (re)started process would build it. */
function gateway(store: Store): Promise<Harness> {
  return startHarness({ accounts: [datadogAccount(ACCOUNT, sim.server.baseUrl)], store });
}

/** Writes through GraphQL, stops the gateway and its store, opens both again, and reads. */
async function restartScenario(open: () => Promise<Store>): Promise<void> {
  let store = await open();
  let h = await gateway(store);
  let closed = false;
  try {
    const name = unique('Persisted');
    const created = field(await h.gql(CREATE, { input: { account: ACCOUNT, name, integration: { split: { apiKey: unique('split-key') } } } }));
    expect(created['__typename'], JSON.stringify(created)).toBe('DatadogActionConnectionPayload');
    const createdId = text(at(created, 'connection', 'id'));
    const adopted = DATADOG_SEED_CONNECTION_IDS.serviceNow;
    const adoptedId = connectionGid(ACCOUNT, adopted);
    expect(field(await h.gql(TRACK, { account: ACCOUNT, connectionId: adopted }))['__typename']).toBe('DatadogActionConnectionPayload');
    const listedBefore = field(await h.gql(LIST, { filter: { accounts: [ACCOUNT] } }), 'connections');
    const auditBefore = await store.listAudit({ limit: 1000 });
    expect(auditBefore.slice(0, 2).map((r) => [r.operation, r.account, r.targetId, r.outcome])).toEqual([
      ['trackDatadogActionConnection', ACCOUNT, adoptedId, 'OK'],
      ['createDatadogActionConnection', ACCOUNT, createdId, 'OK'],
    ]);

    await h.close();
    await store.close();
    closed = true;
    expect(await store.ping()).toBe(false);

    store = await open();
    h = await gateway(store);
    closed = false;
    const listedAfter = field(await h.gql(LIST, { filter: { accounts: [ACCOUNT] } }), 'connections');
    expect(listedAfter).toEqual(listedBefore);
    expect(list(listedAfter['nodes']).map((n) => at(n, 'id'))).toEqual(expect.arrayContaining([createdId, adoptedId]));
    expect(at(field(await h.gql(GET, { id: createdId })), 'name')).toBe(name);
    expect(await store.listAudit({ limit: 1000 })).toEqual(auditBefore);

    // The reopened store keeps taking writes.
    expect(field(await h.gql(UNTRACK, { id: adoptedId }))['__typename']).toBe('DeletedConnectionPayload');
    const rows = await store.listAudit({ limit: 1 });
    expect(rows.map((r) => [r.operation, r.targetId, r.outcome])).toEqual([['untrackDatadogActionConnection', adoptedId, 'OK']]);
    expect(rows[0]?.id).toBeGreaterThan(auditBefore[0]?.id ?? Number.POSITIVE_INFINITY);
  } finally {
    await h.close();
    if (!closed) await store.close();
  }
}

describe('on PGlite in a data directory', () => {
  let parent = '';
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'patchbay-dd-restart-'));
  });
  afterAll(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('tracked connections and audit rows survive a restart', async () => {
    await restartScenario(() => openStore({ dataDir: join(parent, 'data') }));
  });
});

describe.skipIf(PG_URL === '')('on PostgreSQL (PATCHBAY_TEST_DATABASE_URL)', () => {
  let url = '';
  let drop: () => Promise<void> = async () => {};

  beforeAll(async () => {
    ({ url, drop } = await freshSchema('patchbay_dd_restart'));
  });
  afterAll(async () => {
    await drop();
  });

  it('tracked connections and audit rows survive a restart', async () => {
    await restartScenario(() => openStore({ databaseUrl: url }));
  });
});
