import type { VendorGraphQL } from '../../schema/vendors.js';
import type { VendorRuntime } from '../app/vendor-runtime.js';
import type { AccountConfig } from '../core/config/schema.js';
import type { ConnectionBase } from '../core/domain.js';
import type { SimulatorKit } from '../simulators/kit.js';

/**
 * A whole vendor: what the shared code asks of it at run time (its runtime), how it shows in the
 * graph (its member of `IntegrationConnection` and its `Vendor` value), and the simulator demo
 * mode and the tests run it against. Each `src/vendors/<vendor>/index.ts` exports one;
 * `src/vendors/index.ts` lists them all. Every member is required, so the compiler refuses a
 * module that forgets one.
 */
export interface VendorModule<Account extends AccountConfig = AccountConfig, Client = unknown, Connection extends ConnectionBase = ConnectionBase, Key = unknown, Loaders = unknown>
  extends VendorRuntime<Account, Client, Connection, Key, Loaders> {
  readonly graphql: VendorGraphQL<Connection>;
  readonly simulator: SimulatorKit<Account>;
}
