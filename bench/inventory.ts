/**
 * Benchmark: gateway CPU time and vendor calls per request for a representative inventory query.
 *
 *   npm run bench:inventory [-- --requests 300]
 *
 * The vendor simulators run in a child process (so their CPU is not counted); the gateway runs in
 * this process and is driven through `yoga.fetch`, one request at a time after a warm-up. Prints
 * CPU µs per request (user + system of this process), wall-clock latency percentiles, and vendor
 * calls per request read from `extensions.vendorCalls`. All traffic stays on 127.0.0.1.
 */
import { once } from 'node:events';
import { silentLogger } from '../src/core/logger.js';
import { createRuntime, defaultGatewayConfig } from '../src/server/runtime.js';
import { SIMULATOR_KITS } from '../src/simulators/index.js';
import { openStore } from '../src/core/store/store.js';
import { argument, percentile, spawnSimulators } from './proc.js';

const QUERY = `query Inventory($first: Int) {
  accounts { key vendor }
  connections(first: $first) {
    totalCount
    nodes { __typename ... on VendorConnection { id name service vendor secrets { field isSet lastFour } } }
    failures { account { key } error { __typename message } }
  }
}`;

async function main(): Promise<void> {
  const requests = argument('requests', 300);
  const warmup = Math.min(50, requests);
  const { child, accounts } = await spawnSimulators();
  const store = await openStore({ dataDir: null });
  for (const kit of SIMULATOR_KITS) {
    const account = accounts.find((a) => a.vendor === kit.vendor);
    if (account) await kit.seedStore?.(store, account.id);
  }
  const runtime = createRuntime({ accounts, gateway: defaultGatewayConfig(), store, logger: silentLogger, exposeVendorCalls: true });
  const run = async () => {
    const response = await runtime.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { first: 100 } }),
    });
    const body = (await response.json()) as { errors?: unknown; extensions?: { vendorCalls?: unknown[] }; data?: { connections?: { totalCount: number; failures: unknown[] } } };
    if (body.errors || (body.data?.connections?.failures.length ?? 0) > 0) throw new Error(`unexpected response: ${JSON.stringify(body.errors ?? body.data?.connections?.failures).slice(0, 800)}`);
    return { calls: body.extensions?.vendorCalls?.length ?? 0, items: body.data?.connections?.totalCount ?? 0 };
  };
  for (let i = 0; i < warmup; i++) await run();
  const latencies: number[] = [];
  let calls = 0;
  let items = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const result = await run();
    latencies.push(performance.now() - started);
    calls += result.calls;
    items = result.items;
  }
  const wall = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  const rows: [string, string][] = [
    ['requests', String(requests)],
    ['items per response', String(items)],
    ['vendor calls per request', (calls / requests).toFixed(2)],
    ['gateway CPU per request (µs)', ((cpu.user + cpu.system) / requests).toFixed(0)],
    ['latency p50 (ms)', percentile(latencies, 50).toFixed(2)],
    ['latency p95 (ms)', percentile(latencies, 95).toFixed(2)],
    ['throughput (req/s, sequential)', ((requests / wall) * 1000).toFixed(1)],
  ];
  for (const [label, value] of rows) process.stdout.write(`${label.padEnd(34)} ${value}\n`);
  await runtime.close();
  await store.close();
  child.kill('SIGTERM');
  await once(child, 'exit');
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
