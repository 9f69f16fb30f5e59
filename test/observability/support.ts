import type { TracerProvider } from '@opentelemetry/api';
import { authSchema } from '../../src/core/auth/config.js';
import { accountSecrets } from '../../src/server/config.js';
import type { AccountConfig, GatewayConfig } from '../../src/core/config/schema.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { openStore, type Store } from '../../src/core/store/store.js';
import { createRuntime, defaultGatewayConfig, type Runtime, type RuntimeOptions } from '../../src/server/runtime.js';
import { startSimulators, stopSimulators, type RunningSimulator } from '../../src/simulators/index.js';

/** The API key the observed gateway accepts, as `apikey:ci`; a secret like any other, never to be seen again. */
export const CI_KEY = 'pbk_ci_observability_0123456789abcdef';

/** One HTTP answer of the gateway. */
import { fetchAnswer, type Answer } from '../support/harness.js';

export type { Answer };

/** Every simulator with its demo account, and a store seeded to match: what gateways are built over. */
export interface Rig {
  readonly simulators: readonly RunningSimulator[];
  /** The demo accounts, one per vendor. */
  readonly accounts: readonly AccountConfig[];
  readonly store: Store;
  sim(vendor: string): RunningSimulator['simulator'];
  /** Clears every simulator's faults and request log. */
  reset(): void;
  close(): Promise<void>;
}

/** A gateway over a rig that needs an API key, and what a test reads of it. */
export interface ObservedGateway {
  readonly runtime: Runtime;
  readonly accounts: readonly AccountConfig[];
  /** Every credential the config holds, the API key included. */
  readonly secrets: readonly string[];
  readonly logs: string[];
  sim(vendor: string): RunningSimulator['simulator'];
  /** The account key of `vendor`'s account. */
  account(vendor: string): string;
  /** POSTs a GraphQL request with the API key (and any extra headers). */
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Answer>;
  /** Any request to the gateway, without credentials unless `init` has them. */
  request(path: string, init?: RequestInit): Promise<Answer>;
  /** Closes the gateway (not the rig). */
  close(): Promise<void>;
}

/** A rig and one gateway over it, closed together. */
export type ObservedFleet = ObservedGateway;

export interface GatewayOptions {
  readonly gateway?: Partial<GatewayConfig>;
  readonly tracerProvider?: TracerProvider;
  readonly resilience?: RuntimeOptions['resilience'];
  readonly accounts?: (base: AccountConfig[]) => AccountConfig[];
}

/** Starting five simulators and an embedded store can take a while on a busy machine. */
export const RIG_TIMEOUT_MS = 120_000;

export async function startRig(): Promise<Rig> {
  const simulators = await startSimulators();
  const accounts = simulators.map(({ kit, baseUrl }) => kit.demoAccount(baseUrl));
  const store: Store = await openStore({ dataDir: null });
  for (const { kit } of simulators) {
    const account = accounts.find((a) => a.vendor === kit.vendor);
    if (account) await kit.seedStore?.(store, account.id);
  }
  const sim = (vendor: string) => {
    const found = simulators.find((s) => s.kit.vendor === vendor);
    if (!found) throw new Error(`no ${vendor} simulator`);
    return found.simulator;
  };
  return {
    simulators,
    accounts,
    store,
    sim,
    reset() {
      for (const { simulator } of simulators) {
        simulator.server.clearFaults();
        simulator.server.clearRequests();
      }
    },
    async close() {
      await stopSimulators(simulators);
      await store.close();
    },
  };
}

/** A gateway over `rig`'s accounts (or some of them) that accepts {@link CI_KEY} as `apikey:ci`. */
export function observedGateway(rig: Rig, options: GatewayOptions = {}): ObservedGateway {
  const accounts = options.accounts ? options.accounts([...rig.accounts]) : rig.accounts;
  const logger = createMemoryLogger();
  const runtime = createRuntime({
    accounts,
    gateway: { ...defaultGatewayConfig(), ...options.gateway },
    store: rig.store,
    logger,
    exposeVendorCalls: true,
    auth: authSchema.parse({ apiKeys: [{ name: 'ci', key: CI_KEY, scopes: ['admin'] }] }),
    ...(options.resilience ? { resilience: options.resilience } : {}),
    ...(options.tracerProvider ? { tracerProvider: options.tracerProvider } : {}),
  });
  const secrets = [CI_KEY, ...accounts.flatMap((account) => accountSecrets(account))];
  const request = (path: string, init: RequestInit = {}): Promise<Answer> => fetchAnswer(runtime, path, init);
  return {
    runtime,
    accounts,
    secrets,
    logs: logger.lines,
    sim: rig.sim,
    account(vendor) {
      const found = accounts.find((a) => a.vendor === vendor);
      if (!found) throw new Error(`no ${vendor} account`);
      return found.id;
    },
    gql: (query, variables, headers = {}) =>
      request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${CI_KEY}`, ...headers },
        body: JSON.stringify({ query, variables }),
      }),
    request,
    close: () => runtime.close(),
  };
}

/** A rig and a gateway over it, closed together. */
export async function startObservedFleet(options: GatewayOptions = {}): Promise<ObservedFleet> {
  const rig = await startRig();
  const gateway = observedGateway(rig, options);
  return {
    ...gateway,
    async close() {
      await gateway.close();
      await rig.close();
    },
  };
}

/** One sample of a Prometheus text exposition: its metric name, labels and value. */
export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the samples of a Prometheus text exposition (comments skipped). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}
