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
    // Cortex documents 1,000 requests a minute per key; a benchmark lifts it.
    create: (options) => createCortexSimulator(options?.unthrottled ? { rateLimitPerMinute: Number.MAX_SAFE_INTEGER } : {}),
    demoAccount: (baseUrl) => ({ id: 'cortex-demo', vendor: 'cortex', baseUrl, displayName: 'Cortex (demo)', token: 'demo-cortex-api-key' }),
    seedStore: async () => {},
  },
};
