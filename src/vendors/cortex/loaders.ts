import DataLoader from 'dataloader';
import type { VendorAccounts } from '../../app/vendor-runtime.js';
import type { CortexClient, CortexConfigurationRead } from './client.js';
import { NotFoundError } from '../../core/errors.js';
import type { CallScope } from '../../core/http/vendor-http.js';
import { RecordingCache } from '../../app/loaders/cache.js';
import { settle } from '../../app/loaders/concurrency.js';

/**
 * Keyed by Cortex account: each workspace has one PagerDuty configuration (one GET). The value
 * is the read as a list of one, so the listing can report a configuration Cortex sent broken as
 * an item failure; a read by id takes it with `configurationOf`.
 */
export function createCortexConfigurationLoader(accounts: VendorAccounts<CortexClient>, scope: CallScope): DataLoader<string, CortexConfigurationRead, string> {
  return new DataLoader<string, CortexConfigurationRead, string>(
    (accountKeys) =>
      Promise.all(
        accountKeys.map((account) => {
          const entry = accounts.get(account);
          if (!entry) return Promise.resolve(new NotFoundError(`No Cortex account "${account}" is configured.`));
          return settle(entry.client.readConfiguration(scope));
        }),
      ),
    { cacheMap: new RecordingCache(scope, { vendor: 'cortex', method: 'GET', route: '/api/v1/pagerduty/default-configuration' }) },
  );
}
