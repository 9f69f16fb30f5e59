import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { startGatewayProcess } from '../support/gateway-process.js';

/** Starts the gateway the way `npm start` does, through bin/start.mjs (demo unless a test sets PATCHBAY_CONFIG). */
const startServer = (env: Record<string, string>) => startGatewayProcess({ PATCHBAY_CONFIG: '', ...env });

async function post(url: string, query: string, key?: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

/** A config file's `auth` section with one admin key read from PATCHBAY_TEST_KEY. */
const AUTH_WITH_KEY = 'auth:\n  apiKeys:\n    - name: test\n      key: ${PATCHBAY_TEST_KEY}\n      scopes: [admin]\n';
const TEST_KEY = 'pbk_server-test-key-0123456789abcdef';

describe('npm start without config (demo mode)', () => {
  let server: ReturnType<typeof startServer>;
  let url: string;
  beforeAll(async () => {
    server = startServer({});
    url = await server.url;
  }, 60_000);
  afterAll(() => {
    server.child.kill('SIGKILL');
  });

  it('runs as JavaScript bundled from the sources, not through a TypeScript loader', async () => {
    const trees = await readdir(join('node_modules', '.cache', 'patchbay'));
    const running = await Promise.all(
      trees.map((tree) =>
        stat(join('node_modules', '.cache', 'patchbay', tree, 'src', 'server', 'main.js')).then(
          () => true,
          () => false,
        ),
      ),
    );
    expect(running).toContain(true);
    const cmdline = await readFile(`/proc/${server.child.pid}/cmdline`, 'utf8').catch(() => null);
    if (cmdline !== null) expect(cmdline).not.toContain('tsx');
    // The bundle finds the store template among the files copied beside it (no initdb fallback).
    expect(server.output()).not.toContain('initdb');
  });

  it('says it is in demo mode and serves GraphiQL, probes and demo data', async () => {
    expect(server.output()).toContain('demo mode');
    expect(server.output()).toContain('no authentication');
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Patchbay');
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    const ready = await fetch(new URL('/readyz', url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: true });
    const result = await post(url, '{ accounts { key vendor } connections { totalCount failures { account { key } } } }');
    expect(result.errors).toBeUndefined();
    const connections = result.data?.['connections'] as { totalCount: number; failures: unknown[] };
    expect(connections.totalCount).toBeGreaterThan(0);
    expect(connections.failures).toEqual([]);
    expect(result.data?.['accounts']).toContainEqual({ key: 'datadog-demo', vendor: 'DATADOG' });
  });

  it('stops cleanly on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('stopped');
  });
});

