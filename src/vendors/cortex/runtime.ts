import { z } from 'zod';
import type { GatewayContext } from '../../app/context.js';
import { loadOnce } from '../../app/loaders/index.js';
import { listed, type VendorRuntime } from '../../app/vendor-runtime.js';
import { accountFields, credential } from '../../core/config/schema.js';
import { NotFoundError } from '../../core/errors.js';
import { CortexClient, configurationOf, cortexAuth } from './client.js';
import { createCortexCustody } from './custody.js';
import { parseCortexError } from './errors.js';
import { createCortexConfigurationLoader } from './loaders.js';
import type { CortexPagerDutyConfiguration } from './map.js';

/** A Cortex account in the config file: one workspace, reached with its API key. */
export const cortexAccountSchema = z.strictObject({
  vendor: z.literal('cortex'),
  ...accountFields,
  token: credential,
});
export type CortexAccountConfig = z.output<typeof cortexAccountSchema>;

/** The per-request Cortex loaders. */
export interface CortexLoaders {
  /** Keyed by Cortex account: each workspace has one PagerDuty configuration (one GET). */
  readonly cortexPagerDutyConfiguration: ReturnType<typeof createCortexConfigurationLoader>;
}

/** A configuration's read key: its account (one configuration per workspace). */
export type CortexConfigurationKey = string;

/** Cortex's answer to what every vendor must do. */
export const cortexRuntime: VendorRuntime<CortexAccountConfig, CortexClient, CortexPagerDutyConfiguration, CortexConfigurationKey, CortexLoaders> = {
  id: 'cortex',
  name: 'Cortex',
  account: { schema: cortexAccountSchema, secretFields: ['token'] },
  // Cortex names no request-id header; its error bodies carry a `requestId` instead.
  createClient: (account, ref, http) => new CortexClient(ref, http(cortexAuth(account.token), parseCortexError, ['x-request-id'])),
  createLoaders: (accounts, scope) => ({ cortexPagerDutyConfiguration: createCortexConfigurationLoader(accounts, scope) }),
  listing: {
    kind: 'vendor',
    // No pagination: a workspace holds at most one PagerDuty configuration, and 404 means none.
    // One Cortex sent broken is an item failure: the account answered, its key works.
    list: async (context, entry) => {
      try {
        return listed(await loadOnce(cortexLoaders(context).cortexPagerDutyConfiguration, entry.ref.key));
      } catch (error) {
        if (error instanceof NotFoundError) return listed([]);
        throw error;
      }
    },
  },
  ids: {
    typename: 'CortexPagerDutyConfiguration',
    // One configuration per workspace: the account is its whole key.
    keyParts: 0,
    keyOf: () => [],
    parse: (_parts, entry) => entry.ref.key,
  },
  read: async (context, _entry, key) => configurationOf(await loadOnce(cortexLoaders(context).cortexPagerDutyConfiguration, key)),
  // No configuration yet (NotFoundError) is a healthy account, and so is one whose configuration
  // Cortex sent broken: the key was accepted (the connections list reports the item).
  probe: async (context, entry) => {
    try {
      await loadOnce(cortexLoaders(context).cortexPagerDutyConfiguration, entry.ref.key);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  },
  // The token is rotated by the configuration's replace (PUT), the one secret it holds.
  custody: createCortexCustody((context) => cortexLoaders(context)),
};

/** The request's Cortex loaders. */
export function cortexLoaders(context: GatewayContext): CortexLoaders {
  return context.loaders.of(cortexRuntime);
}
