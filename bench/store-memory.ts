/**
 * Benchmark: what the embedded store (PGlite) costs in memory and CPU (issue 12).
 *
 *   npm run bench:store [-- --writes 2000] [--demo-writes 300] [--skip-demo]
 *
 * Each scenario runs in a child process of its own, because resident memory is the whole
 * process's: a bare Node process (with tsx, as the gateway runs) as the baseline; the store opened
 * in memory, on a fresh directory and reopening that directory again, sampled after opening,
 * after migrations, after `writes` rounds of audit + track + untrack and after settling; then the
 * gateway itself started in demo mode as `npm start` runs it (`bin/start.mjs`, the sources bundled
 * beforehand so that the start measured does not include it; 127.0.0.1, port 0), sampled once it
 * says it is ready, after a short idle, after Datadog creates and deletes sent as fast as it
 * answers them, and after idling again. Memory is read from /proc (VmRSS, VmHWM) and
 * `process.memoryUsage()`, CPU from `process.cpuUsage()` (the demo: /proc/<pid>/stat).
 * Prints one table, then ratios: each RSS against the bare process and against the issue's goals.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite, type SqlClient } from '../src/core/store/sql.js';
import { createStore, type Store } from '../src/core/store/store.js';
import { bundleSources, procCpuMs, procMemory } from './proc.js';

/** The issue's goals, in MB and CPU ms. */
const GOAL_IDLE_RSS_MB = 150;
const GOAL_DEMO_START_CPU_MS = 3000;
const GOAL_LOADED_RSS_MB = 250;

