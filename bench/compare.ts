/**
 * Side-by-side benchmark (issue 12): Patchbay against a raw undici client making the same vendor
 * calls.
 *
 *   npm run bench [-- --full] [--requests 200] [--no-hive] [--only read,write,...] [--cpu-prof DIR]
 *
 * `--only` runs some workload groups (read, inventory, write, chronosphere, slow, growth, tracked)
 * and prints the goals those measure; `--cpu-prof DIR` has Patchbay write a V8 CPU profile there
 * when it stops (open it in Chrome DevTools or speedscope).
 *
 * Three kinds of process, all on 127.0.0.1: the vendor simulators (`src/simulators/cli.ts --bench`, throttles
 * lifted), Patchbay (`bin/start.mjs`, as `npm start` runs it, in config mode: a generated config
 * pointing at the simulators, `auth.mode: none`, its store in a temp dir) and the raw client
 * (bench/raw-client.ts). This process is only the load driver: it sends each workload's requests
 * over HTTP to Patchbay and to the raw client alike, times them (p50/p99, requests per second) and
 * reads each target's CPU (utime + stime) and RSS from /proc before and after, so neither target
 * pays for being measured and neither's HTTP server is left out. The simulators' CPU is counted
 * for neither. Loops are bounded by request counts.
 *
 * GraphQL Mesh + Hive Gateway (bench/hive-gateway.ts, tools in bench/hive/, installed there on
 * first use) is the third target on the workloads it can serve: the read (Cortex, Chronosphere,
 * Datadog by id) and the Chronosphere create + delete, at 1, 16 and 64 clients. `--no-hive` skips
 * it; when it cannot be installed, composed or started, the table says so and has the rest.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import type { AccountConfig } from '../src/core/config/schema.js';
import { encodeGlobalId, innerId } from '../src/core/ids.js';
import { openStore } from '../src/core/store/store.js';
import { SIMULATOR_KITS } from '../src/simulators/index.js';
import { composeSupergraph, ensureHiveTools, type HiveGateway, startHiveGateway, stopHiveGateway } from './hive-gateway.js';
import { argument, bundleSources, percentile, procCpuMs, procMemory } from './proc.js';
import type { RawConfig } from './raw-client.js';

/** The issue's goals. */
/** How long after "ready" idle RSS is read. */
const IDLE_SETTLE_MS = 15_000;
const GOALS = { readCpuRatio: 1.5, writeCpuRatio: 2, p50SlackMs1: 5, p50SlackMs16: 10, trackedRatio: 2, idleRssMb: 150, loadedRssMb: 250, startCpuMs: 3000, hiveRpsRatio: 3 } as const;
const SLOW_VENDOR_DELAY_MS = 250;
const TRACKED_LATENCY_MS = 20;

const FULL = process.argv.includes('--full');
const HIVE = !process.argv.includes('--no-hive');
const REQUESTS = argument('requests', FULL ? 600 : 300);

/** Workload groups `--only a,b` may select (default: all). */
const WORKLOADS = ['read', 'inventory', 'write', 'chronosphere', 'slow', 'growth', 'tracked'] as const;
type Workload = (typeof WORKLOADS)[number];
function textArgument(name: string): string | null {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return null;
  const value = process.argv[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}
const ONLY: ReadonlySet<Workload> = (() => {
  const list = textArgument('only');
  if (list === null) return new Set(WORKLOADS);
  const names = list.split(',');
  for (const name of names) if (!(WORKLOADS as readonly string[]).includes(name)) throw new Error(`--only: unknown workload ${name} (one of ${WORKLOADS.join(', ')})`);
  return new Set(names as Workload[]);
})();
/** Thrown to leave the tracked workload out when `--only` does not name it. */
class SkippedWorkload extends Error {}
/** `--cpu-prof DIR`: Patchbay writes a V8 CPU profile (node --cpu-prof) into DIR when it stops. */
const CPU_PROF_DIR = textArgument('cpu-prof');

/** A process this benchmark started, and the first line it printed that matched. */
interface Started {
  readonly child: ChildProcess;
  readonly pid: number;
}

async function startProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  onLine?: (line: string) => void,
  nodeArgs: readonly string[] = [],
): Promise<Started & { readonly match: RegExpExecArray }> {
  // A TypeScript entry runs through tsx; bin/start.mjs (`npm start`) transpiles the gateway itself.
  const loader = args[0]?.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  // Every line is read (and passed on) for the process's whole life, so it never blocks on a full pipe.
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    lines.on('line', (line) => {
      onLine?.(line);
      const found = ready.exec(line);
      if (found) resolve(found);
    });
    child.once('exit', () => reject(new Error(`${args.join(' ')} exited before it was ready`)));
  });
  if (child.pid === undefined) throw new Error('no pid');
  return { child, pid: child.pid, match };
}

async function stopProcess(started: Started): Promise<void> {
  if (started.child.exitCode !== null) return;
  const exited = once(started.child, 'exit');
  started.child.kill('SIGTERM');
  await exited;
}

async function postJson(url: string, body: unknown): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.body.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

/** One side of the comparison: where to send a workload's requests and which process to measure. */
interface Target {
  readonly name: 'patchbay' | 'raw' | 'hive';
  readonly pid: number;
  readonly url: string;
}

/** One workload step on one target; throws when the answer is not the expected success. */
type Step = (target: Target, n: number) => Promise<void>;

interface Measured {
  readonly requests: number;
  readonly cpuUsPerRequest: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly rssMb: number;
}

