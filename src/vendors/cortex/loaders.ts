import DataLoader from 'dataloader';
import type { VendorAccounts } from '../../app/vendor-runtime.js';
import type { CortexClient } from './client.js';
import { NotFoundError } from '../../core/errors.js';
import type { CallScope } from '../../core/http/vendor-http.js';
import type { CortexPagerDutyConfiguration } from './map.js';
import { RecordingCache } from '../../app/loaders/cache.js';
import { settle } from '../../app/loaders/concurrency.js';

/** Keyed by Cortex account: each workspace has one PagerDuty configuration (one GET). */
export function createCortexConfigurationLoader(accounts: VendorAccounts<CortexClient>, scope: CallScope): DataLoader<string, CortexPagerDutyConfiguration, string> {
  return new DataLoader<string, CortexPagerDutyConfiguration, string>(
    (accountKeys) =>
      Promise.all(
        accountKeys.map((account) => {
          const entry = accounts.get(account);
          if (!entry) return Promise.resolve(new NotFoundError(`No Cortex account "${account}" is configured.`));
          return settle(entry.client.getConfiguration(scope));
        }),
      ),
    { cacheMap: new RecordingCache(scope, { vendor: 'cortex', method: 'GET', route: '/api/v1/pagerduty/default-configuration' }) },
  );
}
