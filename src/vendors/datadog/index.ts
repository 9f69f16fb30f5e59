import '../../../resolvers/datadog/index.js';
import { DatadogActionConnectionRef } from '../../../schema/datadog/index.js';
import { DATADOG_SEED_CONNECTION_IDS } from '../../simulators/datadog/seed.js';
import { createDatadogSimulator } from '../../simulators/datadog/simulator.js';
import type { VendorModule } from '../module.js';
import type { DatadogClient } from './client.js';
import type { DatadogConnectionKey } from './loaders.js';
import type { DatadogActionConnection } from './map.js';
import { datadogRuntime, type DatadogAccountConfig, type DatadogLoaders } from './runtime.js';

/** Datadog: action connections (all 24 integration types) and app key registrations. */
export const datadog: VendorModule<DatadogAccountConfig, DatadogClient, DatadogActionConnection, DatadogConnectionKey, DatadogLoaders> = {
  ...datadogRuntime,
  graphql: { enumValue: 'DATADOG', description: 'Datadog (Action Connections, API v2).', member: DatadogActionConnectionRef },
  simulator: {
    create: () => createDatadogSimulator(),
    demoAccount: (baseUrl) => ({ id: 'datadog-demo', vendor: 'datadog', baseUrl, displayName: 'Datadog (demo)', apiKey: 'demo-dd-api-key', appKey: 'demo-dd-app-key' }),
    // Datadog cannot list connections: the demo tracks the seeded ones, as Patchbay would have.
    seedStore: async (store, accountId) => {
      for (const id of Object.values(DATADOG_SEED_CONNECTION_IDS)) await store.trackDatadogConnection(accountId, id);
    },
  },
};