const SCENARIOS = ['bare', 'memory', 'disk-fresh', 'disk-reopen'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** One reading of this process. */
interface Sample {
  readonly phase: string;
  readonly rssMb: number;
  readonly peakRssMb: number;
  readonly heapUsedMb: number;
  readonly externalMb: number;
  /** CPU (user + system) the process spent since it started. */
  readonly cpuMs: number;
  /** CPU of the phase alone, and per store call when the phase made calls. */
  readonly phaseCpuMs?: number;
  readonly perCallUs?: Readonly<Record<string, number>>;
}

interface ScenarioReport {
  readonly scenario: string;
  readonly samples: readonly Sample[];
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

const cpuMsNow = (): number => {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
};

async function sample(phase: string, extra: Pick<Sample, 'phaseCpuMs' | 'perCallUs'> = {}): Promise<Sample> {
  const cpuMs = cpuMsNow();
  collectGarbage();
  const memory = process.memoryUsage();
  return { phase, ...(await procMemory('self')), heapUsedMb: mb(memory.heapUsed), externalMb: mb(memory.external), cpuMs, ...extra };
}

/** Runs `rounds` × (append an audit entry, track an id, untrack it) and times each kind of call. */
async function writeRounds(store: Store, rounds: number): Promise<Sample> {
  const spent = { appendAudit: 0, trackDatadogConnection: 0, untrackDatadogConnection: 0 };
  const timed = async (kind: keyof typeof spent, call: () => Promise<unknown>): Promise<void> => {
    const before = process.cpuUsage();
    await call();
    const { user, system } = process.cpuUsage(before);
    spent[kind] += user + system;
  };
  const started = cpuMsNow();
  for (let n = 0; n < rounds; n++) {
    const id = `bench-${n.toString(36)}-0000-0000`;
    await timed('appendAudit', () =>
      store.appendAudit({ caller: 'bench', operation: 'createDatadogActionConnection', account: 'datadog-demo', targetId: id, outcome: 'ok', detail: { round: n, vendor: 'datadog' } }),
    );
    await timed('trackDatadogConnection', () => store.trackDatadogConnection('datadog-demo', id, `bench connection ${n}`));
    await timed('untrackDatadogConnection', () => store.untrackDatadogConnection('datadog-demo', id));
  }
  const perCallUs = Object.fromEntries(Object.entries(spent).map(([kind, us]) => [kind, Math.round(us / rounds)]));
  return sample(`after ${rounds} × audit+track+untrack`, { phaseCpuMs: cpuMsNow() - started, perCallUs });
}

/** One scenario, in this (child) process. */
async function runScenario(scenario: Scenario, dir: string, rounds: number): Promise<ScenarioReport> {
  const samples: Sample[] = [await sample('start')];
  if (scenario === 'bare') {
    await new Promise((resolve) => setTimeout(resolve, 500));
    samples.push(await sample('idle'));
    return { scenario, samples };
  }
  let started = cpuMsNow();
  const sql: SqlClient = await openPglite(scenario === 'memory' ? null : dir);
  samples.push(await sample('opened', { phaseCpuMs: cpuMsNow() - started }));
  started = cpuMsNow();
  const store = await createStore(sql);
  samples.push(await sample('migrated', { phaseCpuMs: cpuMsNow() - started }));
  samples.push(await writeRounds(store, rounds));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  samples.push(await sample('settled 1 s'));
  await store.close();
  return { scenario, samples };
}

/** Runs one scenario in a child process and reads its report (the child's last stdout line). */
async function inChild(scenario: Scenario, dir: string, rounds: number): Promise<ScenarioReport> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', scenario, '--dir', dir, '--writes', String(rounds)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`scenario ${scenario} exited with ${code}`);
  const last = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as ScenarioReport;
}

/**
 * Starts the gateway in demo mode and samples it when ready, after `idleMs`, after `writePairs`
 * Datadog creates and deletes sent 8 at a time (each an audited mutation: the store's writes),
 * and after idling again.
 */
async function demoScenario(idleMs: number, writePairs: number): Promise<ScenarioReport> {
  const { PATCHBAY_CONFIG: _config, PATCHBAY_DATABASE_URL: _url, ...env } = process.env;
  bundleSources();
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/start.mjs'], {
    env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the gateway');
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/is ready: open \S+/.test(output)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', () => reject(new Error(`the gateway exited before it was ready:\n${output}`)));
    });
    const wallMs = Math.round(performance.now() - started);
    const read = async (phase: string): Promise<Sample> => ({ phase, ...(await procMemory(pid)), heapUsedMb: Number.NaN, externalMb: Number.NaN, cpuMs: await procCpuMs(pid) });
    const ready = await read(`ready (${wallMs} ms wall)`);
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const idle = await read(`idle ${idleMs / 1000} s`);
    const url = /is ready: open (\S+)/.exec(output)?.[1];
    if (!url) throw new Error('the gateway printed no URL');
    const { mutations, outcomes } = await createDeleteLoad(url, writePairs, 8);
    const loaded = await read(`after ${mutations} mutations, 8 at once`);
    const perMutation = Math.round(((loaded.cpuMs - idle.cpuMs) * 1000) / Math.max(1, mutations));
    console.error(
      `demo writes answered: ${Object.entries(outcomes)
        .map(([outcome, count]) => `${outcome} ${count}`)
        .join(', ')}`,
    );
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    return {
      scenario: 'demo gateway',
      samples: [ready, idle, { ...loaded, phaseCpuMs: loaded.cpuMs - idle.cpuMs, perCallUs: { mutation: perMutation } }, await read(`idle again ${idleMs / 1000} s`)],
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const CREATE = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) {
  __typename ... on DatadogActionConnectionPayload { connection { id } } } }`;
const DELETE = `mutation($input: DatadogActionConnectionIdInput!) { deleteDatadogActionConnection(input: $input) { __typename } }`;

interface GraphqlAnswer {
  data?: Record<string, { __typename?: string; connection?: { id: string } } | { key: string; vendor: string }[]> | null;
}

async function graphql(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphqlAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as GraphqlAnswer;
}

/** `pairs` Datadog creates, each followed by its delete, `concurrency` at a time; counts the answers' types. */
async function createDeleteLoad(url: string, pairs: number, concurrency: number): Promise<{ mutations: number; outcomes: Record<string, number> }> {
  const accounts = (await graphql(url, '{ accounts { key vendor } }')).data?.['accounts'];
  const account = Array.isArray(accounts) ? accounts.find((a) => a.vendor === 'DATADOG')?.key : undefined;
  if (!account) throw new Error('the demo has no Datadog account');
  const outcomes: Record<string, number> = {};
  const count = (typename: string | undefined) => {
    const key = typename ?? 'no answer';
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  let next = 0;
  let mutations = 0;
  const client = async () => {
    while (next < pairs) {
      const n = next++;
      const created = (await graphql(url, CREATE, { input: { account, name: `bench-store-${n}`, integration: { openAi: { apiToken: `sk-bench-${n}-0123456789abcdef` } } } })).data?.[
        'createDatadogActionConnection'
      ];
      mutations++;
      const payload = Array.isArray(created) ? undefined : created;
      count(payload?.__typename);
      if (!payload?.connection) continue;
      const deleted = (await graphql(url, DELETE, { input: { id: payload.connection.id } })).data?.['deleteDatadogActionConnection'];
      mutations++;
      count(Array.isArray(deleted) ? undefined : deleted?.__typename);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { mutations, outcomes };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

const cell = (value: number | undefined, width: number): string => (value === undefined || Number.isNaN(value) ? '' : String(value)).padStart(width);

function printTable(reports: readonly ScenarioReport[]): void {
  console.log(
    `${'scenario'.padEnd(14)} ${'phase'.padEnd(36)} ${'RSS MB'.padStart(7)} ${'peak'.padStart(7)} ${'heap'.padStart(6)} ${'extern'.padStart(7)} ${'CPU ms'.padStart(7)} ${'phase'.padStart(6)}  per call µs`,
  );
  for (const { scenario, samples } of reports) {
    for (const s of samples) {
      const perCall = s.perCallUs
        ? Object.entries(s.perCallUs)
            .map(([kind, us]) => `${kind.replace('DatadogConnection', '')} ${us}`)
            .join(', ')
        : '';
      console.log(
        `${scenario.padEnd(14)} ${s.phase.padEnd(36)} ${cell(s.rssMb, 7)} ${cell(s.peakRssMb, 7)} ${cell(s.heapUsedMb, 6)} ${cell(s.externalMb, 7)} ${cell(s.cpuMs, 7)} ${cell(s.phaseCpuMs, 6)}  ${perCall}`,
      );
    }
  }
}

function ratio(value: number, of: number): string {
  return `${(value / of).toFixed(2)}×`;
}

function printRatios(reports: readonly ScenarioReport[]): void {
  const bare = reports.find((r) => r.scenario === 'bare')?.samples.at(-1)?.rssMb ?? Number.NaN;
  console.log(`\nratios (RSS ÷ bare Node ${bare} MB; RSS ÷ goal ${GOAL_IDLE_RSS_MB} MB idle; goals are met at ≤ 1.00×)`);
  for (const { scenario, samples } of reports) {
    if (scenario === 'bare') continue;
    const last = samples.at(-1);
    const peak = Math.max(...samples.map((s) => s.peakRssMb));
    if (!last) continue;
    console.log(
      `  ${scenario.padEnd(14)} settled RSS ${ratio(last.rssMb, bare)} bare, ${ratio(last.rssMb, GOAL_IDLE_RSS_MB)} goal; peak ${ratio(peak, bare)} bare, ${ratio(peak, GOAL_IDLE_RSS_MB)} goal`,
    );
  }
  const demo = reports.find((r) => r.scenario === 'demo gateway');
  const ready = demo?.samples[0];
  if (ready) console.log(`  demo start CPU ${ready.cpuMs} ms: ${ratio(ready.cpuMs, GOAL_DEMO_START_CPU_MS)} goal (${GOAL_DEMO_START_CPU_MS} ms)`);
  const loaded = demo?.samples[2];
  if (loaded) console.log(`  demo peak RSS through the writes ${loaded.peakRssMb} MB: ${ratio(loaded.peakRssMb, GOAL_LOADED_RSS_MB)} goal (${GOAL_LOADED_RSS_MB} MB)`);
}

async function main(): Promise<void> {
  const rounds = Number(argument('writes') ?? 2000);
  if (!Number.isInteger(rounds) || rounds <= 0) throw new Error('--writes must be a positive integer');
  const child = argument('child');
  if (child !== undefined) {
    if (!(SCENARIOS as readonly string[]).includes(child)) throw new Error(`unknown scenario ${child}`);
    const report = await runScenario(child as Scenario, argument('dir') ?? '', rounds);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const parent = await mkdtemp(join(tmpdir(), 'patchbay-bench-store-'));
  const dir = join(parent, 'data');
  const reports: ScenarioReport[] = [];
  try {
    // disk-reopen opens the directory disk-fresh left behind.
    for (const scenario of SCENARIOS) reports.push(await inChild(scenario, dir, rounds));
    if (!process.argv.includes('--skip-demo')) reports.push(await demoScenario(3000, Number(argument('demo-writes') ?? 300)));
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
  printTable(reports);
  printRatios(reports);
}

await main();
