import DataLoader from 'dataloader';
import type { AccountRegistry } from '../accounts.js';
import { VendorError } from '../../core/errors.js';
import type { CallScope } from '../../core/http/vendor-http.js';
import { createHealthLoader, type AccountHealth } from '../health.js';
import type { DatadogActionConnection } from '../../vendors/datadog/map.js';
import { createChronosphereLoaders, type ChronosphereLoaders } from '../../vendors/chronosphere/loaders.js';
import type { CortexPagerDutyConfiguration } from '../../vendors/cortex/map.js';
import { createCortexConfigurationLoader } from '../../vendors/cortex/loaders.js';
import { createDatadogConnectionLoader, type DatadogConnectionKey } from '../../vendors/datadog/loaders.js';
import { createMongoDbGroupLoader, type MongoDbGroupKey } from '../../vendors/mongodb/loaders.js';
import type { MongoDbGroupIntegrations } from '../../vendors/mongodb/map.js';
import { createOpsRampLoaders, type OpsRampLoaders } from '../../vendors/opsramp/loaders.js';

export type { DatadogConnectionKey };

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
  const loaders: Loaders = {
    ...createChronosphereLoaders(accounts, scope),
    ...createOpsRampLoaders(accounts, scope),
    mongoDbGroup: createMongoDbGroupLoader(accounts, scope),
    // Probes read through the same loaders, so a health check shares what the request already read.
    accountHealth: createHealthLoader(accounts, scope, () => loaders),
    datadogConnection: createDatadogConnectionLoader(accounts, scope),
    cortexPagerDutyConfiguration: createCortexConfigurationLoader(accounts, scope),
  };
  return loaders;
}
