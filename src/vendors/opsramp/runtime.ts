import { z } from 'zod';
import type { GatewayContext } from '../../app/context.js';
import { loadOnce } from '../../app/loaders/index.js';
import { listed, type VendorRuntime } from '../../app/vendor-runtime.js';
import { accountFields, credential } from '../../core/config/schema.js';
import { OPSRAMP_REQUEST_ID_HEADERS, createOpsRampClient, type OpsRampClient } from './client.js';
import { opsRampSecretWriter } from './custody.js';
import { parseOpsRampError } from './errors.js';
import { createOpsRampLoaders, type OpsRampIntegrationKey, type OpsRampLoaders } from './loaders.js';
import type { OpsRampInstalledIntegration } from './map.js';

/**
 * A token path on `baseUrl`: segments of URL-safe characters, no query, no `.` or `..` segment
 * (the path is joined to the base URL as written).
 */
const tokenPathSchema = z
  .string()
  .max(256, { error: 'must be at most 256 characters' })
  .regex(/^(?:\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9._~-]+)+$/, { error: 'must be a path such as /tenancy/auth/oauth/token (starting with "/", no query)' });

/**
 * An OpsRamp account in the config file: a tenant and OAuth2 client credentials. `tenantId` is
 * an identifier that appears in API paths, not a secret. `tokenPath` is for an instance whose
 * token endpoint is neither the documented `/tenancy/auth/oauth/token` nor the 2021
 * `/auth/oauth/token` (without it the client tries both, see ./oauth.ts).
 */
export const opsRampAccountSchema = z.strictObject({
  vendor: z.literal('opsramp'),
  ...accountFields,
  tenantId: credential,
  clientId: credential,
  clientSecret: credential,
  tokenPath: tokenPathSchema.optional(),
});
export type OpsRampAccountConfig = z.output<typeof opsRampAccountSchema>;

/** OpsRamp's answer to what every vendor must do. */
export const opsRampRuntime: VendorRuntime<OpsRampAccountConfig, OpsRampClient, OpsRampInstalledIntegration, OpsRampIntegrationKey, OpsRampLoaders> = {
  id: 'opsramp',
  name: 'OpsRamp',
  account: { schema: opsRampAccountSchema, secretFields: ['clientId', 'clientSecret'] },
  // Two transports over the one dispatcher: the token endpoint (no auth) and the API (OAuth2 bearer).
  createClient: (account, ref, http) => createOpsRampClient(ref, account, (auth) => http(auth, parseOpsRampError, OPSRAMP_REQUEST_ID_HEADERS)),
  createLoaders: (accounts, scope) => createOpsRampLoaders(accounts, scope),
  listing: {
    kind: 'vendor',
    // The client follows `nextPage` through /installed/search, with a hard limit (OPSRAMP_MAX_PAGES).
    list: async (context, entry) => listed(await loadOnce(opsRampLoaders(context).opsRampInstalledIntegrations, entry.ref.key)),
  },
  ids: {
    typename: 'OpsRampInstalledIntegration',
    // Tenant + installed id: an id read through one tenant never resolves in another.
    keyParts: 2,
    keyOf: (integration) => [integration.tenantId, integration.installedId],
    parse: ([tenantId, installedId], entry) => (tenantId === undefined || installedId === undefined || tenantId !== entry.client.tenantId ? null : { account: entry.ref.key, installedId }),
  },
  read: (context, _entry, key) => loadOnce(opsRampLoaders(context).opsRampInstalledIntegration, key),
  probe: async (context, entry) => {
    await entry.client.searchInstalled(context.scope, { pageSize: 1 });
  },
  // Every secret Patchbay can write is in the notifier, which OpsRamp's update POST replaces whole (./custody.ts).
  custody: opsRampSecretWriter((context) => opsRampLoaders(context)),
};

/** The request's OpsRamp loaders. */
export function opsRampLoaders(context: GatewayContext): OpsRampLoaders {
  return context.loaders.of(opsRampRuntime);
}
