import DataLoader from 'dataloader';
import type { VendorAccounts } from '../../app/vendor-runtime.js';
import type { DatadogClient } from './client.js';
import { NotFoundError } from '../../core/errors.js';
import type { CallScope } from '../../core/http/vendor-http.js';
import type { DatadogActionConnection } from './map.js';
import { RecordingCache } from '../../app/loaders/cache.js';
import { mapWithConcurrency, settle } from '../../app/loaders/concurrency.js';

/** Datadog has no batch read: this many GETs per account run at once, the rest queue. */
const DATADOG_CONCURRENCY = 8;

export interface DatadogConnectionKey {
  readonly account: string;
  readonly connectionId: string;
}

/** One GET per connection, grouped by account and capped per account. */
export function createDatadogConnectionLoader(accounts: VendorAccounts<DatadogClient>, scope: CallScope): DataLoader<DatadogConnectionKey, DatadogActionConnection, string> {
  return new DataLoader<DatadogConnectionKey, DatadogActionConnection, string>(
    async (keys) => {
      const byAccount = new Map<string, number[]>();
      keys.forEach((key, index) => {
        byAccount.set(key.account, [...(byAccount.get(key.account) ?? []), index]);
      });
      const results = new Array<DatadogActionConnection | Error>(keys.length);
      await Promise.all(
        [...byAccount].map(async ([account, indexes]) => {
          const entry = accounts.get(account);
          const loaded = await mapWithConcurrency(indexes, DATADOG_CONCURRENCY, (index) => {
            const key = keys[index] as DatadogConnectionKey;
            if (!entry) return Promise.resolve(new NotFoundError(`No Datadog account "${account}" is configured.`));
            return settle(entry.client.getConnection(scope, key.connectionId));
          });
          indexes.forEach((index, i) => {
            results[index] = loaded[i] as DatadogActionConnection | Error;
          });
        }),
      );
      return results;
    },
    {
      cacheKeyFn: (key) => `${key.account}\u0000${key.connectionId}`,
      cacheMap: new RecordingCache(scope, { vendor: 'datadog', method: 'GET', route: '/api/v2/actions/connections/{connection_id}' }),
    },
  );
}
