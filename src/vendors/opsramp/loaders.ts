import DataLoader from 'dataloader';
import { RecordingCache } from '../../app/loaders/cache.js';
import type { VendorAccounts } from '../../app/vendor-runtime.js';
import type { OpsRampClient } from './client.js';
import { NotFoundError } from '../../core/errors.js';
import type { Tolerant } from '../../core/http/tolerant.js';
import type { CallScope } from '../../core/http/vendor-http.js';
import type { OpsRampInstalledIntegration } from './map.js';
import { mapWithConcurrency, settle } from '../../app/loaders/concurrency.js';

/**
 * Up to this many integrations of one account are read one GET each (at most this many at once);
 * more cost one search of the whole tenant, which returns the same full objects a page at a time.
 */
const SINGLE_READS_PER_ACCOUNT = 2;

/** One installed integration: its account and OpsRamp's `INTG-…` id. */
export interface OpsRampIntegrationKey {
  readonly account: string;
  readonly installedId: string;
}

/** The per-request OpsRamp loaders. Cache keys begin with the account. */
export interface OpsRampLoaders {
  readonly opsRampInstalledIntegration: DataLoader<OpsRampIntegrationKey, OpsRampInstalledIntegration, string>;
  /** Every installed integration of an account (all pages) and the ones that could not be read; primes `opsRampInstalledIntegration`. */
  readonly opsRampInstalledIntegrations: DataLoader<string, Tolerant<OpsRampInstalledIntegration>, string>;
}

const keyOf = (key: OpsRampIntegrationKey): string => `${key.account}\u0000${key.installedId}`;

/** Creates the OpsRamp loaders of one request; both read through the account's client and `scope`. */
export function createOpsRampLoaders(accounts: VendorAccounts<OpsRampClient>, scope: CallScope): OpsRampLoaders {
  const missingAccount = (account: string) => new NotFoundError(`No OpsRamp account "${account}" is configured.`);
  const missing = (id: string) => new NotFoundError(`OpsRamp has no installed integration "${id}".`, id);

  // The whole-account lists this request asked for, by account: lookups by id reuse one in flight.
  const accountLists = new Map<string, Promise<Tolerant<OpsRampInstalledIntegration>>>();

  /** An id's integration in a whole-account list; an item OpsRamp listed but that broke the contract answers with its error. */
  const fromList = (listed: Tolerant<OpsRampInstalledIntegration> | Error, id: string): OpsRampInstalledIntegration | Error => {
    if (listed instanceof Error) return listed;
    return listed.items.find((i) => i.installedId === id) ?? listed.failures.find((f) => f.vendorId === id)?.error ?? missing(id);
  };

  const opsRampInstalledIntegration = new DataLoader<OpsRampIntegrationKey, OpsRampInstalledIntegration, string>(
    async (keys) => {
      const byAccount = new Map<string, Set<string>>();
      for (const key of keys) byAccount.set(key.account, (byAccount.get(key.account) ?? new Set()).add(key.installedId));
      const found = new Map<string, OpsRampInstalledIntegration | Error>();
      await Promise.all(
        [...byAccount].map(async ([account, idSet]) => {
          const entry = accounts.get(account);
          const ids = [...idSet];
          const put = (installedId: string, value: OpsRampInstalledIntegration | Error) => found.set(keyOf({ account, installedId }), value);
          if (!entry) {
            for (const id of ids) put(id, missingAccount(account));
            return;
          }
          const whole = accountLists.get(account);
          if (whole) {
            const listed = await settle(whole);
            for (const id of ids) put(id, fromList(listed, id));
            return;
          }
          if (ids.length <= SINGLE_READS_PER_ACCOUNT) {
            const loaded = await mapWithConcurrency(ids, SINGLE_READS_PER_ACCOUNT, (id) => settle(entry.client.get(scope, id)));
            ids.forEach((id, index) => {
              put(id, loaded[index] as OpsRampInstalledIntegration | Error);
            });
            return;
          }
          const listed = await settle(entry.client.listInstalled(scope));
          for (const id of ids) put(id, fromList(listed, id));
        }),
      );
      return keys.map((key) => found.get(keyOf(key)) ?? missing(key.installedId));
    },
    { cacheKeyFn: keyOf, cacheMap: new RecordingCache(scope, { vendor: 'opsramp', method: 'GET', route: '/api/v2/tenants/{tenantId}/integrations/installed/{installedIntgId}' }) },
  );

  const opsRampInstalledIntegrations = new DataLoader<string, Tolerant<OpsRampInstalledIntegration>, string>(
    async (accountKeys) =>
      Promise.all(
        accountKeys.map(async (account) => {
          const entry = accounts.get(account);
          if (!entry) return missingAccount(account);
          const listed = await settle(entry.client.listInstalled(scope));
          if (!(listed instanceof Error)) {
            for (const integration of listed.items) opsRampInstalledIntegration.prime({ account, installedId: integration.installedId }, integration);
          }
          return listed;
        }),
      ),
    { cacheMap: accountLists },
  );

  return { opsRampInstalledIntegration, opsRampInstalledIntegrations };
}