/** Runs `requests` steps from `clients` concurrent loops after a warm-up; measures the target. */
async function drive(target: Target, step: Step, clients: number, requests: number): Promise<Measured> {
  const warmup = Math.max(clients, Math.min(30, Math.ceil(requests / 5)));
  let next = 0;
  const loop = async (limit: number, latencies: number[] | null) => {
    while (next < limit) {
      const n = next++;
      const started = performance.now();
      await step(target, n);
      latencies?.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: clients }, () => loop(warmup, null)));
  const latencies: number[] = [];
  const cpuBefore = await procCpuMs(target.pid);
  const wallStart = performance.now();
  await Promise.all(Array.from({ length: clients }, () => loop(warmup + requests, latencies)));
  const wall = performance.now() - wallStart;
  const cpu = (await procCpuMs(target.pid)) - cpuBefore;
  const { rssMb } = await procMemory(target.pid);
  latencies.sort((a, b) => a - b);
  return { requests, cpuUsPerRequest: (cpu * 1000) / requests, rps: (requests / wall) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), rssMb };
}

interface Row {
  readonly workload: string;
  readonly clients: number;
  readonly patchbay: Measured;
  readonly raw: Measured;
  /** Hive Gateway on the same workload; null where it cannot serve it or was not run. */
  readonly hive: Measured | null;
}

// ---------------------------------------------------------------------------------------------
// The simulators and the accounts that point at them.

interface Simulators extends Started {
  readonly origins: ReadonlyMap<string, string>;
}

async function startSimulatorsProcess(): Promise<Simulators> {
  const origins = new Map<string, string>();
  const started = await startProcess(['src/simulators/cli.ts', '--bench'], process.env, /^opsramp |^mongodb |^cortex |^datadog |^chronosphere /, (line) => {
    const [vendor, url] = line.split(' ');
    if (vendor && url) origins.set(vendor, new URL(url).origin);
  });
  while (origins.size < SIMULATOR_KITS.length) await new Promise((resolve) => setTimeout(resolve, 20));
  return { ...started, origins };
}

function demoAccounts(sims: Simulators): AccountConfig[] {
  return SIMULATOR_KITS.map((kit) => kit.demoAccount(sims.origins.get(kit.vendor) ?? ''));
}

async function simulatorControl(sims: Simulators, vendor: string, method: 'POST' | 'DELETE', path: 'faults' | 'reset', body?: unknown): Promise<void> {
  const response = await request(`${sims.origins.get(vendor)}/__simulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  await response.body.dump();
  if (response.statusCode >= 300) throw new Error(`simulator ${vendor} ${path}: ${response.statusCode}`);
}

/** Creates `count` connections at a simulator through its own API, as a user's history would. */
async function seedVendor(account: AccountConfig, vendor: 'chronosphere' | 'datadog', count: number): Promise<string[]> {
  const ids: string[] = [];
  const a = account as unknown as Record<string, string>;
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) => start + i);
    const made = await Promise.all(
      batch.map(async (i) => {
        if (vendor === 'chronosphere') {
          const response = await request(`${account.baseUrl}/api/v1/config/external-connections`, {
            method: 'POST',
            headers: { 'API-Token': a['apiToken'] ?? '', 'content-type': 'application/json' },
            body: JSON.stringify({ external_connection: { name: `grown ${i}`, slug: `grown-${String(i).padStart(5, '0')}`, webhook: { url: 'https://hooks.example.com/grown' } } }),
          });
          const body = (await response.body.json()) as { external_connection?: { slug: string } };
          if (!body.external_connection) throw new Error(`seeding chronosphere failed: ${response.statusCode}`);
          return body.external_connection.slug;
        }
        const response = await request(`${account.baseUrl}/api/v2/actions/connections`, {
          method: 'POST',
          headers: { 'DD-API-KEY': a['apiKey'] ?? '', 'DD-APPLICATION-KEY': a['appKey'] ?? '', 'content-type': 'application/json' },
          body: JSON.stringify({
            data: {
              type: 'action_connection',
              attributes: { name: `grown-${i}`, integration: { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: `sk-grown-${i}-0123456789abcdef` } } },
            },
          }),
        });
        const body = (await response.body.json()) as { data?: { id: string } };
        if (!body.data) throw new Error(`seeding datadog failed: ${response.statusCode}`);
        return body.data.id;
      }),
    );
    ids.push(...made);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Patchbay and the raw client, started for one set of accounts.

interface Pair {
  readonly patchbay: Target & Started & { readonly startCpuMs: number; readonly readyAt: number; readonly readyRssMb: number };
  readonly raw: Target & Started;
  readonly dataDir: string;
}

async function startPair(accounts: readonly AccountConfig[], datadogTracked: Readonly<Record<string, readonly string[]>>): Promise<Pair> {
  const dataDir = await mkdtemp(join(tmpdir(), 'patchbay-bench-'));
  const store = await openStore({ dataDir: join(dataDir, 'store') });
  for (const [account, ids] of Object.entries(datadogTracked)) for (const id of ids) await store.trackDatadogConnection(account, id);
  await store.close();
  const configPath = join(dataDir, 'patchbay.json');
  const config = {
    accounts,
    auth: { mode: 'none' },
    gateway: {
      requestDeadlineMs: 60_000,
      vendorCallTimeoutMs: 30_000,
      limits: { requestsPerMinute: 0, maxIds: 100_000, costLimit: 1_000_000 },
      egress: { denyRanges: [] },
      // Drift scans are background work on their own schedule (one read of each account every few
      // minutes): off here, so that one landing inside a timed window is not billed to its requests.
      history: { scanIntervalSeconds: 0 },
    },
  };
  await writeFile(configPath, JSON.stringify(config));
  const env = { ...process.env, PATCHBAY_CONFIG: configPath, PATCHBAY_DATA_DIR: join(dataDir, 'store'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', NODE_ENV: 'production' };
  const profile = CPU_PROF_DIR === null ? [] : ['--cpu-prof', '--cpu-prof-dir', resolve(CPU_PROF_DIR)];
  const patchbay = await startProcess(['bin/start.mjs'], env, /is ready: open (http:\/\/\S+)/, undefined, profile);
  const startCpuMs = await procCpuMs(patchbay.pid);
  const readyAt = Date.now();
  const readyRssMb = (await procMemory(patchbay.pid)).rssMb;
  const rawConfig: RawConfig = { accounts: accounts as unknown as RawConfig['accounts'], datadogTracked };
  const raw = await startProcess(['bench/raw-client.ts'], { ...process.env, BENCH_RAW_CONFIG: JSON.stringify(rawConfig) }, /^port (\d+)/);
  return {
    patchbay: { ...patchbay, name: 'patchbay', url: new URL('/graphql', patchbay.match[1]).toString(), startCpuMs, readyAt, readyRssMb },
    raw: { ...raw, name: 'raw', url: `http://127.0.0.1:${raw.match[1]}` },
    dataDir,
  };
}

