import type { AccountConfig } from '../core/config/schema.js';
import type { Logger } from '../core/logger.js';
import { openStore, type Store } from '../core/store/store.js';
import { startSimulators, stopSimulators, type RunningSimulator } from '../simulators/index.js';
import type { VendorModule } from '../vendors/module.js';

/** What demo mode runs: every vendor's simulator, one account on each, and a store seeded to match. */
export interface Demo {
  readonly accounts: readonly AccountConfig[];
  readonly store: Store;
  readonly simulators: readonly RunningSimulator[];
  close(): Promise<void>;
}

/**
 * Starts demo mode for `vendors` (the registry by default): each vendor's simulator on
 * 127.0.0.1, the demo account its kit describes, and a throwaway store holding what the vendor
 * cannot tell Patchbay about its seed (e.g. the Datadog connection ids Patchbay would track).
 */
export async function startDemo(options: { logger: Logger; vendors?: readonly VendorModule[] }): Promise<Demo> {
  const simulators = await startSimulators(options.vendors ? { vendors: options.vendors } : {});
  let store: Store | null = null;
  try {
    store = await openStore({ dataDir: null, logger: options.logger });
    const accounts = simulators.map(({ kit, baseUrl }) => kit.demoAccount(baseUrl));
    for (const [index, { kit }] of simulators.entries()) {
      const account = accounts[index];
      if (account) await kit.seedStore(store, account.id);
    }
    const opened = store;
    return {
      accounts,
      store: opened,
      simulators,
      close: async () => {
        await opened.close();
        await stopSimulators(simulators);
      },
    };
  } catch (error) {
    await store?.close();
    await stopSimulators(simulators);
    throw error;
  }
}
