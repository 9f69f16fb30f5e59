import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startSimulators, stopSimulators, type RunningSimulator } from '../../src/simulators/index.js';
import { VENDORS } from '../../src/vendors/index.js';
import { linesOf, runCli } from './support.js';

/*
 * Issue 11 point 5: `patchbay check-config <file>` validates the file as `serve` does and probes
 * every account through the gateway's own health check, here against the five simulators. It
 * prints one row per account, exits non-zero on any problem, and never prints a secret: every
 * credential is a canary given through `${VAR}`, and the output is searched for each.
 */

const CHECK_DEADLINE_MS = 120_000;

/** One canary per secret field of each vendor, named by the variable that carries it. */
function canaryVariable(vendor: string, field: string): string {
  return `CANARY_${vendor}_${field}`.toUpperCase();
}

describe('patchbay check-config', () => {
  let dir: string;
  let running: RunningSimulator[];
  let path: string;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-check-config-'));
    running = await startSimulators();
    const accounts = running.map(({ kit, baseUrl }) => {
      const account: Record<string, unknown> = { ...kit.demoAccount(baseUrl), id: `${kit.vendor}-checked` };
      const vendor = VENDORS.find((candidate) => candidate.id === kit.vendor);
      for (const field of vendor?.account.secretFields ?? []) {
        const name = canaryVariable(kit.vendor, field);
        env[name] = `canary-${kit.vendor}-${field}-5c1e7a09d4`;
        account[field] = `\${${name}}`;
      }
      return account;
    });
    path = join(dir, 'patchbay.yaml');
    await writeFile(path, stringify({ accounts, auth: { mode: 'none' } }));
  });
  afterAll(async () => {
    await stopSimulators(running);
    await rm(dir, { recursive: true, force: true });
  });

  /** Fails the test if any canary shows anywhere in what the command printed. */
  const expectNoSecret = (text: string) => {
    for (const canary of Object.values(env)) expect(text).not.toContain(canary);
  };

  it(
    'every account answers: a HEALTHY row for each, exit 0',
    async () => {
      const run = await runCli(['check-config', path], { env, timeoutMs: CHECK_DEADLINE_MS });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const [header, ...rows] = linesOf(run.stdout);
      expect(header?.split(/\s+/)).toEqual(['ACCOUNT', 'VENDOR', 'STATUS', 'DETAIL']);
      expect(rows.slice(0, running.length).map((row) => row.split(/\s+/).slice(0, 3))).toEqual(running.map(({ kit }) => [`${kit.vendor}-checked`, kit.vendor, 'HEALTHY']));
      expect(rows.at(-1)).toBe(`config ok: ${running.length} account(s), all healthy`);
      // The probes really reached every vendor.
      for (const { simulator } of running) expect(simulator.server.requests.length).toBeGreaterThan(0);
      expectNoSecret(run.stdout + run.stderr);
    },
    CHECK_DEADLINE_MS,
  );

  it(
    'an account the vendor refuses is FAILING with its typed error, even when the vendor echoes the secret; exit 1',
    async () => {
      const refused = running.find(({ kit }) => kit.vendor === 'cortex');
      if (!refused) throw new Error('no cortex simulator');
      const token = env[canaryVariable('cortex', 'token')];
      refused.simulator.server.addFault({ match: { method: 'GET' }, times: 20, response: { status: 401, body: { message: `invalid token ${token}` } } });
      try {
        const run = await runCli(['check-config', path], { env, timeoutMs: CHECK_DEADLINE_MS });
        expect(run.code).toBe(1);
        const rows = linesOf(run.stdout);
        expect(rows.find((row) => row.startsWith('cortex-checked'))).toMatch(/^cortex-checked\s+cortex\s+FAILING\s+VendorAuthError: /);
        expect(rows.filter((row) => / HEALTHY /.test(row))).toHaveLength(running.length - 1);
        expect(rows.at(-1)).toBe(`1 of ${running.length} account(s) not healthy`);
        expectNoSecret(run.stdout + run.stderr);
      } finally {
        refused.simulator.server.clearFaults();
      }
    },
    CHECK_DEADLINE_MS,
  );

  it(
    'an invalid file: the same messages as serve, naming each bad key, never a value; exit 1 and no probe',
    async () => {
      const bad = join(dir, 'bad.yaml');
      await writeFile(bad, 'accounts:\n  - id: dd\n    vendor: datadog\n    baseUrl: not-a-url\n    apiKey: TOPSECRET-check-config-value\n');
      const before = running.map(({ simulator }) => simulator.server.requests.length);
      const run = await runCli(['check-config', bad], { env, timeoutMs: CHECK_DEADLINE_MS });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`Invalid Patchbay config (${bad})`);
      expect(run.stderr).toContain('accounts[0].baseUrl');
      expect(run.stderr).toContain('accounts[0].appKey');
      expect(run.stderr).not.toContain('TOPSECRET');
      expect(running.map(({ simulator }) => simulator.server.requests.length)).toEqual(before);
    },
    CHECK_DEADLINE_MS,
  );

  it(
    'a missing variable or an auth section serve would refuse fails the check',
    async () => {
      const { [canaryVariable('datadog', 'apiKey')]: _dropped, ...withoutOne } = env;
      const missing = await runCli(['check-config', path], { env: withoutOne, timeoutMs: CHECK_DEADLINE_MS });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`accounts[0].apiKey: environment variable ${canaryVariable('datadog', 'apiKey')} is not set`);
      expectNoSecret(missing.stdout + missing.stderr);
      const noAuth = join(dir, 'no-auth.yaml');
      await writeFile(noAuth, 'accounts: []\n');
      const refused = await runCli(['check-config', noAuth], { env, timeoutMs: CHECK_DEADLINE_MS });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('auth');
    },
    CHECK_DEADLINE_MS,
  );
});
