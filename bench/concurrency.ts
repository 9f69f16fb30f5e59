/**
 * Benchmark: throughput against a slow vendor, before and after issue 12's pools and concurrency.
 *
 *   npm run bench:concurrency [-- --rounds 4]
 *
 * "before" is the old fixed setting (32 sockets per vendor origin, 8 Datadog GETs per account),
 * "after" the new defaults; both run the same code, configured. Two workloads:
 *
 * 1. The demo inventory (all five vendors) while Datadog answers every connection GET 250 ms late,
 *    at 1 and 16 concurrent clients (closed loop, `--rounds` inventories per client): inventories
 *    per second, median latency, gateway CPU per inventory.
 * 2. One Datadog account with 1,000 tracked connections, 20 ms per GET: the wall time of one
 *    inventory, beside a raw client that sends the same 1,000 GETs with undici directly, all at once.
 * 3. A second Datadog account on the same origin with 16 tracked connections: its inventory alone,
 *    and while the 1,000-connection one runs (does one account starve another on a shared pool?).
 *
 * The simulators run in a child process (`src/simulators/cli.ts --bench`), so their CPU is not
 * counted; the gateway runs here, through `yoga.fetch`. All traffic stays on 127.0.0.1.
 */
import { Agent, request } from 'undici';
import type { AccountConfig, GatewayConfig } from '../src/core/config/schema.js';
import { silentLogger } from '../src/core/logger.js';
import { openStore, type Store } from '../src/core/store/store.js';
import { createRuntime, defaultGatewayConfig, type Runtime } from '../src/server/runtime.js';
import { SIMULATOR_KITS } from '../src/simulators/index.js';
import { argument, spawnSimulators } from './proc.js';

const CONNECTION_GETS = '^/api/v2/actions/connections/';
const BULK_ACCOUNT = 'datadog-bulk';
const BULK_SIZE = 1_000;
const SMALL_ACCOUNT = 'datadog-small';
const DD_HEADERS = { 'dd-api-key': 'bench-api-key', 'dd-application-key': 'bench-app-key' };

const INVENTORY = `query Inventory($filter: ConnectionFilter) {
  connections(first: 100, filter: $filter) {
    totalCount
    nodes { __typename ... on VendorConnection { id name service vendor } }
    failures { account { key } error { __typename message } }
  }
}`;

interface Setting {
  readonly label: string;
  readonly connectionsPerOrigin: number;
  /** Datadog reads per account; undefined keeps the new default. */
  readonly datadogReads: number | undefined;
}

