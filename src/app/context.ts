import type { CustodyKey } from '../core/secrets/custody-key.js';
import type DataLoader from 'dataloader';
import type { Authenticator, Principal } from '../core/auth/authenticator.js';
import type { GatewayConfig } from '../core/config/schema.js';
import type { Clock } from '../core/http/clock.js';
import type { CallScope, VendorCallRecord } from '../core/http/vendor-http.js';
import type { Logger } from '../core/logger.js';
import type { RecordSpool } from '../core/store/record-spool.js';
import type { Store } from '../core/store/store.js';
import type { AccountRegistry } from './accounts.js';
import { createHealthLoader, type AccountHealth } from './health.js';
import { RequestLoaders } from './loaders/index.js';
import { storeUnderDeadline } from './store-deadline.js';
import { Rights } from './rights.js';
import type { EventHub, WebhookRouting } from './events.js';
import type { HealthRecorder } from './history.js';

/** What a gateway is built from; long-lived and shared by every request. */
export interface GatewayDeps {
  readonly accounts: AccountRegistry;
  readonly store: Store;
  /** Where a mutation's record goes when the store cannot take it at once (stored again in the background). */
  readonly spool: RecordSpool;
  readonly logger: Logger;
  readonly gateway: GatewayConfig;
  /** Demo mode always reports vendor calls; config mode when `gateway.exposeVendorCalls` is set. */
  readonly exposeVendorCalls: boolean;
  /** The clock request deadlines are stamped on: the one the HTTP layer measures them with. */
  readonly clock: Clock;
  /** Checks each request's credentials (src/server/auth-plugin.ts); open in demo mode and `auth.mode: none`. */
  readonly authenticator: Authenticator;
  /** What secrets and idempotent inputs are fingerprinted under (`PATCHBAY_SECRET_KEY`; one per run in demo mode and tests). */
  readonly custodyKey: CustodyKey;
  /** Where recorded changes and health transitions are published in this process (subscriptions listen here). */
  readonly events: EventHub;
  /** Which webhooks take which events: their outbox rows are written with each event. */
  readonly webhooks: WebhookRouting;
  /** Account health transitions seen by scans and reads (src/app/history.ts). */
  readonly health: HealthRecorder;
}

/** Per-request context: loaders, caller, deadline and the vendor-call log live here only. */
export interface GatewayContext {
  readonly deps: GatewayDeps;
  /**
   * The accounts this caller may read: every read (`accounts`, `connections`, `node`, vendor lists)
   * looks accounts up here, so one the caller may not read is simply unknown to it. The full
   * registry is `deps.accounts`, which only the rights check of mutations consults.
   */
  readonly accounts: AccountRegistry;
  readonly store: Store;
  readonly logger: Logger;
  /** Who is asking, for the audit log: `apikey:<name>`, `jwt:<sub>`, or `anonymous` when the gateway is open. */
  readonly caller: string;
  /** What the caller may do, on which accounts. */
  readonly rights: Rights;
  readonly scope: CallScope;
  /** Each vendor's loaders for this request (`loaders.of(vendor)`). */
  readonly loaders: RequestLoaders;
  /** One live probe per account per request; probes read through the vendors' loaders. */
  readonly accountHealth: DataLoader<string, AccountHealth, string>;
  readonly vendorCalls: VendorCallRecord[];
}

/** The context of one request by `principal`, the caller authentication found. */
export function createRequestContext(deps: GatewayDeps, signal: AbortSignal | undefined, principal: Principal): GatewayContext {
  const rights = new Rights(principal);
  const accounts = rights.everyAccount && rights.has('connections:read') ? deps.accounts : deps.accounts.restrictTo((entry) => rights.allows('connections:read', entry.ref));
  const vendorCalls: VendorCallRecord[] = [];
  const scope: CallScope = {
    deadline: deps.clock.now() + deps.gateway.requestDeadlineMs,
    ...(signal ? { signal } : {}),
    record: (call) => vendorCalls.push(call),
  };
  const context: GatewayContext = {
    deps,
    accounts,
    // Store calls, like vendor calls, end when the request's deadline passes.
    store: storeUnderDeadline(deps.store, scope.deadline, deps.clock),
    logger: deps.logger,
    caller: principal.id,
    rights,
    scope,
    loaders: new RequestLoaders(accounts, scope),
    accountHealth: createHealthLoader(() => context),
    vendorCalls,
  };
  return context;
}
