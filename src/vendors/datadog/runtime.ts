import { z } from 'zod';
import type { GatewayContext } from '../../app/context.js';
import { loadOnce } from '../../app/loaders/index.js';
import type { VendorRuntime } from '../../app/vendor-runtime.js';
import { accountFields, credential } from '../../core/config/schema.js';
import { DatadogClient, datadogAuth } from './client.js';
import { parseDatadogError } from './errors.js';
import { isUuid } from './input.js';
import { createDatadogConnectionLoader, type DatadogConnectionKey } from './loaders.js';
import type { DatadogActionConnection } from './map.js';

/** A Datadog account in the config file: an organisation on one site, with an API and an application key. */
export const datadogAccountSchema = z.strictObject({
  vendor: z.literal('datadog'),
  ...accountFields,
  apiKey: credential,
  appKey: credential,
});
export type DatadogAccountConfig = z.output<typeof datadogAccountSchema>;

/** The per-request Datadog loaders. */
export interface DatadogLoaders {
  /** One GET per connection, grouped by account and capped per account. */
  readonly datadogConnection: ReturnType<typeof createDatadogConnectionLoader>;
}

/** Datadog's answer to what every vendor must do. */
export const datadogRuntime: VendorRuntime<DatadogAccountConfig, DatadogClient, DatadogActionConnection, DatadogConnectionKey, DatadogLoaders> = {
  id: 'datadog',
  name: 'Datadog',
  account: { schema: datadogAccountSchema, secretFields: ['apiKey', 'appKey'] },
  createClient: (account, ref, http) => new DatadogClient(ref, http(datadogAuth(account.apiKey, account.appKey), parseDatadogError, ['x-datadog-request-id', 'x-request-id'])),
  createLoaders: (accounts, scope) => ({ datadogConnection: createDatadogConnectionLoader(accounts, scope) }),
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
    typename: 'DatadogActionConnection',
    keyParts: 1,
    keyOf: (connection) => [connection.connectionId],
    // Datadog keys are UUIDs: anything else is not one of our ids (and costs no vendor call).
    parse: ([connectionId], entry) => (connectionId !== undefined && isUuid(connectionId) ? { account: entry.ref.key, connectionId } : null),
  },
  read: (context, _entry, key) => loadOnce(datadogLoaders(context).datadogConnection, key),
  probe: async (context, entry) => {
    await entry.client.listAppKeyRegistrations(context.scope, { size: 1, number: 0 });
  },
};

/** The request's Datadog loaders. */
export function datadogLoaders(context: GatewayContext): DatadogLoaders {
  return context.loaders.of(datadogRuntime);
}
