import type DataLoader from 'dataloader';
import type { GatewayConfig } from '../core/config/schema.js';
import type { Clock } from '../core/http/clock.js';
import type { CallScope, VendorCallRecord } from '../core/http/vendor-http.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store/store.js';
import type { AccountRegistry } from './accounts.js';
import { createHealthLoader, type AccountHealth } from './health.js';
import { RequestLoaders } from './loaders/index.js';

/** What a gateway is built from; long-lived and shared by every request. */
export interface GatewayDeps {
  readonly accounts: AccountRegistry;
  readonly store: Store;
  readonly logger: Logger;
  readonly gateway: GatewayConfig;
  /** Demo mode always reports vendor calls; config mode when `gateway.exposeVendorCalls` is set. */
  readonly exposeVendorCalls: boolean;
  /** The clock request deadlines are stamped on: the one the HTTP layer measures them with. */
  readonly clock: Clock;
}

/** Per-request context: loaders, caller, deadline and the vendor-call log live here only. */
export interface GatewayContext {
  readonly deps: GatewayDeps;
  readonly accounts: AccountRegistry;
  readonly store: Store;
  readonly logger: Logger;
  /** Who is asking; "anonymous" until authentication exists. */
  readonly caller: string;
  readonly scope: CallScope;
  /** Each vendor's loaders for this request (`loaders.of(vendor)`). */
  readonly loaders: RequestLoaders;
  /** One live probe per account per request; probes read through the vendors' loaders. */
  readonly accountHealth: DataLoader<string, AccountHealth, string>;
  readonly vendorCalls: VendorCallRecord[];
}

export function createRequestContext(deps: GatewayDeps, signal: AbortSignal | undefined): GatewayContext {
  const vendorCalls: VendorCallRecord[] = [];
  const scope: CallScope = {
    deadline: deps.clock.now() + deps.gateway.requestDeadlineMs,
    ...(signal ? { signal } : {}),
    record: (call) => vendorCalls.push(call),
  };
  const context: GatewayContext = {
    deps,
    accounts: deps.accounts,
    store: deps.store,
    logger: deps.logger,
    caller: 'anonymous',
    scope,
    loaders: new RequestLoaders(deps.accounts, scope),
    accountHealth: createHealthLoader(() => context),
    vendorCalls,
  };
  return context;
}
