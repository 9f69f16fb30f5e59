import DataLoader from 'dataloader';
import type { AccountEntry } from '../../app/accounts.js';
import type { VendorAccounts } from '../../app/vendor-runtime.js';
import type { DatadogClient } from './client.js';
import { NotFoundError } from '../../core/errors.js';
import type { RateLimitBudget } from '../../core/http/resilience.js';
import type { CallScope, VendorHttp } from '../../core/http/vendor-http.js';
import type { DatadogActionConnection } from './map.js';
import { RecordingCache } from '../../app/loaders/cache.js';
import { settle } from '../../app/loaders/concurrency.js';

/**
 * Datadog has no batch read: this many GETs per account may run at once unless the account says
 * otherwise (`maxConcurrentReads`). Measured with `npm run bench:concurrency` (1,000 tracked
 * connections, 20 ms per GET): 8 took 13× a raw client's time, 64 took 1.9×, 128 about 1×. It is
 * half the default pool per origin, so one account never takes every socket to its site.
 */
export const DEFAULT_DATADOG_READ_CONCURRENCY = 128;

export interface DatadogConnectionKey {
  readonly account: string;
  readonly connectionId: string;
}

/** What the reads look at on an account's transport: whether the learned window is closed, and the budget the vendor's last answer announced. */
export type BudgetReading = Pick<VendorHttp, 'rateLimitedForSeconds' | 'rateLimitBudget'>;

/** How one account's connection reads are paced: its configured cap and where its budget is read. */
export interface DatadogReadPolicy {
  readonly maxConcurrentReads: number;
  readonly transports: readonly BudgetReading[];
}

/**
 * How many reads may be in flight now: the configured cap while the vendor's budget is unknown or
 * ample, and half of what remains once it runs low, so that other callers of the organisation
 * (and this gateway's writes) keep some of it; one at a time when it is spent (the quota gate then
 * holds the call until the window reopens).
 */
export function datadogReadConcurrency(configured: number, budget: RateLimitBudget | null): number {
  if (budget === null) return configured;
  return Math.max(1, Math.min(configured, Math.floor(budget.remaining / 2)));
}

/** The budget an account's transport knows: spent while its window is closed, else what the last answer said. */
function budgetOf(transports: readonly BudgetReading[]): RateLimitBudget | null {
  const transport = transports[0];
  if (transport === undefined) return null;
  if (transport.rateLimitedForSeconds > 0) return { remaining: 0, limit: null };
  return transport.rateLimitBudget;
}

/**
 * Runs `work` over `items` with at most `limit()` in flight, asked again each time a slot frees,
 * so the pace follows what the vendor says while the batch runs; results keep the input order.
 * `work` must not reject (callers pass it through `settle`).
 */
function mapPaced<T, R>(items: readonly T[], limit: () => number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  if (items.length === 0) return Promise.resolve(results);
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    let done = 0;
    const pump = (): void => {
      while (next < items.length && inFlight < Math.max(1, limit())) {
        const index = next++;
        inFlight += 1;
        void work(items[index] as T).then((result) => {
          results[index] = result;
          inFlight -= 1;
          done += 1;
          if (done === items.length) resolve(results);
          else pump();
        });
      }
    };
    pump();
  });
}

/** One GET per connection, grouped by account and paced per account by its {@link DatadogReadPolicy}. */
export function createDatadogConnectionLoader(
  accounts: VendorAccounts<DatadogClient>,
  scope: CallScope,
  policyOf: (entry: AccountEntry<DatadogClient>) => DatadogReadPolicy,
): DataLoader<DatadogConnectionKey, DatadogActionConnection, string> {
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
          const loaded = entry
            ? await readPaced(
                entry,
                policyOf(entry),
                scope,
                indexes.map((index) => (keys[index] as DatadogConnectionKey).connectionId),
              )
            : indexes.map(() => new NotFoundError(`No Datadog account "${account}" is configured.`));
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

function readPaced(entry: AccountEntry<DatadogClient>, policy: DatadogReadPolicy, scope: CallScope, connectionIds: readonly string[]): Promise<(DatadogActionConnection | Error)[]> {
  return mapPaced(
    connectionIds,
    () => datadogReadConcurrency(policy.maxConcurrentReads, budgetOf(policy.transports)),
    (connectionId) => settle(entry.client.getConnection(scope, connectionId)),
  );
}
