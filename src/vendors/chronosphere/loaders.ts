import DataLoader from 'dataloader';
import { RecordingCache } from '../../app/loaders/cache.js';
import type { VendorAccounts } from '../../app/vendor-runtime.js';
import type { ChronosphereClient } from './client.js';
import { NotFoundError } from '../../core/errors.js';
import type { Tolerant } from '../../core/http/tolerant.js';
import type { CallScope } from '../../core/http/vendor-http.js';
import type { ChronosphereExternalConnection } from './map.js';
import { settle } from '../../app/loaders/concurrency.js';

/** Slugs per list call when several connections of one account are wanted (keeps URLs short). */
const SLUGS_PER_LIST = 50;

/** One Chronosphere external connection: its account and slug. */
export interface ChronosphereConnectionKey {
  readonly account: string;
  readonly slug: string;
}

/** The per-request Chronosphere loaders. Cache keys begin with the account. */
export interface ChronosphereLoaders {
  /** One connection by slug; several slugs of one account cost one filtered list, not N reads. */
  readonly chronosphereConnection: DataLoader<ChronosphereConnectionKey, ChronosphereExternalConnection, string>;
  /**
   * Every connection of an account (all pages), with the listed connections that could not be
   * read; primes `chronosphereConnection`.
   */
  readonly chronosphereConnections: DataLoader<string, Tolerant<ChronosphereExternalConnection>, string>;
}

const notFound = (slug: string) => new NotFoundError(`Chronosphere has no external connection "${slug}".`);

/**
 * What a list says of one slug: the connection, the contract error of a listed item that could
 * not be read under that slug, or NotFoundError when the slug is not listed at all.
 */
function slugIn(listed: Tolerant<ChronosphereExternalConnection>, slug: string): ChronosphereExternalConnection | Error {
  return listed.items.find((c) => c.slug === slug) ?? listed.failures.find((f) => f.vendorId === slug)?.error ?? notFound(slug);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The Chronosphere loaders of one request (see `Loaders` in ./index.ts). */
export function createChronosphereLoaders(accounts: VendorAccounts<ChronosphereClient>, scope: CallScope): ChronosphereLoaders {
  const missingAccount = (account: string) => new NotFoundError(`No Chronosphere account "${account}" is configured.`);

  // The whole-account lists this request asked for, by account: lookups by slug reuse one in flight.
  const accountLists = new Map<string, Promise<Tolerant<ChronosphereExternalConnection>>>();

  const chronosphereConnection = new DataLoader<ChronosphereConnectionKey, ChronosphereExternalConnection, string>(
    async (keys) => {
      const byAccount = new Map<string, Set<string>>();
      for (const key of keys) byAccount.set(key.account, (byAccount.get(key.account) ?? new Set()).add(key.slug));
      const found = new Map<string, ChronosphereExternalConnection | Error>();
      await Promise.all(
        [...byAccount].map(async ([account, slugSet]) => {
          const entry = accounts.get(account);
          const slugs = [...slugSet];
          const put = (slug: string, value: ChronosphereExternalConnection | Error) => found.set(`${account}\u0000${slug}`, value);
          if (!entry) {
            for (const slug of slugs) put(slug, missingAccount(account));
            return;
          }
          const whole = accountLists.get(account);
          if (whole) {
            const listed = await settle(whole);
            for (const slug of slugs) put(slug, listed instanceof Error ? listed : slugIn(listed, slug));
            return;
          }
          if (slugs.length === 1) {
            const slug = slugs[0] as string;
            put(slug, await settle(entry.client.readConnection(scope, slug)));
            return;
          }
          await Promise.all(
            chunks(slugs, SLUGS_PER_LIST).map(async (group) => {
              const listed = await settle(entry.client.listAll(scope, { slugs: group }));
              for (const slug of group) put(slug, listed instanceof Error ? listed : slugIn(listed, slug));
            }),
          );
        }),
      );
      return keys.map((key) => found.get(`${key.account}\u0000${key.slug}`) ?? notFound(key.slug));
    },
    {
      cacheKeyFn: (key) => `${key.account}\u0000${key.slug}`,
      cacheMap: new RecordingCache(scope, { vendor: 'chronosphere', method: 'GET', route: '/api/v1/config/external-connections' }),
    },
  );

  const chronosphereConnections = new DataLoader<string, Tolerant<ChronosphereExternalConnection>, string>(
    async (accountKeys) =>
      Promise.all(
        accountKeys.map(async (account) => {
          const entry = accounts.get(account);
          if (!entry) return missingAccount(account);
          const listed = await settle(entry.client.listAll(scope));
          if (!(listed instanceof Error)) {
            for (const connection of listed.items) chronosphereConnection.prime({ account, slug: connection.slug }, connection);
          }
          return listed;
        }),
      ),
    { cacheMap: accountLists },
  );

  return { chronosphereConnection, chronosphereConnections };
}