const SETTINGS: readonly Setting[] = [
  { label: 'before (32 sockets/origin, 8 Datadog reads)', connectionsPerOrigin: 32, datadogReads: 8 },
  { label: 'after (defaults)', connectionsPerOrigin: defaultGatewayConfig().vendorHttp.connectionsPerOrigin, datadogReads: undefined },
];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function control(origin: string, method: 'POST' | 'DELETE', what: string, body?: unknown): Promise<void> {
  const answer = await request(`${origin}/__simulator/${what}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
  await answer.body.dump();
  if (answer.statusCode >= 300) throw new Error(`simulator control ${method} ${what}: ${answer.statusCode}`);
}

async function slowDown(origin: string, delayMs: number): Promise<void> {
  await control(origin, 'DELETE', 'faults');
  await control(origin, 'POST', 'faults', { match: { method: 'GET', path: CONNECTION_GETS }, delayMs });
}

/** Creates `count` connections through the simulator's API and tracks them for `account`. */
async function createBulk(baseUrl: string, store: Store, account: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await request(`${baseUrl}/api/v2/actions/connections`, {
      method: 'POST',
      headers: { ...DD_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { type: 'action_connection', attributes: { name: `bulk ${i}`, integration: { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: `sk-bench-${i}` } } } },
      }),
    });
    const body = (await answer.body.json()) as { data: { id: string } };
    ids.push(body.data.id);
    await store.trackDatadogConnection(account, body.data.id);
  }
  return ids;
}

function runtimeFor(setting: Setting, accounts: readonly AccountConfig[], store: Store): Runtime {
  const gateway: GatewayConfig = { ...defaultGatewayConfig(), vendorHttp: { ...defaultGatewayConfig().vendorHttp, connectionsPerOrigin: setting.connectionsPerOrigin } };
  const configured = accounts.map((account) => (account.vendor === 'datadog' && setting.datadogReads !== undefined ? { ...account, maxConcurrentReads: setting.datadogReads } : account));
  return createRuntime({ accounts: configured, gateway, store, logger: silentLogger });
}

async function inventory(runtime: Runtime, filter?: Record<string, unknown>): Promise<number> {
  const response = await runtime.yoga.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: INVENTORY, variables: filter ? { filter } : {} }),
  });
  const body = (await response.json()) as { errors?: unknown; data?: { connections?: { totalCount: number; failures: unknown[] } } };
  if (body.errors || (body.data?.connections?.failures.length ?? 0) > 0) throw new Error(`unexpected response: ${JSON.stringify(body.errors ?? body.data?.connections?.failures).slice(0, 800)}`);
  return body.data?.connections?.totalCount ?? 0;
}

/** `clients` closed-loop clients, `rounds` inventories each: inventories/s, median ms, CPU ms per inventory. */
async function load(runtime: Runtime, clients: number, rounds: number): Promise<{ perSecond: number; medianMs: number; cpuMs: number }> {
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < rounds; i++) {
        const begun = performance.now();
        await inventory(runtime);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const total = clients * rounds;
  return { perSecond: total / (wall / 1000), medianMs: median(latencies), cpuMs: (used.user + used.system) / 1000 / total };
}

/** The raw client: the same GETs, all at once, through a fresh unlimited undici pool. */
async function rawRead(baseUrl: string, ids: readonly string[]): Promise<number> {
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const started = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      const answer = await request(`${baseUrl}/api/v2/actions/connections/${id}`, { headers: DD_HEADERS, dispatcher: agent });
      if (answer.statusCode !== 200) throw new Error(`raw GET: ${answer.statusCode}`);
      await answer.body.json();
    }),
  );
  const ms = performance.now() - started;
  await agent.close();
  return ms;
}

async function main(): Promise<void> {
  const rounds = argument('rounds', 4);
  const { child, accounts } = await spawnSimulators();
  try {
    const datadog = accounts.find((account) => account.vendor === 'datadog');
    if (!datadog) throw new Error('no Datadog demo account');
    const store = await openStore({ dataDir: null });
    for (const kit of SIMULATOR_KITS) {
      const account = accounts.find((a) => a.vendor === kit.vendor);
      if (account) await kit.seedStore?.(store, account.id);
    }

    console.log(`1. demo inventory, Datadog connection GETs 250 ms late (${rounds} inventories per client)`);
    await slowDown(datadog.baseUrl, 250);
    for (const setting of SETTINGS) {
      const runtime = runtimeFor(setting, accounts, store);
      await inventory(runtime);
      for (const clients of [1, 16]) {
        const result = await load(runtime, clients, rounds);
        console.log(
          `   ${setting.label.padEnd(44)} ${String(clients).padStart(2)} clients: ${result.perSecond.toFixed(1).padStart(6)} inventories/s, median ${result.medianMs.toFixed(0).padStart(5)} ms, ${result.cpuMs.toFixed(1)} ms CPU/inventory`,
        );
      }
      await runtime.close();
    }

    console.log(`2. one Datadog account, ${BULK_SIZE} tracked connections, 20 ms per GET (median of 3)`);
    await control(datadog.baseUrl, 'DELETE', 'faults');
    const ids = await createBulk(datadog.baseUrl, store, BULK_ACCOUNT, BULK_SIZE);
    const bulkAccount: AccountConfig = { ...datadog, id: BULK_ACCOUNT, displayName: BULK_ACCOUNT };
    await slowDown(datadog.baseUrl, 20);
    const raw: number[] = [];
    for (let i = 0; i < 3; i++) raw.push(await rawRead(datadog.baseUrl, ids));
    const rawMs = median(raw);
    console.log(`   ${'raw client (undici, all at once)'.padEnd(44)} ${rawMs.toFixed(0).padStart(5)} ms`);
    for (const setting of SETTINGS) {
      const runtime = runtimeFor(setting, [bulkAccount], store);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const total = await inventory(runtime, { accounts: [BULK_ACCOUNT] });
        times.push(performance.now() - started);
        if (total !== BULK_SIZE) throw new Error(`expected ${BULK_SIZE} connections, got ${total}`);
      }
      const ms = median(times);
      console.log(`   ${setting.label.padEnd(44)} ${ms.toFixed(0).padStart(5)} ms (${(ms / rawMs).toFixed(2)}× raw)`);
      await runtime.close();
    }

    console.log(`3. two Datadog accounts on one origin: a 16-connection inventory alone and during the ${BULK_SIZE}-connection one (20 ms per GET, median of 3)`);
    for (const id of ids.slice(0, 16)) await store.trackDatadogConnection(SMALL_ACCOUNT, id);
    const smallAccount: AccountConfig = { ...datadog, id: SMALL_ACCOUNT, displayName: SMALL_ACCOUNT };
    for (const setting of SETTINGS) {
      const runtime = runtimeFor(setting, [bulkAccount, smallAccount], store);
      const alone: number[] = [];
      const beside: number[] = [];
      for (let i = 0; i < 3; i++) {
        let started = performance.now();
        await inventory(runtime, { accounts: [SMALL_ACCOUNT] });
        alone.push(performance.now() - started);
        const big = inventory(runtime, { accounts: [BULK_ACCOUNT] });
        await new Promise((resolve) => setTimeout(resolve, 50));
        started = performance.now();
        await inventory(runtime, { accounts: [SMALL_ACCOUNT] });
        beside.push(performance.now() - started);
        await big;
      }
      console.log(`   ${setting.label.padEnd(44)} alone ${median(alone).toFixed(0).padStart(4)} ms, beside the big one ${median(beside).toFixed(0).padStart(4)} ms`);
      await runtime.close();
    }
    await store.close();
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
