import '../../../resolvers/mongodb/index.js';
import { MongoDbIntegrationRef } from '../../../schema/mongodb/index.js';
import { MONGODB_DEMO_GROUP_ID_LIST } from '../../simulators/mongodb/seed.js';
import { createMongoDbSimulator } from '../../simulators/mongodb/simulator.js';
import type { VendorModule } from '../module.js';
import type { MongoDbClient } from './client.js';
import type { MongoDbIntegrationKey } from './loaders.js';
import type { MongoDbIntegration } from './map.js';
import { mongoDbRuntime, type MongoDbAccountConfig, type MongoDbLoaders } from './runtime.js';

/** MongoDB Cloud Manager: project third-party integrations, over HTTP Digest. */
export const mongodb: VendorModule<MongoDbAccountConfig, MongoDbClient, MongoDbIntegration, MongoDbIntegrationKey, MongoDbLoaders> = {
  ...mongoDbRuntime,
  graphql: { enumValue: 'MONGODB_CLOUD_MANAGER', description: 'MongoDB Cloud Manager (project third-party integrations).', member: MongoDbIntegrationRef },
  simulator: {
    create: () => createMongoDbSimulator(),
    demoAccount: (baseUrl) => ({
      id: 'mongodb-demo',
      vendor: 'mongodb',
      // The host, as users write it: the client adds /api/public/v1.0 (cloudManagerApiRoot).
      baseUrl,
      displayName: 'MongoDB Cloud Manager (demo)',
      publicKey: 'demo-mdb-public-key',
      privateKey: 'demo-mdb-private-key-0b7e4c2a',
      groupIds: [...MONGODB_DEMO_GROUP_ID_LIST],
    }),
    seedStore: async () => {},
  },
};
