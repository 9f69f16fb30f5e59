/**
 * Bounded load test against faulty vendors (issue 5):
 *
 *   npm run load [-- --operations 2000 --clients 50 --seconds 120]
 *
 * Every simulator runs in-process on 127.0.0.1 and injects 10% 5xx, 5% slow answers and
 * periodic 429 bursts; the gateway listens on an ephemeral 127.0.0.1 port and `clients`
 * concurrent loops send a mix of inventory queries, reads, creates and deletes until
 * `operations` are done or `seconds` pass. Then it checks, and exits non-zero when any fails:
 * no unhandled error; every response well-formed; every create either confirmed exactly once at
 * the vendor, or reported as failed (and absent) or as unknown; every confirmed delete gone;
 * heap back near its starting level.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeGlobalId, innerId } from '../src/core/ids.js';
import { silentLogger } from '../src/core/logger.js';
import { createRuntime, defaultGatewayConfig } from '../src/server/runtime.js';
import type { DatadogSimulator } from '../src/simulators/datadog/simulator.js';
import { startSimulators, stopSimulators } from '../src/simulators/index.js';
import { openStore } from '../src/core/store/store.js';
import { argument } from './proc.js';

export interface LoadOptions {
  readonly operations: number;
  readonly clients: number;
  readonly seconds: number;
  readonly log?: (line: string) => void;
}

export interface LoadReport {
  readonly operations: number;
  readonly byKind: Record<string, number>;
  readonly outcomes: Record<string, number>;
  readonly violations: readonly string[];
  readonly heapStartMb: number;
  readonly heapEndMb: number;
  readonly seconds: number;
}

const INVENTORY = `{ connections(first: 100) { totalCount nodes { __typename ... on VendorConnection { id name } } failures { account { key } error { __typename message } } } }`;
const READ = `query($id: ID!) { connection(id: $id) { __typename ... on Error { message } ... on VendorConnection { id name } } }`;
const CREATE = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) {
  __typename ... on Error { message } ... on DatadogActionConnectionPayload { connection { id connectionId name } } } }`;
const DELETE = `mutation($input: DatadogActionConnectionIdInput!) { deleteDatadogActionConnection(input: $input) { __typename ... on Error { message } ... on DeletedConnectionPayload { deletedId } } }`;

const DEFINITE_FAILURES = new Set(['VendorUnavailableError', 'VendorRateLimitedError', 'CircuitOpenError', 'VendorValidationError', 'VendorAuthError']);

interface GqlBody {
  data?: Record<string, { __typename?: string } & Record<string, unknown>> | null;
  errors?: unknown[];
}

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Runs the load and returns what it saw; the caller decides how to report. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => {});
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);

  const simulators = await startSimulators();
  const accounts = simulators.map(({ kit, baseUrl }) => kit.demoAccount(baseUrl));
  const store = await openStore({ dataDir: null });
  for (const { kit } of simulators) {
    const account = accounts.find((a) => a.vendor === kit.vendor);
    if (account) await kit.seedStore?.(store, account.id);
  }
  const datadogAccount = accounts.find((a) => a.vendor === 'datadog');
  const datadog = simulators.find((s) => s.kit.vendor === 'datadog')?.simulator as DatadogSimulator | undefined;
  if (!datadogAccount || !datadog) throw new Error('the load test needs the Datadog simulator');

  const runtime = createRuntime({ accounts, gateway: { ...defaultGatewayConfig(), vendorCallTimeoutMs: 5_000 }, store, logger: silentLogger });
  const server = createServer(runtime.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

  const post = async (query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GqlBody | null }> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as GqlBody };
    } catch {
      return { status: response.status, body: null };
    }
  };

  for (let i = 0; i < 20; i++) await post(INVENTORY);

  for (const { simulator } of simulators) {
    simulator.server.addFault({ probability: 0.1, response: { status: 503, body: { error: 'injected 5xx' } } });
    simulator.server.addFault({ probability: 0.05, delayMs: 300 });
  }
  const burst = setInterval(() => {
    for (const { simulator } of simulators) {
      simulator.server.addFault({ times: 10, response: { status: 429, headers: { 'retry-after': '1' }, body: { error: 'burst' } } });
    }
  }, 7_000);

  const violations: string[] = [];
  const byKind: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const creates: { name: string; outcome: string; connectionId: string | null }[] = [];
  const deletes: { connectionId: string; outcome: string }[] = [];
  const created: { id: string; connectionId: string }[] = [];
  const seedIds = datadog.seedConnectionIds;
  let issued = 0;
  const started = Date.now();
  const deadline = started + options.seconds * 1000;

  const count = (record: Record<string, number>, key: string) => {
    record[key] = (record[key] ?? 0) + 1;
  };

  let limit = 0;
  const client = async (clientId: number) => {
    while (issued < limit && Date.now() < deadline) {
      const n = issued++;
      const roll = (n * 7919 + clientId * 104_729) % 100;
      if (roll < 55) {
        count(byKind, 'inventory');
        const { status, body } = await post(INVENTORY);
        const page = body?.data?.['connections'];
        if (status !== 200 || !page || body?.errors) violations.push(`inventory #${n}: malformed response (status ${status}) ${JSON.stringify(body?.errors ?? null).slice(0, 300)}`);
      } else if (roll < 70) {
        count(byKind, 'read');
        const pick = created[n % Math.max(1, created.length)];
        const id = pick?.id ?? encodeGlobalId('DatadogActionConnection', innerId(datadogAccount.id, seedIds[n % seedIds.length] ?? ''));
        const { status, body } = await post(READ, { id });
        const typename = body?.data?.['connection']?.__typename;
        if (status !== 200 || !typename) violations.push(`read #${n}: malformed response (status ${status})`);
        else count(outcomes, `read:${typename}`);
      } else if (roll < 90) {
        count(byKind, 'create');
        const name = `load-${n}`;
        const { status, body } = await post(CREATE, {
          input: { account: datadogAccount.id, name, integration: { openAi: { apiToken: `sk-load-${n}-0123456789abcdef` } } },
        });
        const result = body?.data?.['createDatadogActionConnection'];
        const typename = result?.__typename;
        if (status !== 200 || !typename) {
          violations.push(`create #${n}: malformed response (status ${status})`);
          continue;
        }
        count(outcomes, `create:${typename}`);
        const connection = (result as { connection?: { id: string; connectionId: string } }).connection;
        creates.push({ name, outcome: typename, connectionId: connection?.connectionId ?? null });
        if (connection) created.push(connection);
      } else {
        count(byKind, 'delete');
        const victim = created.shift();
        if (!victim) continue;
        const { status, body } = await post(DELETE, { input: { id: victim.id } });
        const typename = body?.data?.['deleteDatadogActionConnection']?.__typename;
        if (status !== 200 || !typename) {
          violations.push(`delete #${n}: malformed response (status ${status})`);
          continue;
        }
        count(outcomes, `delete:${typename}`);
        deletes.push({ connectionId: victim.connectionId, outcome: typename });
        if (typename !== 'DeletedConnectionPayload') created.push(victim);
      }
    }
  };
  // A first tenth warms every path (and the heap) up; the heap is measured after it, idle, and
  // again after the rest: a gateway that leaks per request would not come back to it.
  const runUpTo = async (operations: number) => {
    limit = operations;
    await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  };
  await runUpTo(Math.ceil(options.operations / 10));
  const heapStartMb = heapMb();
  await runUpTo(options.operations);
  clearInterval(burst);
  for (const { simulator } of simulators) simulator.server.clearFaults();

  // Compare what clients were told with what the vendor holds.
  const stored = datadog.connectionIds().map((id) => datadog.storedConnection(id));
  const byName = new Map<string, number>();
  for (const connection of stored) if (connection) byName.set(connection.name, (byName.get(connection.name) ?? 0) + 1);
  const deletedOk = new Set(deletes.filter((d) => d.outcome === 'DeletedConnectionPayload').map((d) => d.connectionId));
  for (const create of creates) {
    const atVendor = byName.get(create.name) ?? 0;
    const confirmedThenDeleted = create.connectionId !== null && deletedOk.has(create.connectionId);
    if (create.outcome === 'DatadogActionConnectionPayload') {
      if (atVendor !== (confirmedThenDeleted ? 0 : 1)) violations.push(`create ${create.name}: confirmed, but the vendor holds ${atVendor}`);
    } else if (DEFINITE_FAILURES.has(create.outcome)) {
      if (atVendor !== 0) violations.push(`create ${create.name}: reported ${create.outcome}, but the vendor holds ${atVendor}`);
    } else if (create.outcome === 'OutcomeUnknownError') {
      if (atVendor > 1) violations.push(`create ${create.name}: unknown outcome, and the vendor holds ${atVendor} (doubled)`);
    } else {
      violations.push(`create ${create.name}: unexpected outcome ${create.outcome}`);
    }
  }
  for (const connectionId of deletedOk) {
    if (datadog.storedConnection(connectionId)) violations.push(`delete ${connectionId}: confirmed, but still at the vendor`);
  }
  if (unhandled.length > 0) violations.push(`${unhandled.length} unhandled errors, first: ${String(unhandled[0])}`);

  const heapEndMb = heapMb();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await runtime.close();
  await stopSimulators(simulators);
  await store.close();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  const seconds = (Date.now() - started) / 1000;
  log(`operations ${issued} in ${seconds.toFixed(1)} s`);
  return { operations: Math.min(issued, options.operations), byKind, outcomes, violations, heapStartMb, heapEndMb, seconds };
}

const isMain = process.argv[1]?.endsWith('load.ts');
if (isMain) {
  const options = { operations: argument('operations', 2000, 'number'), clients: argument('clients', 50, 'number'), seconds: argument('seconds', 120, 'number') };
  runLoad({ ...options, log: (line) => process.stdout.write(`${line}\n`) })
    .then((report) => {
      process.stdout.write(`kinds     ${JSON.stringify(report.byKind)}\n`);
      process.stdout.write(`outcomes  ${JSON.stringify(report.outcomes)}\n`);
      process.stdout.write(`heap      ${report.heapStartMb.toFixed(1)} MB before, ${report.heapEndMb.toFixed(1)} MB after\n`);
      const violations = [...report.violations];
      if (report.heapEndMb > report.heapStartMb + 64) violations.push('heap did not come back near its starting level');
      for (const violation of violations) process.stdout.write(`VIOLATION ${violation}\n`);
      process.stdout.write(violations.length === 0 ? 'load test passed\n' : 'load test FAILED\n');
      process.exitCode = violations.length === 0 ? 0 : 1;
    })
    .catch((error: unknown) => {
      process.stderr.write(`load test crashed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