async function stopPair(pair: Pair): Promise<void> {
  await Promise.all([stopProcess(pair.patchbay), stopProcess(pair.raw)]);
  await rm(pair.dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// The workloads: each a GraphQL request to Patchbay and the matching raw route.

const NODE_FIELDS = `__typename ... on VendorConnection { id name vendor }`;
/** The first page, as a client would ask; Patchbay lists every account in full to count and order them. */
const INVENTORY = `{ connections(first: 100) { totalCount nodes { ${NODE_FIELDS} } failures { account { key } error { __typename message } } } }`;
const READ = `query($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`;
const CREATE = `mutation($c: CreateChronosphereExternalConnectionInput!, $d: CreateDatadogActionConnectionInput!) {
  c: createChronosphereExternalConnection(input: $c) { __typename ... on Error { message } ... on ChronosphereExternalConnectionPayload { connection { id slug } } }
  d: createDatadogActionConnection(input: $d) { __typename ... on Error { message } ... on DatadogActionConnectionPayload { connection { id } } } }`;
const DELETE = `mutation($c: ChronosphereExternalConnectionIdInput!, $d: DatadogActionConnectionIdInput!) {
  c: deleteChronosphereExternalConnection(input: $c) { __typename ... on Error { message } }
  d: deleteDatadogActionConnection(input: $d) { __typename ... on Error { message } } }`;

function failIfErrors(what: string, body: { data?: Record<string, unknown>; errors?: unknown[] }): Record<string, unknown> {
  if (body.errors || !body.data) throw new Error(`${what}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return body.data;
}

function readStep(accounts: readonly AccountConfig[], datadogIds: readonly string[], slug: string): Step {
  const account = (vendor: string) => accounts.find((a) => a.vendor === vendor)?.id ?? '';
  const ids = [
    encodeGlobalId('CortexPagerDutyConfiguration', account('cortex')),
    encodeGlobalId('ChronosphereExternalConnection', innerId(account('chronosphere'), slug)),
    ...datadogIds.map((id) => encodeGlobalId('DatadogActionConnection', innerId(account('datadog'), id))),
  ];
  const rawInput = { cortex: account('cortex'), chronosphere: account('chronosphere'), slug, datadog: account('datadog'), datadogIds };
  const hiveVariables = Object.fromEntries(datadogIds.map((id, i) => [`d${i}`, id]));
  return async (target) => {
    if (target.name === 'raw') {
      failIfErrors('raw read', await postJson(`${target.url}/read`, rawInput));
      return;
    }
    if (target.name === 'hive') {
      const data = failIfErrors('hive read', await postJson(target.url, { query: hiveRead(datadogIds.length), variables: { slug, ...hiveVariables } }));
      const answers = Object.values(data) as { __typename?: string }[];
      const expected = ['PagerdutyConfiguration', 'configv1ReadExternalConnectionResponse', ...datadogIds.map(() => 'GetActionConnectionResponse')];
      if (answers.map((a) => a.__typename).join() !== expected.join()) throw new Error(`hive read: ${JSON.stringify(data).slice(0, 500)}`);
      return;
    }
    const data = failIfErrors('read', await postJson(target.url, { query: READ, variables: { ids } }));
    const nodes = data['nodes'] as ({ __typename: string } | null)[];
    if (nodes.length !== ids.length || nodes.some((n) => n === null || !('id' in n))) throw new Error(`read: ${JSON.stringify(nodes).slice(0, 500)}`);
  };
}

/**
 * The read through Hive: the same 9 vendor calls as fields of the composed schema (operation names
 * from the vendors' OpenAPI documents), each answer's typename checked like Patchbay's nodes.
 */
function hiveRead(datadogCount: number): string {
  const variables = Array.from({ length: datadogCount }, (_, i) => `$d${i}: String!`).join(' ');
  const datadog = Array.from(
    { length: datadogCount },
    (_, i) => `d${i}: GetActionConnection(connection_id: $d${i}) { __typename ... on GetActionConnectionResponse { data { id type attributes { name } } } }`,
  ).join('\n  ');
  return `query($slug: String! ${variables}) {
  cortex: PagerDutyGetConfiguration { __typename ... on PagerdutyConfiguration { lastFour isTokenReadonly } }
  chronosphere: ReadExternalConnection(slug: $slug) { __typename ... on configv1ReadExternalConnectionResponse { external_connection { slug name } } }
  ${datadog}
}`;
}

const CHRONOSPHERE_CREATE = `mutation($c: CreateChronosphereExternalConnectionInput!) {
  c: createChronosphereExternalConnection(input: $c) { __typename ... on Error { message } ... on ChronosphereExternalConnectionPayload { connection { id slug } } } }`;
const CHRONOSPHERE_DELETE = `mutation($c: ChronosphereExternalConnectionIdInput!) { c: deleteChronosphereExternalConnection(input: $c) { __typename ... on Error { message } } }`;
const HIVE_CHRONOSPHERE_CREATE = `mutation($input: configv1CreateExternalConnectionRequest_Input) {
  CreateExternalConnection(input: $input) { __typename ... on configv1CreateExternalConnectionResponse { external_connection { slug } } } }`;
const HIVE_CHRONOSPHERE_DELETE = `mutation($slug: String!) { DeleteExternalConnection(slug: $slug) { __typename } }`;

/** One Chronosphere connection created and deleted: the write workload Hive can do too. */
/** The Chronosphere connection both write workloads create through Patchbay (a webhook with a bearer token). */
function chronosphereInput(account: string, tag: string): Record<string, unknown> {
  return { account, name: `bench ${tag}`, slug: `bench-${tag}`, target: { webhook: { url: 'https://hooks.example.com/bench', httpConfig: { bearerToken: `tok-${tag}-0123456789` } } } };
}

function chronosphereWriteStep(accounts: readonly AccountConfig[]): Step {
  const chronosphere = accounts.find((a) => a.vendor === 'chronosphere')?.id ?? '';
  return async (target, n) => {
    const tag = `${target.name}-c-${n}-${Date.now().toString(36)}`;
    if (target.name === 'raw') {
      const made = failIfErrors('raw create', await postJson(`${target.url}/create`, { n: tag, chronosphere })) as { chronosphere: { slug: string } };
      failIfErrors('raw delete', await postJson(`${target.url}/delete`, { chronosphere, slug: made.chronosphere.slug }));
      return;
    }
    if (target.name === 'hive') {
      const input = {
        external_connection: { name: `bench ${tag}`, slug: `bench-${tag}`, webhook: { url: 'https://hooks.example.com/bench', http_config: { bearer_token: `tok-${tag}-0123456789` } } },
      };
      const created = failIfErrors('hive create', await postJson(target.url, { query: HIVE_CHRONOSPHERE_CREATE, variables: { input } })) as {
        CreateExternalConnection: { __typename: string; external_connection?: { slug: string } };
      };
      const slug = created.CreateExternalConnection.external_connection?.slug;
      if (!slug) throw new Error(`hive create: ${JSON.stringify(created).slice(0, 500)}`);
      const deleted = failIfErrors('hive delete', await postJson(target.url, { query: HIVE_CHRONOSPHERE_DELETE, variables: { slug } })) as { DeleteExternalConnection: { __typename: string } };
      if (deleted.DeleteExternalConnection.__typename === 'apiError') throw new Error(`hive delete: ${JSON.stringify(deleted).slice(0, 500)}`);
      return;
    }
    const created = failIfErrors(
      'create',
      await postJson(target.url, {
        query: CHRONOSPHERE_CREATE,
        variables: {
          c: chronosphereInput(chronosphere, tag),
        },
      }),
    ) as { c: { connection?: { id: string } } };
    if (!created.c.connection) throw new Error(`create: ${JSON.stringify(created).slice(0, 500)}`);
    const deleted = failIfErrors('delete', await postJson(target.url, { query: CHRONOSPHERE_DELETE, variables: { c: { id: created.c.connection.id } } })) as Record<string, { __typename: string }>;
    if (deleted['c']?.__typename !== 'ChronosphereExternalConnectionDeletedPayload') throw new Error(`delete: ${JSON.stringify(deleted).slice(0, 500)}`);
  };
}

function inventoryStep(expected: number): Step {
  return async (target) => {
    if (target.name === 'raw') {
      const data = failIfErrors('raw inventory', await postJson(`${target.url}/inventory`, {}));
      if ((data as { totalCount?: number }).totalCount !== expected) throw new Error(`raw inventory: ${JSON.stringify(data).slice(0, 300)}`);
      return;
    }
    const data = failIfErrors('inventory', await postJson(target.url, { query: INVENTORY }));
    const page = data['connections'] as { totalCount: number; failures: unknown[] };
    if (page.failures.length > 0 || page.totalCount !== expected) throw new Error(`inventory: ${page.totalCount} of ${expected}, ${JSON.stringify(page.failures).slice(0, 300)}`);
  };
}

function writeStep(accounts: readonly AccountConfig[]): Step {
  const chronosphere = accounts.find((a) => a.vendor === 'chronosphere')?.id ?? '';
  const datadog = accounts.find((a) => a.vendor === 'datadog')?.id ?? '';
  return async (target, n) => {
    const tag = `${target.name}-${n}-${Date.now().toString(36)}`;
    if (target.name === 'raw') {
      const made = failIfErrors('raw create', await postJson(`${target.url}/create`, { n: tag, chronosphere, datadog })) as { chronosphere: { slug: string }; datadog: { id: string } };
      failIfErrors('raw delete', await postJson(`${target.url}/delete`, { chronosphere, datadog, slug: made.chronosphere.slug, id: made.datadog.id }));
      return;
    }
    const created = failIfErrors(
      'create',
      await postJson(target.url, {
        query: CREATE,
        variables: {
          c: chronosphereInput(chronosphere, tag),
          d: { account: datadog, name: `bench-${tag}`, integration: { openAi: { apiToken: `sk-bench-${tag}-0123456789abcdef` } } },
        },
      }),
    ) as { c: { connection?: { id: string } }; d: { connection?: { id: string } } };
    if (!created.c.connection || !created.d.connection) throw new Error(`create: ${JSON.stringify(created).slice(0, 500)}`);
    const deleted = failIfErrors('delete', await postJson(target.url, { query: DELETE, variables: { c: { id: created.c.connection.id }, d: { id: created.d.connection.id } } })) as Record<
      string,
      { __typename: string }
    >;
    if (deleted['c']?.__typename !== 'ChronosphereExternalConnectionDeletedPayload' || deleted['d']?.__typename !== 'DeletedConnectionPayload')
      throw new Error(`delete: ${JSON.stringify(deleted).slice(0, 500)}`);
  };
}

async function compare(
  rows: Row[],
  pair: Pair,
  workload: string,
  step: Step,
  clients: number,
  requests: number,
  log: (line: string) => void,
  hive: (Target & { readonly failed?: string }) | null = null,
): Promise<Row> {
  const patchbay = await drive(pair.patchbay, step, clients, requests);
  const raw = await drive(pair.raw, step, clients, requests);
  let hiveMeasured: Measured | null = null;
  if (hive) {
    try {
      hiveMeasured = await drive(hive, step, clients, requests);
    } catch (error) {
      // A failing Hive run is reported, not fatal: the rest of the table still prints.
      log(`  Hive Gateway failed on ${workload} ×${clients}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const row = { workload, clients, patchbay, raw, hive: hiveMeasured };
  rows.push(row);
  const hiveNote = hiveMeasured ? `, hive ${hiveMeasured.cpuUsPerRequest.toFixed(0)} µs` : '';
  log(`  ${workload} ×${clients}: patchbay ${patchbay.cpuUsPerRequest.toFixed(0)} µs, raw ${raw.cpuUsPerRequest.toFixed(0)} µs${hiveNote} CPU per request`);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Printing.

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function table(rows: readonly Row[]): string {
  const header = [
    'workload',
    'clients',
    'CPU µs/req PB',
    'raw',
    '×',
    'rps PB',
    'raw',
    '×',
    'p50 ms PB',
    'raw',
    'p99 ms PB',
    'raw',
    'RSS MB PB',
    'raw',
    'CPU Hive',
    'PB/Hive',
    'rps Hive',
    'PB/Hive',
    'p50 Hive',
  ];
  const lines = rows.map((r) => [
    r.workload,
    String(r.clients),
    fixed(r.patchbay.cpuUsPerRequest, 0),
    fixed(r.raw.cpuUsPerRequest, 0),
    fixed(r.patchbay.cpuUsPerRequest / r.raw.cpuUsPerRequest, 2),
    fixed(r.patchbay.rps),
    fixed(r.raw.rps),
    fixed(r.patchbay.rps / r.raw.rps, 2),
    fixed(r.patchbay.p50),
    fixed(r.raw.p50),
    fixed(r.patchbay.p99),
    fixed(r.raw.p99),
    fixed(r.patchbay.rssMb, 0),
    fixed(r.raw.rssMb, 0),
    r.hive ? fixed(r.hive.cpuUsPerRequest, 0) : '—',
    r.hive ? fixed(r.patchbay.cpuUsPerRequest / r.hive.cpuUsPerRequest, 2) : '—',
    r.hive ? fixed(r.hive.rps) : '—',
    r.hive ? fixed(r.patchbay.rps / r.hive.rps, 2) : '—',
    r.hive ? fixed(r.hive.p50) : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [format(header), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(format)].join('\n');
}

function goal(label: string, met: boolean, detail: string): string {
  return `- ${met ? 'MET    ' : 'NOT MET'} ${label}: ${detail}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const rows: Row[] = [];
  const goals: string[] = [];
  bundleSources();
  const sims = await startSimulatorsProcess();
  let pair: Pair | null = null;
  let hive: RunningHive | null = null;
  let hiveStatus = HIVE ? 'not started' : 'not compared (--no-hive)';
  let hiveRssMb: number | null = null;
  let loaded: { rssMb: number; peakRssMb: number } | null = null;
  try {
    const accounts = demoAccounts(sims);
    const datadog = accounts.find((a) => a.vendor === 'datadog');
    const chronosphere = accounts.find((a) => a.vendor === 'chronosphere');
    if (!datadog || !chronosphere) throw new Error('the benchmark needs the Datadog and Chronosphere simulators');
    const { DATADOG_SEED_CONNECTION_IDS } = await import('../src/simulators/datadog/seed.js');
    const datadogIds = Object.values(DATADOG_SEED_CONNECTION_IDS);
    const tracked = { [datadog.id]: datadogIds };

    log('basic workloads (demo seed, five vendors)');
    const basic = await startPair(accounts, tracked);
    pair = basic;
    // Idle RSS once start-up's garbage has been collected (V8 shrinks an idle heap after several
    // seconds), at the same moment in every run, before anything else starts.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, basic.patchbay.readyAt + IDLE_SETTLE_MS - Date.now())));
    const idle = await procMemory(basic.patchbay.pid);
    const rawIdle = await procMemory(basic.raw.pid);
    const readyRssMb = basic.patchbay.readyRssMb;
    if (HIVE && (ONLY.has('read') || ONLY.has('chronosphere'))) {
      const started = await startHive(accounts, log);
      if (started.ok) {
        hive = started.value;
        hiveStatus = `GraphQL Mesh (compose-cli + omnigraph OpenAPI, the vendors' OpenAPI documents) + Hive Gateway ${hiveVersion()}, one process, defaults`;
      } else {
        hiveStatus = `NOT COMPARED: ${started.reason}`;
        log(`Hive Gateway: ${hiveStatus}`);
      }
    }
    const hiveTarget: Target | null = hive ? { name: 'hive', pid: hive.gateway.pid, url: hive.gateway.url } : null;
    const startCpuMs = pair.patchbay.startCpuMs;
    const slug = 'slack-sre-alerts';
    const read = readStep(accounts, datadogIds, slug);
    const seedTotal = ((await postJson(`${pair.raw.url}/inventory`, {})).data as { totalCount: number }).totalCount;
    const want = (workload: Workload) => ONLY.has(workload);
    const readRow = want('read') ? await compare(rows, pair, 'read (9 vendor calls)', read, 1, REQUESTS, log, hiveTarget) : null;
    const readRow16 = want('read') ? await compare(rows, pair, 'read (9 vendor calls)', read, 16, REQUESTS * 2, log, hiveTarget) : null;
    const readRow64 = want('read') ? await compare(rows, pair, 'read (9 vendor calls)', read, 64, REQUESTS * 2, log, hiveTarget) : null;
    if (want('inventory')) {
      await compare(rows, pair, `inventory (${seedTotal} items)`, inventoryStep(seedTotal), 1, REQUESTS, log);
      await compare(rows, pair, `inventory (${seedTotal} items)`, inventoryStep(seedTotal), 16, REQUESTS, log);
    }
    const writes1 = want('write') ? await compare(rows, pair, 'write (2 creates + 2 deletes)', writeStep(accounts), 1, REQUESTS, log) : null;
    if (want('write')) await compare(rows, pair, 'write (2 creates + 2 deletes)', writeStep(accounts), 8, REQUESTS, log);
    if (want('chronosphere')) {
      for (const clients of [1, 16, 64]) await compare(rows, pair, 'Chronosphere create + delete', chronosphereWriteStep(accounts), clients, REQUESTS, log, hiveTarget);
    }
    if (hive) {
      hiveRssMb = (await procMemory(hive.gateway.pid)).peakRssMb;
      await stopHive(hive);
      hive = null;
    }
    let slow1: Row | null = null;
    let slow16: Row | null = null;
    if (want('slow')) {
      await simulatorControl(sims, 'chronosphere', 'POST', 'faults', { delayMs: SLOW_VENDOR_DELAY_MS });
      const slowRequests = FULL ? 64 : 32;
      slow1 = await compare(rows, pair, `read, Chronosphere +${SLOW_VENDOR_DELAY_MS} ms`, read, 1, Math.ceil(slowRequests / 2), log);
      slow16 = await compare(rows, pair, `read, Chronosphere +${SLOW_VENDOR_DELAY_MS} ms`, read, 16, slowRequests * 2, log);
      await simulatorControl(sims, 'chronosphere', 'DELETE', 'faults');
    }
    const peak = await procMemory(pair.patchbay.pid);
    await stopPair(pair);
    pair = null;

    if (readRow && readRow16) {
      const ratio = Math.max(readRow.patchbay.cpuUsPerRequest / readRow.raw.cpuUsPerRequest, readRow16.patchbay.cpuUsPerRequest / readRow16.raw.cpuUsPerRequest);
      goals.push(goal(`reads CPU per request ≤ ${GOALS.readCpuRatio}× raw`, ratio <= GOALS.readCpuRatio, `${fixed(ratio, 2)}× (worst of 1 and 16 clients)`));
    }
    if (writes1) {
      goals.push(
        goal(
          `writes CPU per request ≤ ${GOALS.writeCpuRatio}× raw (store work included)`,
          writes1.patchbay.cpuUsPerRequest / writes1.raw.cpuUsPerRequest <= GOALS.writeCpuRatio,
          `${fixed(writes1.patchbay.cpuUsPerRequest / writes1.raw.cpuUsPerRequest, 2)}× at 1 client`,
        ),
      );
    }
    if (slow1 && slow16) {
      const slack1 = slow1.patchbay.p50 - SLOW_VENDOR_DELAY_MS;
      const slack16 = slow16.patchbay.p50 - SLOW_VENDOR_DELAY_MS;
      goals.push(
        goal(
          `p50 ≤ slowest vendor + ${GOALS.p50SlackMs1} ms at 1 client`,
          slack1 <= GOALS.p50SlackMs1,
          `${fixed(slow1.patchbay.p50)} ms = ${SLOW_VENDOR_DELAY_MS} + ${fixed(slack1)} ms (raw +${fixed(slow1.raw.p50 - SLOW_VENDOR_DELAY_MS)} ms)`,
        ),
      );
      goals.push(
        goal(
          `p50 ≤ slowest vendor + ${GOALS.p50SlackMs16} ms at 16 clients`,
          slack16 <= GOALS.p50SlackMs16,
          `${fixed(slow16.patchbay.p50)} ms = ${SLOW_VENDOR_DELAY_MS} + ${fixed(slack16)} ms (raw +${fixed(slow16.raw.p50 - SLOW_VENDOR_DELAY_MS)} ms)`,
        ),
      );
      const scalePb = slow16.patchbay.rps / slow1.patchbay.rps;
      const scaleRaw = slow16.raw.rps / slow1.raw.rps;
      goals.push(goal('throughput scales with concurrency like raw when a vendor is slow', scalePb >= 0.9 * scaleRaw, `1→16 clients: Patchbay ×${fixed(scalePb)}, raw ×${fixed(scaleRaw)}`));
    }
    if (readRow && readRow16?.hive && readRow64?.hive) {
      const worst = Math.min(readRow16.patchbay.rps / readRow16.hive.rps, readRow64.patchbay.rps / readRow64.hive.rps);
      goals.push(
        goal(
          `≥ ${GOALS.hiveRpsRatio}× Hive Gateway's throughput on the read at 16 and 64 clients`,
          worst >= GOALS.hiveRpsRatio,
          `${fixed(readRow16.patchbay.rps / readRow16.hive.rps, 2)}× at 16, ${fixed(readRow64.patchbay.rps / readRow64.hive.rps, 2)}× at 64 (1 client: ${readRow.hive ? fixed(readRow.patchbay.rps / readRow.hive.rps, 2) : 'n/a'}×)`,
        ),
      );
    } else if (want('read')) goals.push(goal(`≥ ${GOALS.hiveRpsRatio}× Hive Gateway's throughput on the read at 16 and 64 clients`, false, `not measured (${hiveStatus})`));

    try {
      // Growth: Chronosphere accounts (each a config account on the same simulator, so each lists
      // every item) with 10/100/1,000 items; Datadog: 1,000 tracked connections at 20 ms.
      const matrix: [number, number][] = FULL
        ? [10, 100, 1000].flatMap((items) => [5, 25, 50].map((n): [number, number] => [items, n]))
        : [
            [10, 5],
            [100, 5],
            [1000, 5],
            [100, 25],
            [100, 50],
          ];
      for (const [items, accountCount] of want('growth') ? matrix : []) {
        log(`growth: ${accountCount} Chronosphere accounts × ${items} items`);
        await simulatorControl(sims, 'chronosphere', 'POST', 'reset');
        // The seed holds some connections already: add the rest.
        const seeded = (await listChronosphere(chronosphere)).length;
        if (items > seeded) await seedVendor(chronosphere, 'chronosphere', items - seeded);
        const perAccount = Math.max(items, seeded);
        const grown = Array.from({ length: accountCount }, (_, i) => ({ ...chronosphere, id: `chronosphere-${i + 1}`, displayName: `Chronosphere ${i + 1}` }));
        pair = await startPair(grown, {});
        const requests = Math.max(4, Math.min(REQUESTS, Math.ceil((FULL ? 6000 : 3000) / (perAccount * accountCount) ** 0.7)));
        await compare(rows, pair, `growth: ${accountCount} accts × ${perAccount} items`, inventoryStep(perAccount * accountCount), 4, requests, log);
        await stopPair(pair);
        pair = null;
      }
      await simulatorControl(sims, 'chronosphere', 'POST', 'reset');
      if (!want('tracked')) throw new SkippedWorkload();

      log(`Datadog: 1,000 tracked connections, ${TRACKED_LATENCY_MS} ms each`);
      const made = await seedVendor(datadog, 'datadog', 1000 - datadogIds.length);
      await simulatorControl(sims, 'datadog', 'POST', 'faults', { match: { method: 'GET' }, delayMs: TRACKED_LATENCY_MS });
      pair = await startPair([datadog], { [datadog.id]: [...datadogIds, ...made] });
      const trackedRow = await compare(rows, pair, `Datadog 1,000 tracked, +${TRACKED_LATENCY_MS} ms`, inventoryStep(1000), 1, FULL ? 16 : 8, log);
      loaded = await procMemory(pair.patchbay.pid);
      await stopPair(pair);
      pair = null;
      await simulatorControl(sims, 'datadog', 'POST', 'reset');
      const trackedRatio = trackedRow.patchbay.p50 / trackedRow.raw.p50;
      goals.push(
        goal(
          `1,000 tracked Datadog connections at ${TRACKED_LATENCY_MS} ms within ${GOALS.trackedRatio}× raw`,
          trackedRatio <= GOALS.trackedRatio,
          `p50 ${fixed(trackedRow.patchbay.p50, 0)} ms vs raw ${fixed(trackedRow.raw.p50, 0)} ms (${fixed(trackedRatio, 2)}×; CPU ${fixed(trackedRow.patchbay.cpuUsPerRequest / trackedRow.raw.cpuUsPerRequest, 2)}×)`,
        ),
      );
    } catch (error) {
      if (error instanceof SkippedWorkload) {
        if (pair) await stopPair(pair);
        pair = null;
      } else {
        // The basic and Hive rows are kept and printed; what failed is said.
        const message = error instanceof Error ? error.message : String(error);
        log(`growth / tracked workloads failed: ${message}`);
        goals.push(goal('growth and 1,000 tracked workloads ran', false, `failed: ${message.slice(0, 300)}`));
        if (pair) await stopPair(pair);
        pair = null;
      }
    }
    goals.push(
      goal(
        `idle RSS ≤ ${GOALS.idleRssMb} MB`,
        idle.rssMb <= GOALS.idleRssMb,
        `${fixed(idle.rssMb, 0)} MB ${IDLE_SETTLE_MS / 1000} s after start, idle (${fixed(readyRssMb, 0)} MB at ready; the raw client, under tsx: ${fixed(rawIdle.rssMb, 0)} MB)`,
      ),
    );
    const highest = Math.max(peak.peakRssMb, loaded?.peakRssMb ?? 0);
    goals.push(
      goal(
        `RSS ≤ ${GOALS.loadedRssMb} MB at the highest rate`,
        highest <= GOALS.loadedRssMb,
        `peak ${fixed(highest, 0)} MB (VmHWM, basic workloads ${fixed(peak.peakRssMb, 0)}, 1,000 tracked ${loaded ? fixed(loaded.peakRssMb, 0) : 'n/a'}${hiveRssMb === null ? '' : `; Hive Gateway peak ${fixed(hiveRssMb, 0)}`})`,
      ),
    );
    const demoCpuMs = ONLY.size === WORKLOADS.length ? await demoStartCpuMs() : Number.NaN;
    if (!Number.isNaN(demoCpuMs))
      goals.push(
        goal(
          `demo start < ${GOALS.startCpuMs / 1000} s CPU`,
          demoCpuMs < GOALS.startCpuMs,
          `${fixed(demoCpuMs, 0)} ms CPU to "ready" (config mode: ${fixed(startCpuMs, 0)} ms; both as \`npm start\` runs them, sources already transpiled)`,
        ),
      );

    process.stdout.write(`${header(hiveStatus)}\n\n${table(rows)}\n\nGoals (Patchbay, PB, against the raw undici client):\n${goals.join('\n')}\n`);
  } finally {
    if (hive) await stopHive(hive);
    if (pair) await stopPair(pair);
    await stopProcess(sims);
  }
}

/** Hive Gateway serving the supergraph composed for these accounts, and its temp directory. */
interface RunningHive {
  readonly gateway: HiveGateway;
  readonly dir: string;
}

async function startHive(accounts: readonly AccountConfig[], log: (line: string) => void): Promise<{ ok: true; value: RunningHive } | { ok: false; reason: string }> {
  const tools = await ensureHiveTools(log);
  if (!tools.ok) return tools;
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-bench-hive-'));
  log('composing the supergraph (mesh-compose) and starting Hive Gateway');
  const supergraph = await composeSupergraph(accounts, join(dir, 'supergraph.graphql'));
  if (!supergraph.ok) {
    await rm(dir, { recursive: true, force: true });
    return supergraph;
  }
  const gateway = await startHiveGateway(supergraph.value, dir);
  if (!gateway.ok) {
    await rm(dir, { recursive: true, force: true });
    return gateway;
  }
  return { ok: true, value: { gateway: gateway.value, dir } };
}

async function stopHive(hive: RunningHive): Promise<void> {
  await stopHiveGateway(hive.gateway);
  await rm(hive.dir, { recursive: true, force: true });
}

function hiveVersion(): string {
  try {
    const lock = JSON.parse(readFileSync(new URL('./hive/package-lock.json', import.meta.url), 'utf8')) as { packages?: Record<string, { version?: string }> };
    return lock.packages?.['node_modules/@graphql-hive/gateway']?.version ?? '';
  } catch {
    return '';
  }
}

/** CPU the gateway spends from launch to "ready" in demo mode (no PATCHBAY_CONFIG: simulators in-process). */
async function demoStartCpuMs(): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' };
  delete env['PATCHBAY_CONFIG'];
  const demo = await startProcess(['bin/start.mjs'], env, /is ready: open/);
  const cpuMs = await procCpuMs(demo.pid);
  await stopProcess(demo);
  return cpuMs;
}

async function listChronosphere(account: AccountConfig): Promise<unknown[]> {
  const a = account as unknown as Record<string, string>;
  const response = await request(`${account.baseUrl}/api/v1/config/external-connections?page.max_size=1000`, { headers: { 'API-Token': a['apiToken'] ?? '' } });
  const body = (await response.body.json()) as { external_connections?: unknown[] };
  return body.external_connections ?? [];
}

function header(hiveStatus: string): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `Patchbay vs a raw undici client and Hive Gateway — ${cpus().length} cores (${cpu}), Node ${process.version}, ${FULL ? 'full' : 'default (reduced)'} matrix`,
    'Method: simulators, Patchbay (as `npm start` runs it: config mode, embedded store, auth none) and the raw client (tsx) each run in their own process; this',
    'process drives both over HTTP on 127.0.0.1 with the same loops (warm-up first) and reads each target’s CPU (utime+stime) and',
    'RSS from /proc. CPU per request includes each target’s HTTP server; the simulators’ CPU is counted for neither. The raw client',
    'makes the same vendor calls and builds JSON by hand (no validation, no store, no retries). × = Patchbay / raw.',
    `Hive: ${hiveStatus}. Its columns: CPU µs/req, PB/Hive CPU, rps, PB/Hive rps, p50 ms; "—" where it was not run (Cloud Manager`,
    'needs Digest and OpsRamp OAuth2, which Hive cannot do, so no inventory; the Datadog write is not compared).',
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
