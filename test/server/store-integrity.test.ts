import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

/*
 * Issue 9, points 6 and 7, with real processes: a second gateway on the same data directory
 * stops at once with a clear message and a non-zero exit; and a gateway killed (kill -9) between
 * sending a Datadog create and recording its result leaves, after a restart on the same
 * directory, an UnconfirmedWrite instead of a connection nobody knows about.
 */

async function gql(url: string, query: string, variables?: Record<string, unknown>): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('one embedded store, one gateway', () => {
  let dir: string;
  let sim: DatadogSimulator;
  let env: Record<string, string>;
  const running: GatewayProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-integrity-'));
    sim = createDatadogSimulator();
    await sim.server.listen();
    const config = join(dir, 'patchbay.yaml');
    await writeFile(config, `accounts:\n  - id: dd\n    vendor: datadog\n    baseUrl: ${sim.server.baseUrl}\n    apiKey: k\n    appKey: a\nauth:\n  mode: none\n`);
    env = { PATCHBAY_CONFIG: config, PATCHBAY_DATA_DIR: join(dir, 'data') };
  });
  afterAll(async () => {
    for (const gateway of running) gateway.child.kill('SIGKILL');
    await sim.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a second gateway on the same data directory exits non-zero, naming the first', async () => {
    const first = startGatewayProcess(env);
    running.push(first);
    await first.url;
    const second = startGatewayProcess(env);
    running.push(second);
    expect(await second.exit).not.toBe(0);
    expect(second.output()).toContain(`is in use by process ${first.child.pid}`);
    expect(second.output()).not.toContain('is ready');
    // The first one still serves.
    expect((await gql(await first.url, '{ accounts { key } }')).data).toEqual({ accounts: [{ key: 'dd' }] });
  }, 60_000);

  it('kill -9 between the vendor’s 201 and the store write: after a restart the create is an UnconfirmedWrite', async () => {
    const first = running[0];
    if (!first) throw new Error('the first gateway is not running');
    const url = await first.url;
    // The simulator takes its time before creating and answering; the gateway dies in between.
    sim.server.addFault({ match: { method: 'POST', path: '/api/v2/actions/connections' }, times: 1, delayMs: 1_500 });
    const create = gql(url, 'mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) { __typename } }', {
      input: { account: 'dd', name: 'killed-mid-create', integration: { openAi: { apiToken: 'sk-killed-mid-create-0001' } } },
    }).catch(() => null);
    await until(() => sim.server.requests.some((r) => r.method === 'POST'), 10_000);
    first.child.kill('SIGKILL');
    await first.exit;
    expect(await create).toBeNull();

    const restarted = startGatewayProcess(env);
    running.push(restarted);
    const again = await restarted.url;
    const listed = await gql(again, '{ unconfirmedWrites { accountKey operation summary reason resourceId } accounts { key health { unconfirmedWrites } } }');
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.['unconfirmedWrites']).toEqual([{ accountKey: 'dd', operation: 'createDatadogActionConnection', summary: 'killed-mid-create', reason: 'INTERRUPTED', resourceId: null }]);
    expect(listed.data?.['accounts']).toEqual([{ key: 'dd', health: { unconfirmedWrites: 1 } }]);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exit).toBe(0);
  }, 60_000);
});
