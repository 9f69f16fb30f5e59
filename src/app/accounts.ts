import type { Dispatcher } from 'undici';
import { accountSecrets } from '../core/config/redact.js';
import type { AccountConfig, GatewayConfig } from '../core/config/schema.js';
import type { AccountRef } from '../core/domain.js';
import { VendorHttp, type AuthStrategy, type VendorErrorParser, type VendorHttpOptions } from '../core/http/vendor-http.js';
import type { Logger } from '../core/logger.js';
import type { VendorId } from '../core/vendor.js';
import { DatadogClient, datadogAuth } from '../vendors/datadog/client.js';
import { parseDatadogError } from '../vendors/datadog/errors.js';
import { ChronosphereClient, chronosphereAuth } from '../vendors/chronosphere/client.js';
import { parseChronosphereError } from '../vendors/chronosphere/errors.js';
import { CortexClient, cortexAuth } from '../vendors/cortex/client.js';
import { parseCortexError } from '../vendors/cortex/errors.js';
import { MongoDbClient } from '../vendors/mongodb/client.js';
import { mongoDbDigestAuth } from '../vendors/mongodb/digest.js';
import { parseMongoDbError } from '../vendors/mongodb/errors.js';
import { OPSRAMP_REQUEST_ID_HEADERS, createOpsRampClient, type OpsRampClient } from '../vendors/opsramp/client.js';
import { parseOpsRampError } from '../vendors/opsramp/errors.js';

/** A configured account with its long-lived vendor client (sharing the one dispatcher). */
export type AccountEntry = {
  readonly ref: AccountRef;
  /** The account's HTTP transports (OpsRamp has two: token endpoint and API), for health. */
  readonly transports: readonly VendorHttp[];
} & (
  | { readonly vendor: 'datadog'; readonly client: DatadogClient }
  | { readonly vendor: 'chronosphere'; readonly client: ChronosphereClient }
  | { readonly vendor: 'cortex'; readonly client: CortexClient }
  | { readonly vendor: 'mongodb'; readonly client: MongoDbClient }
  | { readonly vendor: 'opsramp'; readonly client: OpsRampClient }
);

/** Everything the clients share. */
export interface ClientDeps {
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly gateway: GatewayConfig;
  /** Retry, breaker and clock overrides (tests inject a clock; production uses the defaults). */
  readonly resilience?: Pick<VendorHttpOptions, 'retry' | 'breaker' | 'clock' | 'random'>;
}

/** The accounts of one gateway, by config key, in config order. */
export class AccountRegistry {
  private readonly byKey: ReadonlyMap<string, AccountEntry>;

  constructor(readonly entries: readonly AccountEntry[]) {
    this.byKey = new Map(entries.map((entry) => [entry.ref.key, entry]));
  }

  get(key: string): AccountEntry | undefined {
    return this.byKey.get(key);
  }

  /** The entry for `key` when it belongs to `vendor`. */
  ofVendor<V extends VendorId>(key: string, vendor: V): Extract<AccountEntry, { vendor: V }> | undefined {
    const entry = this.byKey.get(key);
    return entry && entry.vendor === vendor ? (entry as Extract<AccountEntry, { vendor: V }>) : undefined;
  }
}

function accountRef(account: AccountConfig): AccountRef {
  return { key: account.id, vendor: account.vendor, displayName: account.displayName ?? account.id, baseUrl: account.baseUrl };
}

function createHttp(account: AccountConfig, deps: ClientDeps, auth: AuthStrategy, parseError: VendorErrorParser, requestIdHeaders: readonly string[]): VendorHttp {
  return new VendorHttp({
    vendor: account.vendor,
    account: account.id,
    baseUrl: account.baseUrl,
    dispatcher: deps.dispatcher,
    auth,
    parseError,
    logger: deps.logger,
    callTimeoutMs: account.callTimeoutMs ?? deps.gateway.vendorCallTimeoutMs,
    maxBodyBytes: deps.gateway.maxResponseBytes,
    requestIdHeaders,
    secrets: accountSecrets(account),
    ...deps.resilience,
    ...(account.maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute: account.maxRequestsPerMinute }),
  });
}

/** Builds one account's client from its config. */
export function createAccountEntry(account: AccountConfig, deps: ClientDeps): AccountEntry {
  const transports: VendorHttp[] = [];
  const http = (auth: AuthStrategy, parseError: VendorErrorParser, requestIdHeaders: readonly string[]): VendorHttp => {
    const transport = createHttp(account, deps, auth, parseError, requestIdHeaders);
    transports.push(transport);
    return transport;
  };
  return { ...createClient(account, http), transports };
}

type HttpFactory = (auth: AuthStrategy, parseError: VendorErrorParser, requestIdHeaders: readonly string[]) => VendorHttp;

type ClientEntry = AccountEntry extends infer E ? (E extends AccountEntry ? Omit<E, 'transports'> : never) : never;

function createClient(account: AccountConfig, http: HttpFactory): ClientEntry {
  const ref = accountRef(account);
  switch (account.vendor) {
    case 'datadog':
      return {
        ref,
        vendor: 'datadog',
        client: new DatadogClient(ref, http(datadogAuth(account.apiKey, account.appKey), parseDatadogError, ['x-datadog-request-id', 'x-request-id'])),
      };
    case 'chronosphere':
      // The contract names no request-id header; `x-request-id` is read when a proxy adds one.
      return { ref, vendor: 'chronosphere', client: new ChronosphereClient(ref, http(chronosphereAuth(account.apiToken), parseChronosphereError, ['x-request-id'])) };
    case 'mongodb':
      // Cloud Manager names no request-id header (none in the recordings); a proxy's `x-request-id` is read.
      return {
        ref,
        vendor: 'mongodb',
        client: new MongoDbClient(ref, account.groupIds, http(mongoDbDigestAuth(account.publicKey, account.privateKey), parseMongoDbError, ['x-request-id'])),
      };
    case 'cortex':
      // Cortex names no request-id header; its error bodies carry a `requestId` instead.
      return { ref, vendor: 'cortex', client: new CortexClient(ref, http(cortexAuth(account.token), parseCortexError, ['x-request-id'])) };
    case 'opsramp':
      // Two transports over the one dispatcher: the token endpoint (no auth) and the API (OAuth2 bearer).
      return { ref, vendor: 'opsramp', client: createOpsRampClient(ref, account, (auth) => http(auth, parseOpsRampError, OPSRAMP_REQUEST_ID_HEADERS)) };
    default: {
      const unreachable: never = account;
      throw new Error(`unknown vendor ${String(unreachable)}`);
    }
  }
}

export function createAccountRegistry(accounts: readonly AccountConfig[], deps: ClientDeps): AccountRegistry {
  return new AccountRegistry(accounts.map((account) => createAccountEntry(account, deps)));
}
