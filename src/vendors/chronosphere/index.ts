import '../../../resolvers/chronosphere/index.js';
import { ChronosphereExternalConnectionRef } from '../../../schema/chronosphere/index.js';
import { createChronosphereSimulator } from '../../simulators/chronosphere/simulator.js';
import type { VendorModule } from '../module.js';
import type { ChronosphereClient } from './client.js';
import type { ChronosphereConnectionKey, ChronosphereLoaders } from './loaders.js';
import type { ChronosphereExternalConnection } from './map.js';
import { chronosphereRuntime, type ChronosphereAccountConfig } from './runtime.js';

/** Chronosphere: external connections (config API v1). */
export const chronosphere: VendorModule<ChronosphereAccountConfig, ChronosphereClient, ChronosphereExternalConnection, ChronosphereConnectionKey, ChronosphereLoaders> = {
  ...chronosphereRuntime,
  graphql: { enumValue: 'CHRONOSPHERE', description: 'Chronosphere (external connections, config API v1).', member: ChronosphereExternalConnectionRef },
  simulator: {
    create: () => createChronosphereSimulator(),
    demoAccount: (baseUrl) => ({ id: 'chronosphere-demo', vendor: 'chronosphere', baseUrl, displayName: 'Chronosphere (demo)', apiToken: 'demo-chronosphere-api-token' }),
    seedStore: async () => {},
  },
};
