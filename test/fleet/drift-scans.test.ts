import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { openStore, type Store } from '../../src/core/store/store.js';
import type { ScanRunRow } from '../../src/core/store/history-store.js';
import { createRuntime, defaultGatewayConfig, type Runtime } from '../../src/server/runtime.js';
import { startSimulators, stopSimulators, type RunningSimulator } from '../../src/simulators/index.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';

/*
 * Issue 15 acceptance: two replicas on one PostgreSQL scan in the background, and each account is
 * scanned by one of them at a time (the scan lease); a replica that stopped mid-scan (its lease
 * never released) hands the account over once the lease lapses.
 */

describe.skipIf(PG_URL === '')('drift scans across replicas', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let simulators: readonly RunningSimulator[];
  let accounts: AccountConfig[];
  const stores: Store[] = [];
  const replicas: Runtime[] = [];

  const replica = async (replicaId: string): Promise<Runtime> => {
    const store = await openStore({ databaseUrl: schema.url, replicaId });
    stores.push(store);
    const base = defaultGatewayConfig();
    // A short deadline keeps the scan lease short (it lapses a deadline and two seconds after a scan starts).
    const gateway = { ...base, requestDeadlineMs: 1_000, history: { scanIntervalSeconds: 1, scanJitter: 0, scanConcurrency: 2 } };
    const runtime = createRuntime({ accounts, gateway, store, logger: createMemoryLogger(), driftScans: true });
    replicas.push(runtime);
    return runtime;
  };

  beforeAll(async () => {
    schema = await freshSchema();
    simulators = await startSimulators();
    accounts = simulators.map(({ kit, baseUrl }) => kit.demoAccount(baseUrl));
    // Every vendor answers slowly, so that two scans of one account would overlap if both ran.
    for (const { simulator } of simulators) simulator.server.addFault({ match: { method: 'GET' }, delayMs: 60 });
  }, 60_000);

  afterAll(async () => {
    for (const runtime of replicas) await runtime.close();
    for (const store of stores) await store.close();
    if (simulators) await stopSimulators(simulators);
    await schema?.drop();
  });

  it('scans each account on one replica at a time, and both replicas take turns', async () => {
    await replica('replica-a');
    await replica('replica-b');
    const store = stores[0];
    if (!store) throw new Error('store');
    const runs = async (): Promise<ScanRunRow[]> => store.listScanRuns(undefined, 1000);
    for (let i = 0; i < 200 && new Set((await runs()).map((run) => run.account)).size < accounts.length; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    // Let each account be scanned a few times.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const all = await runs();
    for (const account of accounts) {
      const mine = all.filter((run) => run.account === account.id).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
      expect(mine.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < mine.length; i++) {
        const previous = mine[i - 1];
        const run = mine[i];
        if (!previous || !run) continue;
        // Never two at once: each run starts after the one before it ended.
        expect(run.startedAt.getTime()).toBeGreaterThanOrEqual(previous.finishedAt.getTime());
      }
    }
    expect(new Set(all.map((run) => run.replica))).toEqual(new Set(['replica-a', 'replica-b']));
    // The first scan of each account was its baseline: no changes were invented.
    expect(await store.listChanges({ limit: 10 })).toEqual([]);
  }, 30_000);

  it('hands an account over when the replica scanning it stopped without releasing its lease', async () => {
    const dead = await openStore({ databaseUrl: schema.url, replicaId: 'replica-dead' });
    stores.push(dead);
    const account = accounts[0]?.id ?? '';
    // The "dead" replica claims the account's scan (for 3 s) and never finishes it.
    expect((await dead.claimScan(account, 3, true)).claimed).toBe(true);
    const claimedAt = Date.now();
    const store = stores[0];
    if (!store) throw new Error('store');
    let taken: ScanRunRow | undefined;
    for (let i = 0; i < 200 && taken === undefined; i++) {
      taken = (await store.listScanRuns(account, 50)).find((run) => run.startedAt.getTime() > claimedAt);
      if (taken === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(taken).toBeDefined();
    // Not before the lease lapsed (a second of slack for the clocks of this process and the server).
    expect((taken?.startedAt.getTime() ?? 0) - claimedAt).toBeGreaterThanOrEqual(2_000);
    expect(['replica-a', 'replica-b']).toContain(taken?.replica);
  }, 30_000);
});
