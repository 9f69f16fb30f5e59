/**
 * `npm run bench:replicas`: 1, 2 and 3 gateway replicas on one PostgreSQL (issue 13 scope 6).
 *
 * Starts every simulator with its vendor's own throttles in a child process, plus one more Cortex
 * simulator in this process for an account with a static `maxRequestsPerMinute`; then, for 1, 2
 * and 3 replicas: a fresh schema (migrated once, as `patchbay migrate` does; the replicas start
 * with PATCHBAY_MIGRATE=false), the replicas as their own processes, and one bounded workload
 * sent round-robin through them (reads of the inventory, Chronosphere creates, and steady reads
 * of the limited account). Prints, side by side: requests per second, vendor calls counted at the
 * simulators, and the limited account's calls that reached its simulator against what its limit
 * allows. Without PATCHBAY_REDIS_URL limits are per process (each replica allows the full limit);
 * with it set, it is passed to the replicas. Stops by itself (a watchdog ends it after 5 minutes).
 *
 *   PATCHBAY_BENCH_DATABASE_URL=postgres://… npm run bench:replicas [-- --requests 200 --clients 8]
 *   (PATCHBAY_TEST_DATABASE_URL is used when the first is not set.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { request } from 'undici';
import { SIMULATOR_KITS } from '../src/simulators/index.js';
import { openStore } from '../src/core/store/store.js';
import type { AccountConfig } from '../src/core/config/schema.js';
import { argument, spawnSimulators } from './proc.js';

const REQUESTS = argument('requests', 200);
const CLIENTS = argument('clients', 8);
const LIMIT_PER_MINUTE = 60;
/** The limited account is read this often, whatever the replica count. */
const LIMITED_EVERY_MS = 200;
const DATABASE_URL = process.env['PATCHBAY_BENCH_DATABASE_URL'] || process.env['PATCHBAY_TEST_DATABASE_URL'] || '';
const REDIS_URL = process.env['PATCHBAY_REDIS_URL'] || '';

const children = new Set<ChildProcess>();
const watchdog = setTimeout(() => {
  process.stderr.write('bench:replicas: still running after 5 minutes; stopping\n');
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}, 300_000);
watchdog.unref();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A schema of its own for one phase, selected through the connection string. */
async function freshSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `patchbay_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE SCHEMA ${name}`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { url: url.toString(), drop: () => admin(`DROP SCHEMA IF EXISTS ${name} CASCADE`) };
}

