import type { AccountConfig } from '../core/config/schema.js';
import type { Store } from '../core/store/store.js';
import type { VendorId } from '../core/vendor.js';
import type { Simulator } from './base.js';
import { createDatadogSimulator } from './datadog/simulator.js';
import { DATADOG_SEED_CONNECTION_IDS } from './datadog/seed.js';
import { createChronosphereSimulator } from './chronosphere/simulator.js';
import { createCortexSimulator } from './cortex/simulator.js';
import { createMongoDbSimulator, MONGODB_API_BASE_PATH } from './mongodb/simulator.js';
import { MONGODB_DEMO_GROUP_ID_LIST } from './mongodb/seed.js';
import { createOpsRampSimulator } from './opsramp/simulator.js';
import { OPSRAMP_DEMO_TENANT } from './opsramp/seed.js';

/** What demo mode and `npm run simulators` need to know about one vendor's simulator. */
export interface SimulatorKit {
  readonly vendor: VendorId;
  create(): Simulator;
  /** The account demo mode configures for this simulator (made-up credentials it accepts). */
  demoAccount(baseUrl: string): AccountConfig;
  /** Puts into the store what the vendor cannot tell Patchbay about the seed. */
  seedStore?(store: Store, accountId: string): Promise<void>;
}

/** Every simulator, in the documented order (ports N, N+1, … with `--port-base N`). */
export const SIMULATOR_KITS: readonly SimulatorKit[] = [
  {
    vendor: 'datadog',
    create: () => createDatadogSimulator(),
    demoAccount: (baseUrl) => ({ id: 'datadog-demo', vendor: 'datadog', baseUrl, displayName: 'Datadog (demo)', apiKey: 'demo-dd-api-key', appKey: 'demo-dd-app-key' }),
    seedStore: async (store, accountId) => {
      for (const id of Object.values(DATADOG_SEED_CONNECTION_IDS)) await store.trackDatadogConnection(accountId, id);
    },
  },
  {
    vendor: 'chronosphere',
    create: () => createChronosphereSimulator(),
    demoAccount: (baseUrl) => ({ id: 'chronosphere-demo', vendor: 'chronosphere', baseUrl, displayName: 'Chronosphere (demo)', apiToken: 'demo-chronosphere-api-token' }),
  },
  {
    vendor: 'mongodb',
    create: () => createMongoDbSimulator(),
    demoAccount: (baseUrl) => ({
      id: 'mongodb-demo',
      vendor: 'mongodb',
      baseUrl: `${baseUrl}${MONGODB_API_BASE_PATH}`,
      displayName: 'MongoDB Cloud Manager (demo)',
      publicKey: 'demo-mdb-public-key',
      privateKey: 'demo-mdb-private-key-0b7e4c2a',
      groupIds: [...MONGODB_DEMO_GROUP_ID_LIST],
    }),
  },
  {
    vendor: 'cortex',
    create: () => createCortexSimulator(),
    demoAccount: (baseUrl) => ({ id: 'cortex-demo', vendor: 'cortex', baseUrl, displayName: 'Cortex (demo)', token: 'demo-cortex-api-key' }),
  },
  {
    vendor: 'opsramp',
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
  },
];

export interface RunningSimulator {
  readonly kit: SimulatorKit;
  readonly simulator: Simulator;
  readonly baseUrl: string;
}

/** Starts every simulator on 127.0.0.1; with `portBase`, on consecutive ports from it. */
export async function startSimulators(options: { portBase?: number; host?: string } = {}): Promise<RunningSimulator[]> {
  const running: RunningSimulator[] = [];
  try {
    for (const [index, kit] of SIMULATOR_KITS.entries()) {
      const simulator = kit.create();
      const port = options.portBase === undefined ? 0 : options.portBase + index;
      const baseUrl = await simulator.server.listen(port, options.host ?? '127.0.0.1');
      running.push({ kit, simulator, baseUrl });
    }
  } catch (error) {
    await stopSimulators(running);
    throw error;
  }
  return running;
}

export async function stopSimulators(running: readonly RunningSimulator[]): Promise<void> {
  await Promise.all(running.map((r) => r.simulator.server.close()));
}