describe('npm start with PATCHBAY_CONFIG', () => {
  let dir: string;
  let sim: DatadogSimulator;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-server-'));
    sim = createDatadogSimulator();
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails fast with a message that names the bad key and never the secret', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'accounts:\n  - id: dd\n    vendor: datadog\n    baseUrl: not-a-url\n    apiKey: TOPSECRET-api-key-value\n');
    const server = startServer({ PATCHBAY_CONFIG: path });
    expect(await server.exit).not.toBe(0);
    expect(server.output()).toContain('accounts[0].baseUrl');
    expect(server.output()).toContain('accounts[0].appKey');
    expect(server.output()).not.toContain('TOPSECRET');
  }, 30_000);

  it('refuses to start in config mode without an auth section (callers must authenticate by default)', async () => {
    const path = join(dir, 'no-auth.yaml');
    await writeFile(path, `accounts:\n  - id: dd\n    vendor: datadog\n    baseUrl: ${sim.server.baseUrl}\n    apiKey: k\n    appKey: a\n`);
    const server = startServer({ PATCHBAY_CONFIG: path, PATCHBAY_DATA_DIR: join(dir, 'no-auth-data') });
    expect(await server.exit).not.toBe(0);
    expect(server.output()).toContain('auth: callers must authenticate');
    expect(server.output()).toContain('mode: none');
  }, 30_000);

  it('refuses to start with a PATCHBAY_SECRET_KEY too short to key fingerprints, saying how to make one and never quoting it', async () => {
    const path = join(dir, 'short-key.yaml');
    await writeFile(path, `accounts:\n  - id: dd\n    vendor: datadog\n    baseUrl: ${sim.server.baseUrl}\n    apiKey: k\n    appKey: a\n${AUTH_WITH_KEY}`);
    const server = startServer({ PATCHBAY_CONFIG: path, PATCHBAY_DATA_DIR: join(dir, 'short-key-data'), PATCHBAY_TEST_KEY: TEST_KEY, PATCHBAY_SECRET_KEY: 'too-short-Key-9f3a' });
    expect(await server.exit).not.toBe(0);
    expect(server.output()).toContain('PATCHBAY_SECRET_KEY');
    expect(server.output()).toContain('openssl rand -hex 32');
    expect(server.output()).not.toContain('too-short-Key-9f3a');
  }, 30_000);

  it('refuses to start without PATCHBAY_SECRET_KEY when gateway.secretFingerprints is true', async () => {
    const path = join(dir, 'required-key.yaml');
    await writeFile(path, `accounts:\n  - id: dd\n    vendor: datadog\n    baseUrl: ${sim.server.baseUrl}\n    apiKey: k\n    appKey: a\ngateway:\n  secretFingerprints: true\n${AUTH_WITH_KEY}`);
    const server = startServer({ PATCHBAY_CONFIG: path, PATCHBAY_DATA_DIR: join(dir, 'required-key-data'), PATCHBAY_TEST_KEY: TEST_KEY, PATCHBAY_SECRET_KEY: '' });
    expect(await server.exit).not.toBe(0);
    expect(server.output()).toContain('gateway.secretFingerprints is true and PATCHBAY_SECRET_KEY is not set');
  }, 30_000);

  it('serves the accounts of the file, with ${VAR} secrets, and keeps its store in PATCHBAY_DATA_DIR', async () => {
    const path = join(dir, 'patchbay.yaml');
    await writeFile(
      path,
      `accounts:\n  - id: dd-prod\n    vendor: datadog\n    displayName: Datadog production\n    baseUrl: ${sim.server.baseUrl}\n    apiKey: \${DD_API_KEY}\n    appKey: \${DD_APP_KEY}\n${AUTH_WITH_KEY}`,
    );
    const server = startServer({ PATCHBAY_CONFIG: path, PATCHBAY_DATA_DIR: join(dir, 'data'), DD_API_KEY: 'env-api-key', DD_APP_KEY: 'env-app-key', PATCHBAY_TEST_KEY: TEST_KEY });
    try {
      const url = await server.url;
      expect(server.output()).not.toContain('demo mode');
      // Without PATCHBAY_SECRET_KEY it runs, and says that secret fingerprints are off.
      expect(server.output()).toContain('PATCHBAY_SECRET_KEY is not set');
      const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ accounts { key } }' }) });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('Bearer');
      const result = await post(url, '{ accounts { key displayName baseUrl } connections { totalCount } }', TEST_KEY);
      expect(result.data?.['accounts']).toEqual([{ key: 'dd-prod', displayName: 'Datadog production', baseUrl: sim.server.baseUrl }]);
      expect(server.output()).not.toContain('env-api-key');
      expect(server.output()).not.toContain(TEST_KEY);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exit).toBe(0);
    }
  }, 60_000);

  it('on SIGTERM finishes a request in flight, accepts no new one, then exits', async () => {
    const path = join(dir, 'drain.yaml');
    await writeFile(path, `accounts:\n  - id: dd\n    vendor: datadog\n    baseUrl: ${sim.server.baseUrl}\n    apiKey: k\n    appKey: a\nauth:\n  mode: none\n`);
    const server = startServer({ PATCHBAY_CONFIG: path, PATCHBAY_DATA_DIR: join(dir, 'drain-data') });
    const url = await server.url;
    // `mode: none` is open, and says so when it starts.
    expect(server.output()).toContain('auth.mode is none');
    sim.server.addFault({ match: { method: 'GET' }, delayMs: 1_500 });
    try {
      const inFlight = fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ connection(id: "RGF0YWRvZ0FjdGlvbkNvbm5lY3Rpb246ZGQvMGI2ZjNjMWUtNWEyZC00ZThmLTljNzEtM2Q0YTViNmM3ZTgw") { __typename } }' }),
      });
      // Let the request reach the vendor, then ask the gateway to stop.
      for (let i = 0; i < 50 && sim.server.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      server.child.kill('SIGTERM');
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { connection: { __typename: 'DatadogActionConnection' } } });
      await expect(fetch(new URL('/healthz', url))).rejects.toThrow();
      expect(await server.exit).toBe(0);
    } finally {
      sim.server.clearFaults();
      server.child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('npm run simulators', () => {
  it('starts every simulator on consecutive ports from --port-base and prints `<vendor> <baseUrl>`', async () => {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulators/cli.ts', '--port-base', String(base)], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.trim().split('\n').length >= 5) resolve();
        });
        child.once('exit', () => reject(new Error(`exited early: ${output}`)));
      });
      const lines = output
        .trim()
        .split('\n')
        .map((line) => line.split(' '));
      expect(lines.map(([vendor]) => vendor)).toEqual(['datadog', 'chronosphere', 'mongodb', 'cortex', 'opsramp']);
      lines.forEach(([, url], index) => {
        expect(new URL(url ?? '').port).toBe(String(base + index));
      });
      const requests = await fetch(`${lines[0]?.[1]}/__simulator/requests`);
      expect(requests.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});
