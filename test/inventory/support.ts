import type { AccountConfig } from '../../src/core/config/schema.js';
import { startSimulators, stopSimulators, type RunningSimulator } from '../../src/simulators/index.js';
import { openStore, type Store } from '../../src/core/store/store.js';
import { startHarness, type Harness } from '../support/harness.js';

/** Every simulator with its demo account, a seeded store and a gateway over them. */
export interface Fleet {
  readonly simulators: readonly RunningSimulator[];
  readonly accounts: readonly AccountConfig[];
  readonly store: Store;
  readonly h: Harness;
  sim(vendor: string): RunningSimulator['simulator'];
  close(): Promise<void>;
}

export async function startFleet(
  options: { gateway?: Parameters<typeof startHarness>[0]['gateway']; accounts?: (base: AccountConfig[]) => AccountConfig[]; resilience?: Parameters<typeof startHarness>[0]['resilience'] } = {},
): Promise<Fleet> {
  const simulators = await startSimulators();
  const base = simulators.map(({ kit, baseUrl }) => kit.demoAccount(baseUrl));
  const accounts = options.accounts ? options.accounts(base) : base;
  const store = await openStore({ dataDir: null });
  for (const { kit } of simulators) {
    const account = base.find((a) => a.vendor === kit.vendor);
    if (account) await kit.seedStore?.(store, account.id);
  }
  const h = await startHarness({ accounts, store, ...(options.gateway ? { gateway: options.gateway } : {}), ...(options.resilience ? { resilience: options.resilience } : {}) });
  return {
    simulators,
    accounts,
    store,
    h,
    sim: (vendor) => {
      const found = simulators.find((s) => s.kit.vendor === vendor);
      if (!found) throw new Error(`no ${vendor} simulator`);
      return found.simulator;
    },
    close: async () => {
      await h.close();
      await stopSimulators(simulators);
      await store.close();
    },
  };
}

/** Requests a simulator received, without auth handshakes (Digest challenges, OAuth tokens). */
export function vendorRequests(fleet: Fleet, vendor: string): { method: string; path: string }[] {
  return fleet.sim(vendor).server.requests.filter((r) => !r.path.endsWith('/oauth/token'));
}