async function startReplica(config: string, databaseUrl: string, index: number): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATCHBAY_CONFIG: config,
    PATCHBAY_DATABASE_URL: databaseUrl,
    PATCHBAY_MIGRATE: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  if (REDIS_URL) env['PATCHBAY_REDIS_URL'] = REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { stdio: ['ignore', 'pipe', 'inherit'], env });
  children.add(child);
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /is ready: open (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error(`replica ${index} exited before it was ready`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  children.delete(child);
}

interface Gql {
  data?: Record<string, { __typename?: string; totalCount?: number; failures?: unknown[] } | null>;
  errors?: unknown[];
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<Gql> {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.body.json()) as Gql;
}

const READ = 'query($accounts: [String!]) { connections(first: 50, filter: { accounts: $accounts }) { totalCount failures { account { key } } } }';
const CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) {
  createChronosphereExternalConnection(input: $input) { __typename }
}`;

interface PhaseResult {
  readonly replicas: number;
  readonly seconds: number;
  readonly rps: number;
  readonly reads: number;
  readonly readFailures: number;
  readonly writes: number;
  readonly writesOk: number;
  readonly vendorCalls: number;
  readonly limitedSent: number;
  readonly limitedReached: number;
  readonly limitedAllowed: number;
}

async function vendorCalls(origins: Iterable<string>): Promise<number> {
  let total = 0;
  for (const origin of origins) {
    const response = await request(`${origin}/__simulator/requests`);
    total += ((await response.body.json()) as { requests: unknown[] }).requests.length;
  }
  return total;
}

async function resetSimulators(origins: Iterable<string>): Promise<void> {
  for (const origin of origins) {
    await (await request(`${origin}/__simulator/reset`, { method: 'POST' })).body.dump();
    await (await request(`${origin}/__simulator/requests`, { method: 'DELETE' })).body.dump();
  }
}

async function phase(replicas: number, config: string, accounts: readonly AccountConfig[], origins: ReadonlyMap<string, string>, limited: { clear(): void; calls(): number }): Promise<PhaseResult> {
  const schema = await freshSchema();
  const started: { child: ChildProcess; url: string }[] = [];
  try {
    // The migrate step, then what Patchbay remembers of the Datadog seed.
    const store = await openStore({ databaseUrl: schema.url });
    for (const kit of SIMULATOR_KITS) {
      const account = accounts.find((a) => a.vendor === kit.vendor);
      if (account) await kit.seedStore(store, account.id);
    }
    await store.close();
    for (let i = 0; i < replicas; i++) started.push(await startReplica(config, schema.url, i));
    const urls = started.map((s) => s.url);
    const readAccounts = accounts.map((a) => a.id);
    // Warm every replica (first requests compile and connect), then count from zero.
    for (const url of urls) await post(url, READ, { accounts: readAccounts });
    await resetSimulators(origins.values());
    limited.clear();

    let next = 0;
    let reads = 0;
    let readFailures = 0;
    let writes = 0;
    let writesOk = 0;
    let done = false;
    const t0 = performance.now();
    let limitedSent = 0;
    const limitedLoop = (async () => {
      for (let n = 0; !done; n++) {
        const url = urls[n % urls.length] ?? '';
        limitedSent += 1;
        void post(url, READ, { accounts: ['cortex-limited'] }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, LIMITED_EVERY_MS));
      }
    })();
    const client = async () => {
      while (next < REQUESTS) {
        const n = next++;
        const url = urls[n % urls.length] ?? '';
        if (n % 5 === 4) {
          writes += 1;
          const result = await post(url, CREATE, {
            input: { account: 'chronosphere-demo', slug: `bench-${replicas}-${n}`, name: `Bench ${replicas} ${n}`, target: { slack: { token: `xoxb-bench-${n}` } } },
          });
          if (result.data?.['createChronosphereExternalConnection']?.__typename === 'ChronosphereExternalConnectionPayload') writesOk += 1;
        } else {
          reads += 1;
          const result = await post(url, READ, { accounts: readAccounts });
          const page = result.data?.['connections'];
          if (!page || result.errors || (page.failures?.length ?? 0) > 0) readFailures += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const seconds = (performance.now() - t0) / 1000;
    done = true;
    await limitedLoop;
    const calls = await vendorCalls(origins.values());
    return {
      replicas,
      seconds,
      rps: REQUESTS / seconds,
      reads,
      readFailures,
      writes,
      writesOk,
      vendorCalls: calls,
      limitedSent,
      limitedReached: limited.calls(),
      limitedAllowed: Math.ceil((LIMIT_PER_MINUTE * seconds) / 60),
    };
  } finally {
    for (const s of started) await stop(s.child);
    await schema.drop();
  }
}

async function main(): Promise<void> {
  if (DATABASE_URL === '') {
    process.stderr.write('bench:replicas needs PostgreSQL: set PATCHBAY_BENCH_DATABASE_URL (or PATCHBAY_TEST_DATABASE_URL) to a database it may create schemas in\n');
    process.exitCode = 2;
    return;
  }
  const cpu = cpus();
  process.stdout.write(
    `machine: ${cpu.length} cpu(s) ${cpu[0]?.model ?? ''}, node ${process.version}; ${REQUESTS} requests from ${CLIENTS} clients per run; limits ${REDIS_URL ? 'shared through PATCHBAY_REDIS_URL' : 'per process (no PATCHBAY_REDIS_URL)'}\n`,
  );

  const sims = await spawnSimulators(() => undefined, { unthrottled: false });
  children.add(sims.child);
  const cortex = SIMULATOR_KITS.find((kit) => kit.vendor === 'cortex');
  if (!cortex) throw new Error('no cortex simulator kit');
  const limitedSim = cortex.create();
  const limitedBase = await limitedSim.server.listen();
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-bench-replicas-'));
  try {
    const limitedAccount = { ...cortex.demoAccount(limitedBase), id: 'cortex-limited', maxRequestsPerMinute: LIMIT_PER_MINUTE };
    const config = join(dir, 'patchbay.json');
    await writeFile(config, JSON.stringify({ accounts: [...sims.accounts, limitedAccount], auth: { mode: 'none' }, gateway: { requestDeadlineMs: 10_000, limits: { requestsPerMinute: 0 } } }));
    const limited = { clear: () => limitedSim.server.clearRequests(), calls: () => limitedSim.server.requests.length };
    const results: PhaseResult[] = [];
    for (const replicas of [1, 2, 3]) {
      process.stdout.write(`running ${replicas} replica(s)…\n`);
      results.push(await phase(replicas, config, sims.accounts, sims.origins, limited));
    }
    const row = (label: string, cell: (r: PhaseResult) => string) => `${label.padEnd(34)}${results.map((r) => cell(r).padStart(16)).join('')}\n`;
    process.stdout.write('\n');
    process.stdout.write(row('replicas', (r) => String(r.replicas)));
    process.stdout.write(row('wall time (s)', (r) => r.seconds.toFixed(1)));
    process.stdout.write(row('requests/s', (r) => r.rps.toFixed(1)));
    process.stdout.write(row('reads (with an account failing)', (r) => `${r.reads} (${r.readFailures})`));
    process.stdout.write(row('writes ok / sent', (r) => `${r.writesOk}/${r.writes}`));
    process.stdout.write(row('vendor calls at the simulators', (r) => String(r.vendorCalls)));
    process.stdout.write(row(`limited account (${LIMIT_PER_MINUTE}/min): reads`, (r) => String(r.limitedSent)));
    process.stdout.write(row('  calls reached / allowed', (r) => `${r.limitedReached}/${r.limitedAllowed}`));
    process.stdout.write(row('  adherence (reached ÷ allowed)', (r) => (r.limitedReached / Math.max(1, r.limitedAllowed)).toFixed(2)));
    if (!REDIS_URL) process.stdout.write('\nWithout PATCHBAY_REDIS_URL each replica keeps its own limit, so up to replicas × the limit can reach the vendor.\n');
  } finally {
    await limitedSim.server.close();
    await stop(sims.child);
    await rm(dir, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:replicas failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  for (const child of children) child.kill('SIGKILL');
  process.exitCode = 1;
});
