/**
 * The peer `npm run bench` compares Patchbay with (issue 12): GraphQL Mesh composes a supergraph
 * from the vendors' own OpenAPI documents (docs/vendors: Cortex, Chronosphere, Datadog) pointed at
 * the running simulators, and Hive Gateway serves it in its own process. Cloud Manager (Digest) and
 * OpsRamp (OAuth2 client credentials) are out: a static header cannot authenticate to them.
 *
 * The tools are bench-only and live in bench/hive/ with their own package.json and lockfile, never
 * in Patchbay's dependencies. {@link ensureHiveTools} installs them there on first use (`npm ci
 * --ignore-scripts`, the same as `npm run bench:hive:install`); every step returns a reason instead
 * of throwing, so the benchmark can say why Hive is missing and print the rest.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccountConfig } from '../src/core/config/schema.js';

const HIVE_DIR = fileURLToPath(new URL('./hive/', import.meta.url));
const COMPOSE_BIN = join(HIVE_DIR, 'node_modules/@graphql-mesh/compose-cli/esm/bin.js');
const GATEWAY_BIN = join(HIVE_DIR, 'node_modules/@graphql-hive/gateway/dist/bin.js');
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const COMPOSE_TIMEOUT_MS = 3 * 60_000;
const START_TIMEOUT_MS = 60_000;

/** Either what was asked for, or why it could not be had. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Hive Gateway running: its process and GraphQL URL. */
export interface HiveGateway {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** Runs a command to the end (bounded); resolves with its exit code and the tail of its output. */
function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const timer = setTimeout(() => {
      output += `\n(stopped after ${options.timeoutMs / 1000} s)`;
      child.kill('SIGTERM');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(ANSI, '') });
    });
  });
}

const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-3)
    .join(' / ')
    .slice(0, 400);

async function installed(): Promise<boolean> {
  try {
    await Promise.all([access(COMPOSE_BIN), access(GATEWAY_BIN)]);
    return true;
  } catch {
    return false;
  }
}

/** Makes sure bench/hive/node_modules holds the pinned tools: installs them once if not. */
export async function ensureHiveTools(log: (line: string) => void): Promise<Outcome<void>> {
  if (await installed()) return { ok: true, value: undefined };
  log('installing GraphQL Mesh + Hive Gateway into bench/hive (once; npm ci --ignore-scripts, a few minutes)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: HIVE_DIR, env: process.env, timeoutMs: INSTALL_TIMEOUT_MS });
  if (result.code !== 0 || !(await installed())) return { ok: false, reason: `could not install bench/hive (npm ci exited ${result.code}: ${lastLine(result.output)})` };
  return { ok: true, value: undefined };
}

/** The base URL and credential of each vendor Hive can reach, as bench/hive/mesh.config.mjs reads them. */
function sources(accounts: readonly AccountConfig[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const vendor of ['cortex', 'chronosphere', 'datadog']) {
    const account = accounts.find((a) => a.vendor === vendor);
    if (account) out[vendor] = account as unknown as Record<string, unknown>;
  }
  return out;
}

/** `mesh-compose` with bench/hive/mesh.config.mjs: the supergraph, written to `output`. */
export async function composeSupergraph(accounts: readonly AccountConfig[], output: string): Promise<Outcome<string>> {
  const env = { ...process.env, BENCH_HIVE_SOURCES: JSON.stringify(sources(accounts)), NO_COLOR: '1' };
  const result = await run(process.execPath, [COMPOSE_BIN, '-c', 'mesh.config.mjs', '-o', output], { cwd: HIVE_DIR, env, timeoutMs: COMPOSE_TIMEOUT_MS });
  if (result.code !== 0) return { ok: false, reason: `mesh-compose failed (exit ${result.code}: ${lastLine(result.output)})` };
  return { ok: true, value: output };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `hive-gateway supergraph <file>` on 127.0.0.1, run from `cwd` (a directory with no gateway or
 * mesh config in it, which it would otherwise load), in production mode, one process (no fork).
 */
export async function startHiveGateway(supergraph: string, cwd: string): Promise<Outcome<HiveGateway>> {
  const port = await freePort();
  const child = spawn(process.execPath, [GATEWAY_BIN, 'supergraph', supergraph, '--host', '127.0.0.1', '--port', String(port), '--fork', '1'], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    const watch = (chunk: Buffer) => {
      // Its log is read for the process's whole life, so it never blocks on a full pipe.
      if (output.length < 8_000) output += chunk.toString('utf8').replace(ANSI, '');
      if (/Listening on http/.test(output)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready || child.pid === undefined) {
    await stopHiveGateway({ child, pid: child.pid ?? 0, url: '' });
    return { ok: false, reason: `hive-gateway did not start (${lastLine(output)})` };
  }
  return { ok: true, value: { child, pid: child.pid, url: `http://127.0.0.1:${port}/graphql` } };
}

export async function stopHiveGateway(gateway: HiveGateway): Promise<void> {
  if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  const exited = once(gateway.child, 'exit');
  gateway.child.kill('SIGTERM');
  const timer = setTimeout(() => gateway.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
