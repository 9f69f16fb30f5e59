import DataLoader from 'dataloader';
import { RecordingCache } from '../../app/loaders/cache.js';
import type { VendorAccounts } from '../../app/vendor-runtime.js';
import type { MongoDbClient } from './client.js';
import { NotFoundError, VendorError } from '../../core/errors.js';
import type { CallScope } from '../../core/http/vendor-http.js';
import type { MongoDbGroupIntegrations, MongoDbIntegration } from './map.js';
import { settle } from '../../app/loaders/concurrency.js';

/** One Cloud Manager project of one account. */
export interface MongoDbGroupKey {
  readonly account: string;
  readonly groupId: string;
}

/** One integration: a project holds at most one per type. */
export interface MongoDbIntegrationKey extends MongoDbGroupKey {
  readonly type: string;
}

/** The loader's cache key: account first, so accounts never share data. */
export function mongoDbGroupCacheKey(key: MongoDbGroupKey): string {
  return `${key.account}\u0000${key.groupId}`;
}

/**
 * Per-request loader of whole Cloud Manager projects. Cloud Manager lists a project's
 * integrations in one call and has no cheaper read, so N integrations of one project cost one
 * list (all its pages), and every project in a batch is listed concurrently.
 */
export function createMongoDbGroupLoader(accounts: VendorAccounts<MongoDbClient>, scope: CallScope): DataLoader<MongoDbGroupKey, MongoDbGroupIntegrations, string> {
  return new DataLoader<MongoDbGroupKey, MongoDbGroupIntegrations, string>(
    (keys) =>
      Promise.all(
        keys.map((key) => {
          const entry = accounts.get(key.account);
          if (!entry) return Promise.resolve(new NotFoundError(`No MongoDB Cloud Manager account "${key.account}" is configured.`));
          return settle(entry.client.listIntegrations(scope, key.groupId));
        }),
      ),
    { cacheKeyFn: mongoDbGroupCacheKey, cacheMap: new RecordingCache(scope, { vendor: 'mongodb', method: 'GET', route: '/groups/{groupId}/integrations' }) },
  );
}

/**
 * One integration through the project loader; `NotFoundError` when the project has none of that
 * type, the listed integration's `VendorContractError` when the vendor listed it in a shape that
 * breaks the contract. A transient failure is forgotten again so a later field in the request may retry.
 */
export async function loadMongoDbIntegration(loader: DataLoader<MongoDbGroupKey, MongoDbGroupIntegrations, string>, key: MongoDbIntegrationKey): Promise<MongoDbIntegration> {
  const groupKey = { account: key.account, groupId: key.groupId };
  let group: MongoDbGroupIntegrations;
  try {
    group = await loader.load(groupKey);
  } catch (error) {
    if (error instanceof VendorError && error.retryable) loader.clear(groupKey);
    throw error;
  }
  const found = group.integrations.find((i) => i.type === key.type);
  if (found) return found;
  const broken = group.failures.find((f) => f.vendorId === key.type);
  if (broken) throw broken.error;
  throw new NotFoundError(`No ${key.type} integration is configured in project ${key.groupId}.`);
}

/**
 * After a write, the vendor's answer is the whole project: keep it for the rest of the request
 * when it is complete, otherwise forget what was cached so the next read lists again.
 */
export function rememberMongoDbWrite(
  loader: DataLoader<MongoDbGroupKey, MongoDbGroupIntegrations, string>,
  account: string,
  result: { readonly group: MongoDbGroupIntegrations; readonly complete: boolean },
): void {
  const key = { account, groupId: result.group.groupId };
  loader.clear(key);
  if (result.complete) loader.prime(key, result.group);
}
