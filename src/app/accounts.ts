import type { Dispatcher } from 'undici';
import { accountSecrets } from '../core/config/redact.js';
import type { AccountConfig, GatewayConfig } from '../core/config/schema.js';
import type { AccountRef } from '../core/domain.js';
import { realClock } from '../core/http/clock.js';
import type { LimitStore } from '../core/http/limits.js';
import { RecentSecrets } from '../core/http/recent-secrets.js';
import { VendorHttp, type VendorHttpOptions } from '../core/http/vendor-http.js';
import type { Logger } from '../core/logger.js';
import type { HttpFactory, VendorRuntime } from './vendor-runtime.js';

/** A configured account with its vendor module and its long-lived client (sharing the one dispatcher). */
export interface AccountEntry<Client = unknown> {
  readonly ref: AccountRef;
  /** The module of the account's vendor: everything shared code asks of a vendor goes through it. */
  readonly vendor: VendorRuntime;
  readonly client: Client;
  /** The account's HTTP transports (OpsRamp has two: token endpoint and API), for health. */
  readonly transports: readonly VendorHttp[];
}

/** The client type a vendor module builds. */
export type ClientOf<R> = R extends { createClient(...args: never[]): infer C } ? C : never;

/** Everything the clients share. */
export interface ClientDeps {
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly gateway: GatewayConfig;
  /** Retry, breaker and clock overrides (tests inject a clock; production uses the defaults). */
  readonly resilience?: Pick<VendorHttpOptions, 'retry' | 'breaker' | 'clock' | 'random'>;
  /** Where quotas and breakers live; absent, in this process. */
  readonly limits?: LimitStore;
}

/** The accounts of one gateway, by config key, in config order, with the vendor modules they use. */
export class AccountRegistry {
  private readonly byKey: ReadonlyMap<string, AccountEntry>;

  constructor(
    readonly entries: readonly AccountEntry[],
    /** Every registered vendor module, whether or not an account uses it. */
    readonly vendors: readonly VendorRuntime[],
  ) {
    this.byKey = new Map(entries.map((entry) => [entry.ref.key, entry]));
  }

  get(key: string): AccountEntry | undefined {
    return this.byKey.get(key);
  }

  /** The entry for `key` when it is an account of `vendor`, with that vendor's client type. */
  ofVendor<R extends VendorRuntime>(key: string, vendor: R): AccountEntry<ClientOf<R>> | undefined {
    const entry = this.byKey.get(key);
    // Vendor ids are unique in a registry, and the entry's client was built by that vendor's module.
    return entry && entry.vendor.id === vendor.id ? (entry as AccountEntry<ClientOf<R>>) : undefined;
  }

  /**
   * The same registry seen through a filter (one caller's readable accounts): the entries, and so
   * their long-lived clients, are shared; the accounts left out are unknown to the view.
   */
  restrictTo(keep: (entry: AccountEntry) => boolean): AccountRegistry {
    return new AccountRegistry(this.entries.filter(keep), this.vendors);
  }

  /** The vendor module whose connections have the GraphQL type `typename`. */
  vendorOfTypename(typename: string): VendorRuntime | undefined {
    return this.vendors.find((vendor) => vendor.ids.typename === typename);
  }
}

/** Builds one account's client from its config, through its vendor's module. */
export function createAccountEntry(account: AccountConfig, vendor: VendorRuntime, deps: ClientDeps): AccountEntry {
  const ref: AccountRef = { key: account.id, vendor: account.vendor, displayName: account.displayName ?? account.id, baseUrl: account.baseUrl };
  const secrets = accountSecrets(account, vendor.account.secretFields);
  // One memory of recently sent secrets per account, whichever of its transports sent them.
  const recentSecrets = new RecentSecrets(deps.resilience?.clock ?? realClock);
  const transports: VendorHttp[] = [];
  const http: HttpFactory = (auth, parseError, requestIdHeaders, baseUrl = account.baseUrl) => {
    const transport = new VendorHttp({
      vendor: account.vendor,
      vendorName: vendor.name,
      account: account.id,
      baseUrl,
      dispatcher: deps.dispatcher,
      auth,
      parseError,
      logger: deps.logger,
      callTimeoutMs: account.callTimeoutMs ?? deps.gateway.vendorCallTimeoutMs,
      maxBodyBytes: deps.gateway.maxResponseBytes,
      requestIdHeaders,
      secrets,
      recentSecrets,
      ...deps.resilience,
      ...(deps.limits ? { limits: deps.limits } : {}),
      ...(account.maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute: account.maxRequestsPerMinute }),
    });
    transports.push(transport);
    return transport;
  };
  return { ref, vendor, client: vendor.createClient(account, ref, http), transports };
}

/** Builds every configured account; `vendors` is the registry, searched by each account's `vendor`. */
export function createAccountRegistry(accounts: readonly AccountConfig[], vendors: readonly VendorRuntime[], deps: ClientDeps): AccountRegistry {
  const ids = vendors.map((vendor) => vendor.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw new Error(`vendor "${repeated}" is registered twice`);
  const entries = accounts.map((account) => {
    const vendor = vendors.find((candidate) => candidate.id === account.vendor);
    // The config schema is built from the same registry, so a parsed account always has its vendor.
    if (!vendor) throw new Error(`account "${account.id}" names vendor "${account.vendor}", which is not registered`);
    return createAccountEntry(account, vendor, deps);
  });
  return new AccountRegistry(entries, vendors);
}
