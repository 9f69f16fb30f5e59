import type { ObjectRef } from '@pothos/core';
import type { VendorRuntime } from '../app/vendor-runtime.js';
import type { AccountConfig } from '../core/config/schema.js';
import type { ConnectionBase } from '../core/domain.js';
import type { SimulatorKit } from '../simulators/kit.js';
import type { builder } from '../../schema/builder.js';

/** How a vendor shows in the graph. */
export interface VendorGraphQL<Connection> {
  /** Its value of the `Vendor` enum, e.g. `MONGODB_CLOUD_MANAGER`. */
  readonly enumValue: string;
  /** The enum value's description. */
  readonly description: string;
  /** Its connections' object type: a member of `IntegrationConnection` implementing `VendorConnection`. */
  readonly member: ObjectRef<(typeof builder)['$inferSchemaTypes'], Connection>;
}

/**
 * A whole vendor: what the shared code asks of it at run time, how it shows in the graph, and
 * the simulator demo mode and the tests run it against. `src/vendors/index.ts` lists them all.
 */
export interface VendorModule<Account extends AccountConfig = AccountConfig, Client = unknown, Connection extends ConnectionBase = ConnectionBase, Key = unknown, Loaders = unknown>
  extends VendorRuntime<Account, Client, Connection, Key, Loaders> {
  readonly graphql: VendorGraphQL<Connection>;
  readonly simulator: SimulatorKit<Account>;
}
