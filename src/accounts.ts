import type { Dispatcher } from 'undici';
import type { AccountConfig, GatewayConfig } from './config/schema.js';
import type { AccountRef } from './domain.js';
import { VendorHttp, type AuthStrategy, type VendorErrorParser } from './http/vendor-http.js';
import type { Logger } from './logger.js';
import type { VendorId } from './vendor.js';
import { DatadogClient, datadogAuth } from './vendors/datadog/client.js';
import { parseDatadogError } from './vendors/datadog/errors.js';

/** A configured account with its long-lived vendor client (sharing the one dispatcher). */
export type AccountEntry = { readonly ref: AccountRef } & (
  | { readonly vendor: 'datadog'; readonly client: DatadogClient }
);

/** Everything the clients share. */
export interface ClientDeps {
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly gateway: GatewayConfig;
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

function http(account: AccountConfig, deps: ClientDeps, auth: AuthStrategy, parseError: VendorErrorParser, requestIdHeaders: readonly string[]): VendorHttp {
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
    ...(account.maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute: account.maxRequestsPerMinute }),
  });
}

/** Builds one account's client from its config. */
export function createAccountEntry(account: AccountConfig, deps: ClientDeps): AccountEntry {
  const ref = accountRef(account);
  switch (account.vendor) {
    case 'datadog':
      return {
        ref,
        vendor: 'datadog',
        client: new DatadogClient(ref, http(account, deps, datadogAuth(account.apiKey, account.appKey), parseDatadogError, ['x-datadog-request-id', 'x-request-id'])),
      };
    case 'chronosphere':
      throw new Error(`vendor ${account.vendor} is not wired yet`);
    case 'mongodb':
      throw new Error(`vendor ${account.vendor} is not wired yet`);
    case 'cortex':
      throw new Error(`vendor ${account.vendor} is not wired yet`);
    case 'opsramp':
      throw new Error(`vendor ${account.vendor} is not wired yet`);
    default: {
      const unreachable: never = account;
      throw new Error(`unknown vendor ${String(unreachable)}`);
    }
  }
}

export function createAccountRegistry(accounts: readonly AccountConfig[], deps: ClientDeps): AccountRegistry {
  return new AccountRegistry(accounts.map((account) => createAccountEntry(account, deps)));
}
