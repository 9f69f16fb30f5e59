import type DataLoader from 'dataloader';
import { VendorError } from '../../core/errors.js';
import type { CallScope } from '../../core/http/vendor-http.js';
import type { AccountRegistry } from '../accounts.js';
import type { LoadersOf, VendorRuntime } from '../vendor-runtime.js';

/**
 * The per-request loaders of every vendor, created on first use: a request that reads only
 * Cortex builds no Datadog loader. Every cache key starts with the account, so accounts never
 * share data.
 */
export class RequestLoaders {
  private readonly byVendor = new Map<string, unknown>();

  constructor(
    private readonly accounts: AccountRegistry,
    private readonly scope: CallScope,
  ) {}

  /** The loaders `vendor` created for this request. */
  of<R extends VendorRuntime>(vendor: R): LoadersOf<R> {
    if (!this.byVendor.has(vendor.id)) this.byVendor.set(vendor.id, vendor.createLoaders({ get: (key) => this.accounts.ofVendor(key, vendor) }, this.scope));
    // Stored under the vendor's id (unique in the registry) by the line above, from `vendor.createLoaders`.
    return this.byVendor.get(vendor.id) as LoadersOf<R>;
  }
}

/**
 * Loads through `loader`, forgetting the key again when the failure is transient so that a
 * later field in the same request may try once more.
 */
export async function loadOnce<K, V, C>(loader: DataLoader<K, V, C>, key: K): Promise<V> {
  try {
    return await loader.load(key);
  } catch (error) {
    if (error instanceof VendorError && error.retryable) loader.clear(key);
    throw error;
  }
}
