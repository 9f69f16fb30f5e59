import type { AccountConfig } from '../core/config/schema.js';
import type { Store } from '../core/store/store.js';
import type { Simulator } from './base.js';

/** How a kit's simulator is started. */
export interface SimulatorStartOptions {
  /** Lift the vendor's own request budgets (benchmarks): a throttled benchmark measures the throttle. */
  readonly unthrottled?: boolean;
}

/** What demo mode and `npm run simulators` need from one vendor's simulator. */
export interface SimulatorKit<Account extends AccountConfig = AccountConfig> {
  create(options?: SimulatorStartOptions): Simulator;
  /** The account demo mode configures for this simulator (made-up credentials it accepts). */
  demoAccount(baseUrl: string): Account;
  /** Puts into the store what the vendor cannot tell Patchbay about the seed (nothing, for most). */
  seedStore(store: Store, accountId: string): Promise<void>;
}
