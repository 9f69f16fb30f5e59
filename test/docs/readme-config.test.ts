import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { createCortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { createDatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { createMongoDbSimulator } from '../../src/simulators/mongodb/simulator.js';
import { mongoDbSeedGroups } from '../../src/simulators/mongodb/seed.js';
import { createOpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import type { Simulator } from '../../src/simulators/base.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

/*
 * The README's config example, as written, starts config mode and reaches every vendor. The only
 * changes to the file: each account's base URL keeps its path (none: the README gives hosts) but
 * points at a simulator on 127.0.0.1 that serves the vendor's real paths (Cloud Manager under
 * `/api/public/v1.0`, OpsRamp's token under its documented path); the identity provider's host
 * becomes one on this machine (never contacted: no JWT is sent); and one admin key is added so
 * the test can see every account (the README's `ci` key covers two of them, which is checked).
 * The `${VAR}` credentials come from the environment, as the README says.
 */

const README = new URL('../../README.md', import.meta.url);

/** The accounts the README configures, by config key, with the simulator each one talks to. */
interface ReadmeAccount {
  readonly id: string;
  readonly vendor: string;
  readonly baseUrl: string;
  readonly groupIds?: readonly string[];
  readonly tenantId?: string;
}

const ENV = {
  DD_API_KEY: 'readme-dd-api-key',
  DD_APP_KEY: 'readme-dd-app-key',
  CHRONOSPHERE_API_TOKEN: 'readme-chronosphere-token',
  MMS_PUBLIC_KEY: 'readme-mms-public',
  MMS_PRIVATE_KEY: 'readme-mms-private-0c1d2e3f',
  CORTEX_TOKEN: 'readme-cortex-token',
  OPSRAMP_CLIENT_ID: 'readme-opsramp-client',
  OPSRAMP_CLIENT_SECRET: 'readme-opsramp-secret-7a8b',
  CI_KEY: 'pbk_readme-ci-key-0123456789abcdef',
  PATCHBAY_TEST_ADMIN_KEY: 'pbk_readme-admin-key-0123456789abcdef',
};

function simulatorFor(account: ReadmeAccount): Simulator {
  switch (account.vendor) {
    case 'datadog':
      return createDatadogSimulator({ apiKey: ENV.DD_API_KEY, appKey: ENV.DD_APP_KEY });
    case 'chronosphere':
      return createChronosphereSimulator({ apiToken: ENV.CHRONOSPHERE_API_TOKEN });
    case 'mongodb': {
      // The README's project, holding the demo's first project's integrations.
      const [seeded] = [...mongoDbSeedGroups().values()];
      const groups = new Map((account.groupIds ?? []).map((id) => [id, seeded ?? []]));
      return createMongoDbSimulator({ publicKey: ENV.MMS_PUBLIC_KEY, privateKey: ENV.MMS_PRIVATE_KEY, groups });
    }
    case 'cortex':
      return createCortexSimulator({ token: ENV.CORTEX_TOKEN });
    case 'opsramp':
      return createOpsRampSimulator({ clientId: ENV.OPSRAMP_CLIENT_ID, clientSecret: ENV.OPSRAMP_CLIENT_SECRET, ...(account.tenantId ? { tenantId: account.tenantId } : {}) });
    default:
      throw new Error(`the README configures a vendor this test does not know: ${account.vendor}`);
  }
}

async function post(url: string, key: string, query: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

let dir: string;
let simulators: Simulator[] = [];
let gateway: GatewayProcess;
let url: string;
let accounts: ReadmeAccount[];

beforeAll(async () => {
  const readme = await readFile(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  let yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (yaml === undefined) throw new Error('the README has no yaml config example under "## Configuration"');
  accounts = (parse(yaml) as { accounts: ReadmeAccount[] }).accounts;
  for (const account of accounts) {
    const simulator = simulatorFor(account);
    simulators.push(simulator);
    const origin = new URL(await simulator.server.listen(0, '127.0.0.1')).origin;
    const written = new URL(account.baseUrl);
    yaml = yaml.replace(`baseUrl: ${account.baseUrl}`, `baseUrl: ${origin}${written.pathname === '/' ? '' : written.pathname}`);
  }
  yaml = yaml.replaceAll('https://idp.example.com/', 'https://localhost:1/');
  yaml = yaml.replace(/( {2}apiKeys:[^\n]*\n)/, '$1    - { name: readme-test, key: "${PATCHBAY_TEST_ADMIN_KEY}", scopes: [admin] }\n');
  dir = await mkdtemp(join(tmpdir(), 'patchbay-readme-'));
  const path = join(dir, 'patchbay.yaml');
  await writeFile(path, yaml);
  gateway = startGatewayProcess({ PATCHBAY_CONFIG: path, PATCHBAY_DATA_DIR: join(dir, 'data'), ...ENV });
  url = await gateway.url;
}, 60_000);

afterAll(async () => {
  gateway?.child.kill('SIGTERM');
  await gateway?.exit;
  await Promise.all(simulators.map((s) => s.server.close()));
  simulators = [];
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe("the README's config example", () => {
  it('configures every vendor', () => {
    expect(new Set(accounts.map((a) => a.vendor))).toEqual(new Set(['datadog', 'chronosphere', 'mongodb', 'cortex', 'opsramp']));
  });

  it('starts config mode, and every account is healthy and lists its connections', async () => {
    const result = await post(
      url,
      ENV.PATCHBAY_TEST_ADMIN_KEY,
      '{ accounts { key health { status error { __typename message } } } connections(first: 100) { totalCount nodes { __typename } failures { account { key } error { __typename message } } itemFailures { vendorId } } }',
    );
    expect(result.errors).toBeUndefined();
    const health = result.data?.['accounts'] as { key: string; health: { status: string; error: unknown } }[];
    expect(health.map((a) => a.key).sort()).toEqual(accounts.map((a) => a.id).sort());
    for (const account of health) expect(account.health, account.key).toMatchObject({ status: 'HEALTHY', error: null });
    const connections = result.data?.['connections'] as { totalCount: number; nodes: { __typename: string }[]; failures: unknown[]; itemFailures: unknown[] };
    expect(connections.failures).toEqual([]);
    expect(connections.itemFailures).toEqual([]);
    // Every vendor with a list endpoint shows its seeded connections (Datadog lists what Patchbay tracks: nothing yet).
    const types = new Set(connections.nodes.map((n) => n.__typename));
    for (const typename of ['ChronosphereExternalConnection', 'MongoDbIntegration', 'CortexPagerDutyConfiguration', 'OpsRampInstalledIntegration']) expect(types, typename).toContain(typename);
    expect(gateway.output()).not.toContain('demo mode');
    for (const secret of Object.values(ENV)) expect(gateway.output()).not.toContain(secret);
  });

  it("the README's `ci` key sees only the accounts its patterns cover", async () => {
    const result = await post(url, ENV.CI_KEY, '{ accounts { key } }');
    expect(result.errors).toBeUndefined();
    expect((result.data?.['accounts'] as { key: string }[]).map((a) => a.key).sort()).toEqual(['chrono', 'dd-prod']);
  });
});
