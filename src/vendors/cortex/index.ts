import '../../../resolvers/cortex/index.js';
import { CortexPagerDutyConfigurationRef } from '../../../schema/cortex/index.js';
import { createCortexSimulator } from '../../simulators/cortex/simulator.js';
import type { VendorModule } from '../module.js';
import type { CortexClient } from './client.js';
import type { CortexPagerDutyConfiguration } from './map.js';
import { cortexRuntime, type CortexAccountConfig, type CortexConfigurationKey, type CortexLoaders } from './runtime.js';

/** Cortex: the workspace PagerDuty configuration. */
export const cortex: VendorModule<CortexAccountConfig, CortexClient, CortexPagerDutyConfiguration, CortexConfigurationKey, CortexLoaders> = {
  ...cortexRuntime,
  graphql: { enumValue: 'CORTEX', description: 'Cortex (workspace PagerDuty configuration).', member: CortexPagerDutyConfigurationRef },
  simulator: {
    create: () => createCortexSimulator(),
    demoAccount: (baseUrl) => ({ id: 'cortex-demo', vendor: 'cortex', baseUrl, displayName: 'Cortex (demo)', token: 'demo-cortex-api-key' }),
    seedStore: async () => {},
  },
};
