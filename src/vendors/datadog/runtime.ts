import { z } from 'zod';
import type { GatewayContext } from '../../app/context.js';
import { loadOnce } from '../../app/loaders/index.js';
import type { VendorRuntime } from '../../app/vendor-runtime.js';
import { accountFields, credential } from '../../core/config/schema.js';
import { DatadogClient, datadogAuth } from './client.js';
import { datadogSecretWriter } from './custody.js';
import { encodeGlobalId, innerId } from '../../core/ids.js';
import { parseDatadogError } from './errors.js';
import { isUuid } from './input.js';
import { createDatadogConnectionLoader, DEFAULT_DATADOG_READ_CONCURRENCY, type DatadogConnectionKey, type DatadogReadPolicy } from './loaders.js';
import type { AccountEntry } from '../../app/accounts.js';
import type { DatadogActionConnection } from './map.js';

/** A Datadog account in the config file: an organisation on one site, with an API and an application key. */
export const datadogAccountSchema = z.strictObject({
  vendor: z.literal('datadog'),
  ...accountFields,
  apiKey: credential,
  appKey: credential,
  /**
   * Most connection GETs this account has in flight at once (Datadog has no list or batch read, so
   * an inventory reads each tracked connection). Fewer are sent when the rate-limit headers say the
   * budget runs low. Default {@link DEFAULT_DATADOG_READ_CONCURRENCY}.
   */
  maxConcurrentReads: z.int().min(1, { error: 'must be at least 1' }).max(256, { error: 'must be at most 256' }).optional(),
});
export type DatadogAccountConfig = z.output<typeof datadogAccountSchema>;

/**
 * Each client's configured read cap, kept beside the long-lived client (which the shared account
 * entry holds) rather than in it: pacing is the loader's business, not the client's.
 */
const readCaps = new WeakMap<DatadogClient, number>();

/** How the account's connection reads are paced: its cap, and its transport for the budget. */
function readPolicy(entry: AccountEntry<DatadogClient>): DatadogReadPolicy {
  return { maxConcurrentReads: readCaps.get(entry.client) ?? DEFAULT_DATADOG_READ_CONCURRENCY, transports: entry.transports };
}

/** The per-request Datadog loaders. */
export interface DatadogLoaders {
  /** One GET per connection, grouped by account and paced per account. */
  readonly datadogConnection: ReturnType<typeof createDatadogConnectionLoader>;
}

/** The GraphQL type of Datadog's connections. */
const DATADOG_TYPENAME = 'DatadogActionConnection';

/** Datadog's answer to what every vendor must do. */
export const datadogRuntime: VendorRuntime<DatadogAccountConfig, DatadogClient, DatadogActionConnection, DatadogConnectionKey, DatadogLoaders> = {
  id: 'datadog',
  name: 'Datadog',
  account: { schema: datadogAccountSchema, secretFields: ['apiKey', 'appKey'] },
  createClient: (account, ref, http) => {
    const client = new DatadogClient(ref, http(datadogAuth(account.apiKey, account.appKey), parseDatadogError, ['x-datadog-request-id', 'x-request-id']));
    readCaps.set(client, account.maxConcurrentReads ?? DEFAULT_DATADOG_READ_CONCURRENCY);
    return client;
  },
  createLoaders: (accounts, scope) => ({ datadogConnection: createDatadogConnectionLoader(accounts, scope, readPolicy) }),
  // Datadog has no endpoint that lists connections: the inventory reads the ids Patchbay tracks.
  listing: {
    kind: 'tracked',
    trackedKeys: async (context, entry) => {
      const tracked = await context.store.listTrackedDatadogConnections(entry.ref.key);
      return tracked.map((row) => ({ account: entry.ref.key, connectionId: row.connectionId }));
    },
    vendorIdOf: (key) => key.connectionId,
  },
  ids: {
    typename: DATADOG_TYPENAME,
    keyParts: 1,
    keyOf: (connection) => [connection.connectionId],
    // Datadog keys are UUIDs: anything else is not one of our ids (and costs no vendor call).
    parse: ([connectionId], entry) => (connectionId !== undefined && isUuid(connectionId) ? { account: entry.ref.key, connectionId } : null),
  },
  read: (context, _entry, key) => loadOnce(datadogLoaders(context).datadogConnection, key),
  probe: async (context, entry) => {
    await entry.client.listAppKeyRegistrations(context.scope, { size: 1, number: 0 });
  },
  // A PATCH of the one field: nothing else is sent, so no other secret is required.
  custody: datadogSecretWriter({
    loaders: (context) => datadogLoaders(context),
    globalId: (connection) => encodeGlobalId(DATADOG_TYPENAME, innerId(connection.account.key, connection.connectionId)),
  }),
};

/** The request's Datadog loaders. */
export function datadogLoaders(context: GatewayContext): DatadogLoaders {
  return context.loaders.of(datadogRuntime);
}
