import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store/store.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { sharedMemoryStore, startHarness, type Harness } from '../support/harness.js';

/** A store whose mutation records fail while `down` is set, as a store that is down or stalled does. */
const outage = { down: false, refused: 0 };

const CREATE = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) {
  __typename
  ... on Error { message }
  ... on DatadogActionConnectionPayload { connection { connectionId name } }
} }`;

let sim: DatadogSimulator;
let h: Harness;

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

beforeAll(async () => {
  sim = createDatadogSimulator();
  await sim.server.listen();
  const real = await sharedMemoryStore();
  const flaky: Store = {
    ...real,
    recordMutation: (record) => {
      if (!outage.down) return real.recordMutation(record);
      outage.refused++;
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    },
  };
  h = await startHarness({ accounts: [{ id: 'dd-spool', vendor: 'datadog', baseUrl: sim.server.baseUrl, apiKey: 'k', appKey: 'a' }], store: flaky });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});

describe('mutation records while the store cannot take them', () => {
  it('a vendor success stays a success; its audit row and outcome are spooled, then stored when the store is back', async () => {
    outage.down = true;
    const input = { account: 'dd-spool', name: 'spooled', idempotencyKey: 'spool-1', integration: { openAi: { apiToken: 'sk-spool-canary-0123456789' } } };
    const done = await h.gql(CREATE, { input });
    expect(done.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'DatadogActionConnectionPayload', connection: { name: 'spooled' } });
    expect(outage.refused).toBeGreaterThanOrEqual(1);
    expect(await h.store.listAudit({ operation: 'createDatadogActionConnection', accounts: ['dd-spool'] })).toEqual([]);
    expect(h.runtime.deps.spool.pending).toBe(1);
    const during = await h.runtime.metrics.render();
    expect(metric(during, 'patchbay_mutation_records_spooled_total')).toBe(1);
    expect(metric(during, 'patchbay_mutation_records_pending')).toBe(1);

    outage.down = false;
    expect(await until(async () => (await h.store.listAudit({ operation: 'createDatadogActionConnection', accounts: ['dd-spool'] })).length === 1, 8_000)).toBe(true);
    const [row] = await h.store.listAudit({ operation: 'createDatadogActionConnection', accounts: ['dd-spool'] });
    expect(row?.outcome).toBe('OK');
    const after = await h.runtime.metrics.render();
    expect(metric(after, 'patchbay_mutation_records_pending')).toBe(0);
    expect(metric(after, 'patchbay_mutation_records_flushed_total')).toBe(1);
    expect(metric(after, 'patchbay_mutation_records_dropped_total')).toBe(0);

    // The outcome went in with the audit row: the same key replays it, with no second create.
    sim.server.clearRequests();
    const replay = await h.gql(CREATE, { input });
    expect(replay.data).toEqual(done.data);
    expect(sim.server.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    // Logged without the secret.
    expect(h.logger.lines.some((l) => l.includes('spooled'))).toBe(true);
    expect(h.logger.lines.join('\n')).not.toContain('sk-spool-canary');
  });

  it('records still spooled when the gateway closes are dropped, logged and counted, not lost silently', async () => {
    const other = await startHarness({ accounts: [{ id: 'dd-spool', vendor: 'datadog', baseUrl: sim.server.baseUrl, apiKey: 'k', appKey: 'a' }], store: h.runtime.deps.store });
    outage.down = true;
    try {
      // This harness's store is the first one's gateway view, whose record calls go to the flaky store.
      await other.gql(CREATE, { input: { account: 'dd-spool', name: 'dropped', integration: { openAi: { apiToken: 'sk-drop-0123456789' } } } });
      expect(other.runtime.deps.spool.pending).toBe(1);
      await other.close();
      expect(other.runtime.deps.spool.pending).toBe(0);
      expect(metric(await other.runtime.metrics.render(), 'patchbay_mutation_records_dropped_total')).toBe(1);
      expect(other.logger.lines.some((l) => l.includes('mutation record dropped'))).toBe(true);
    } finally {
      outage.down = false;
    }
  });
});
