import '../../../resolvers/opsramp/index.js';
import { OpsRampInstalledIntegrationRef } from '../../../schema/opsramp/index.js';
import { OPSRAMP_DEMO_TENANT } from '../../simulators/opsramp/seed.js';
import { createOpsRampSimulator } from '../../simulators/opsramp/simulator.js';
import type { VendorModule } from '../module.js';
import type { OpsRampClient } from './client.js';
import type { OpsRampIntegrationKey, OpsRampLoaders } from './loaders.js';
import type { OpsRampInstalledIntegration } from './map.js';
import { opsRampRuntime, type OpsRampAccountConfig } from './runtime.js';

/** OpsRamp: installed integrations, with OAuth2 client credentials. */
export const opsramp: VendorModule<OpsRampAccountConfig, OpsRampClient, OpsRampInstalledIntegration, OpsRampIntegrationKey, OpsRampLoaders> = {
  ...opsRampRuntime,
  graphql: { enumValue: 'OPSRAMP', description: 'OpsRamp (installed integrations).', member: OpsRampInstalledIntegrationRef },
  simulator: {
    // Demo and benchmark traffic is not throttled (as for Cloud Manager); tests of OpsRamp's
    // documented per-tenant limits start their own simulator with them.
    create: () => createOpsRampSimulator({ rateLimits: false }),
    demoAccount: (baseUrl) => ({
      id: 'opsramp-demo',
      vendor: 'opsramp',
      baseUrl,
      displayName: 'OpsRamp (demo)',
      tenantId: OPSRAMP_DEMO_TENANT,
      clientId: 'demo-opsramp-client-id',
      clientSecret: 'demo-opsramp-client-secret-5e1d',
    }),
    seedStore: async () => {},
  },
};
