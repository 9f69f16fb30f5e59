import { authSchema, type AuthConfig } from '../../src/core/auth/config.js';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { openStore, type Store } from '../../src/core/store/store.js';
import { createRuntime, defaultGatewayConfig, type Runtime } from '../../src/server/runtime.js';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { DATADOG_SEED_CONNECTION_IDS } from '../../src/simulators/datadog/seed.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';

/** One HTTP answer of the gateway, read as a test sees it. */
import { fetchAnswer, type Answer } from '../support/harness.js';

export type { Answer };

/** A gateway built with an `auth` config, over two Datadog accounts and one Chronosphere account. */
export interface AuthGateway {
  readonly runtime: Runtime;
  readonly logs: string[];
  /** POSTs a GraphQL request, with `Authorization: Bearer <token>` when a token is given. */
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<Answer>;
  /** Any request to the gateway. */
  request(path: string, init?: RequestInit): Promise<Answer>;
}

export interface AuthRig {
  readonly dd: DatadogSimulator;
  readonly chrono: ChronosphereSimulator;
  readonly store: Store;
  readonly accounts: readonly AccountConfig[];
  /** A gateway with this `auth` section as the config file would hold it (parsed, defaults filled); none: open. */
  gateway(auth?: unknown): AuthGateway;
  close(): Promise<void>;
}

/** The account keys the rig configures. */
export const DD_PROD = 'dd-prod';
export const DD_STAGE = 'dd-stage';
export const CHRONO = 'chrono';

export async function startAuthRig(): Promise<AuthRig> {
  const dd = createDatadogSimulator();
  const chrono = createChronosphereSimulator();
  await dd.server.listen();
  await chrono.server.listen();
  const store = await openStore({ dataDir: null });
  for (const id of Object.values(DATADOG_SEED_CONNECTION_IDS)) await store.trackDatadogConnection(DD_PROD, id);
  const accounts: AccountConfig[] = [
    { id: DD_PROD, vendor: 'datadog', baseUrl: dd.server.baseUrl, apiKey: 'dd-prod-api-key', appKey: 'dd-prod-app-key' },
    { id: DD_STAGE, vendor: 'datadog', baseUrl: dd.server.baseUrl, apiKey: 'dd-stage-api-key', appKey: 'dd-stage-app-key' },
    { id: CHRONO, vendor: 'chronosphere', baseUrl: chrono.server.baseUrl, apiToken: 'chrono-api-token' },
  ];
  const runtimes: Runtime[] = [];
  return {
    dd,
    chrono,
    store,
    accounts,
    gateway(auth) {
      const logger = createMemoryLogger();
      const parsed: AuthConfig | undefined = auth === undefined ? undefined : authSchema.parse(auth);
      const runtime = createRuntime({ accounts, gateway: defaultGatewayConfig(), store, logger, exposeVendorCalls: true, ...(parsed ? { auth: parsed } : {}) });
      runtimes.push(runtime);
      const request = (path: string, init: RequestInit = {}): Promise<Answer> => fetchAnswer(runtime, path, init);
      return {
        runtime,
        logs: logger.lines,
        request,
        gql: (query, variables, token) =>
          request('/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
            body: JSON.stringify({ query, variables }),
          }),
      };
    },
    async close() {
      await Promise.all(runtimes.map((runtime) => runtime.close()));
      await dd.server.close();
      await chrono.server.close();
      await store.close();
    },
  };
}

/** Vendor writes a simulator received (anything but GET). */
export function writesTo(sim: DatadogSimulator | ChronosphereSimulator): number {
  return sim.server.requests.filter((r) => r.method !== 'GET').length;
}
