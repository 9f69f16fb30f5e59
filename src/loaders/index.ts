import DataLoader from 'dataloader';
import type { AccountRegistry } from '../accounts.js';
import { NotFoundError, VendorError } from '../errors.js';
import type { CallScope } from '../http/vendor-http.js';
import { createHealthLoader, type AccountHealth } from '../health.js';
import type { DatadogActionConnection } from '../vendors/datadog/map.js';
import { createChronosphereLoaders, type ChronosphereLoaders } from './chronosphere.js';
import type { CortexPagerDutyConfiguration } from '../vendors/cortex/map.js';
import { RecordingCache } from './cache.js';
import { mapWithConcurrency, settle } from './concurrency.js';
import { createMongoDbGroupLoader, type MongoDbGroupKey } from './mongodb.js';
import type { MongoDbGroupIntegrations } from '../vendors/mongodb/map.js';
import { createOpsRampLoaders, type OpsRampLoaders } from './opsramp.js';

/** Datadog has no batch read: this many GETs per account run at once, the rest queue. */
const DATADOG_CONCURRENCY = 8;

export interface DatadogConnectionKey {
  readonly account: string;
  readonly connectionId: string;
}

/** Per-request loaders. Every cache key starts with the account, so accounts never share data. */
export interface Loaders extends ChronosphereLoaders, OpsRampLoaders {
  readonly datadogConnection: DataLoader<DatadogConnectionKey, DatadogActionConnection, string>;
  /** Keyed by Cortex account: each workspace has one PagerDuty configuration (one GET). */
  readonly cortexPagerDutyConfiguration: DataLoader<string, CortexPagerDutyConfiguration, string>;
  /** Keyed by account + Cloud Manager project: one list call (all pages) per project. */
  readonly mongoDbGroup: DataLoader<MongoDbGroupKey, MongoDbGroupIntegrations, string>;
  /** Keyed by account: one live probe per account per request. */
  readonly accountHealth: DataLoader<string, AccountHealth, string>;
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

export function createLoaders(accounts: AccountRegistry, scope: CallScope): Loaders {
  return {
    ...createChronosphereLoaders(accounts, scope),
    ...createOpsRampLoaders(accounts, scope),
    mongoDbGroup: createMongoDbGroupLoader(accounts, scope),
    accountHealth: createHealthLoader(accounts, scope),
    datadogConnection: new DataLoader<DatadogConnectionKey, DatadogActionConnection, string>(
      async (keys) => {
        const byAccount = new Map<string, number[]>();
        keys.forEach((key, index) => byAccount.set(key.account, [...(byAccount.get(key.account) ?? []), index]));
        const results = new Array<DatadogActionConnection | Error>(keys.length);
        await Promise.all(
          [...byAccount].map(async ([account, indexes]) => {
            const entry = accounts.ofVendor(account, 'datadog');
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
    ),
    cortexPagerDutyConfiguration: new DataLoader<string, CortexPagerDutyConfiguration, string>((accountKeys) =>
      Promise.all(
        accountKeys.map((account) => {
          const entry = accounts.ofVendor(account, 'cortex');
          if (!entry) return Promise.resolve(new NotFoundError(`No Cortex account "${account}" is configured.`));
          return settle(entry.client.getConfiguration(scope));
        }),
      ),
      { cacheMap: new RecordingCache(scope, { vendor: 'cortex', method: 'GET', route: '/api/v1/pagerduty/default-configuration' }) },
    ),
  };
}
