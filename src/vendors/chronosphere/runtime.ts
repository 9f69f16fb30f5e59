import { z } from 'zod';
import type { GatewayContext } from '../../app/context.js';
import { loadOnce } from '../../app/loaders/index.js';
import { listed, type VendorRuntime } from '../../app/vendor-runtime.js';
import { accountFields, credential } from '../../core/config/schema.js';
import type { ConnectedService } from '../../core/vendor.js';
import { CHRONOSPHERE_BLOCKS, CONNECTION_TYPE_OF_BLOCK, SERVICE_OF_BLOCK, type ChronosphereConnectionType } from './catalogue.js';
import { ChronosphereClient, chronosphereAuth } from './client.js';
import { chronosphereSecretWriter } from './custody.js';
import { parseChronosphereError } from './errors.js';
import { createChronosphereLoaders, type ChronosphereConnectionKey, type ChronosphereLoaders } from './loaders.js';
import type { ChronosphereExternalConnection } from './map.js';

/** A Chronosphere account in the config file: one tenant, reached with an API token. */
export const chronosphereAccountSchema = z.strictObject({
  vendor: z.literal('chronosphere'),
  ...accountFields,
  apiToken: credential,
});
export type ChronosphereAccountConfig = z.output<typeof chronosphereAccountSchema>;

/**
 * The Chronosphere `connection_types` that cover `services`, so the vendor filters before it
 * pages; null when a service (such as OTHER) has no exact type and the whole list is needed.
 */
function connectionTypesFor(services: readonly ConnectedService[] | null | undefined): ChronosphereConnectionType[] | null {
  if (!services?.length || services.includes('OTHER')) return null;
  return CHRONOSPHERE_BLOCKS.filter((block) => services.includes(SERVICE_OF_BLOCK[block])).map((block) => CONNECTION_TYPE_OF_BLOCK[block]);
}

/** Chronosphere's answer to what every vendor must do. */
export const chronosphereRuntime: VendorRuntime<ChronosphereAccountConfig, ChronosphereClient, ChronosphereExternalConnection, ChronosphereConnectionKey, ChronosphereLoaders> = {
  id: 'chronosphere',
  name: 'Chronosphere',
  account: { schema: chronosphereAccountSchema, secretFields: ['apiToken'] },
  // The contract names no request-id header; `x-request-id` is read when a proxy adds one.
  createClient: (account, ref, http) => new ChronosphereClient(ref, http(chronosphereAuth(account.apiToken), parseChronosphereError, ['x-request-id'])),
  createLoaders: (accounts, scope) => createChronosphereLoaders(accounts, scope),
  listing: {
    kind: 'vendor',
    list: async (context, entry, filter) => {
      // A service filter goes to Chronosphere as `connection_types`.
      const types = connectionTypesFor(filter.services);
      if (types !== null) return listed(types.length === 0 ? [] : await entry.client.listAll(context.scope, { connectionTypes: types }));
      // The client follows `page.next_token` to the end, with a hard page limit (DEFAULT_MAX_PAGES).
      return listed(await loadOnce(chronosphereLoaders(context).chronosphereConnections, entry.ref.key));
    },
  },
  ids: {
    typename: 'ChronosphereExternalConnection',
    keyParts: 1,
    keyOf: (connection) => [connection.slug],
    parse: ([slug], entry) => (slug === undefined ? null : { account: entry.ref.key, slug }),
  },
  read: (context, _entry, key) => loadOnce(chronosphereLoaders(context).chronosphereConnection, key),
  probe: async (context, entry) => {
    await entry.client.listPage(context.scope, { pageSize: 1 });
  },
  // A PUT of the whole connection: the other secrets it holds must be sent again (custody.ts).
  custody: chronosphereSecretWriter(
    () => chronosphereRuntime,
    (context) => chronosphereLoaders(context),
  ),
};

/** The request's Chronosphere loaders. */
export function chronosphereLoaders(context: GatewayContext): ChronosphereLoaders {
  return context.loaders.of(chronosphereRuntime);
}
