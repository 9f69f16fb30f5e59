import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/core/ids.js';
import { CHRONOSPHERE_SEED_SLUGS } from '../../src/simulators/chronosphere/seed.js';
import { startSimulators, stopSimulators, type RunningSimulator } from '../../src/simulators/index.js';
import { MONGODB_DEMO_GROUP_IDS } from '../../src/simulators/mongodb/seed.js';
import { PAGERDUTY_PATH } from '../../src/simulators/cortex/contract.js';
import { occurrences, simulatorState, vendorWrites } from '../custody/support.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';
import { gql } from './support.js';

/*
 * Issue 14's acceptance: a rotation over three vendors whose gateway process is killed (SIGKILL)
 * after two targets were written, then resumed on a new gateway over the same PostgreSQL with the
 * same idempotency key. At the simulators: each target written exactly once, the new value held
 * once per target.
 */

const NEW_VALUE = 'pd-canary-Killed-Resumed-3f8a1c';
const SECRET_KEY = 'fleet-rotation-deployment-key-0123456789abcdef';
const ROTATE = `mutation($input: RotateSecretInput!) { rotateSecret(input: $input) {
  __typename
  ... on Error { message }
  ... on SecretRotation { rotationId targets { connectionId state reason error { __typename message } } }
} }`;

describe.skipIf(PG_URL === '')('a rotation whose gateway process is killed after some targets', () => {
  let dir: string;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let simulators: RunningSimulator[];
  let config: string;
  const gateways: GatewayProcess[] = [];

  const sim = (vendor: string) => {
    const found = simulators.find((one) => one.simulator.vendor === vendor);
    if (!found) throw new Error(`no ${vendor} simulator`);
    return found.simulator;
  };

  /** The rotation targets' states as the store holds them, in order. */
  async function states(): Promise<string[]> {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      const rows = await client.query<{ state: string }>('SELECT state FROM secret_rotation_targets ORDER BY rotation_id, position');
      return rows.rows.map((row) => row.state);
    } catch {
      return []; // the tables are made by the first gateway's migration
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-rotation-kill-'));
    schema = await freshSchema('patchbay_rotation');
    simulators = await startSimulators();
    const accounts = simulators.filter(({ kit }) => ['chronosphere', 'mongodb', 'cortex'].includes(kit.vendor)).map(({ kit, baseUrl }) => kit.demoAccount(baseUrl));
    config = join(dir, 'patchbay.json');
    await writeFile(config, JSON.stringify({ accounts, auth: { mode: 'none' }, gateway: { idempotencyLeaseSeconds: 1 } }));
  });

  afterAll(async () => {
    for (const gateway of gateways) gateway.child.kill('SIGKILL');
    await Promise.all(gateways.map((g) => g.exit));
    await stopSimulators(simulators ?? []);
    await schema?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes on a new process: each remaining target written once, none twice', async () => {
    const env = { PATCHBAY_CONFIG: config, PATCHBAY_DATABASE_URL: schema.url, PATCHBAY_SECRET_KEY: SECRET_KEY };
    const targets = [
      { connectionId: encodeGlobalId('ChronosphereExternalConnection', `chronosphere-demo/${CHRONOSPHERE_SEED_SLUGS.pagerdutyPayments}`), field: 'events.apiKey' },
      { connectionId: encodeGlobalId('MongoDbIntegration', `mongodb-demo/${MONGODB_DEMO_GROUP_IDS.paymentsProd}/PAGER_DUTY`), field: 'serviceKey' },
      { connectionId: encodeGlobalId('CortexPagerDutyConfiguration', 'cortex-demo'), field: 'token' },
    ];
    const input = { targets, newValue: NEW_VALUE, idempotencyKey: 'rotation-killed-mid-way' };

    const victim = startGatewayProcess(env);
    gateways.push(victim);
    const victimUrl = await victim.url;
    for (const { simulator } of simulators) simulator.server.clearRequests();
    // Cortex answers the third target's read late: the victim is killed while it waits for it.
    sim('cortex').server.addFault({ match: { method: 'GET', path: `${PAGERDUTY_PATH}/default-configuration` }, delayMs: 15_000, times: 1 });
    const lost = gql(victimUrl, ROTATE, { input }, 30_000).catch((error: unknown) => error);

    const deadline = Date.now() + 20_000;
    while ((await states()).join() !== 'DONE,DONE,PENDING') {
      if (Date.now() > deadline) throw new Error(`the rotation did not reach its third target: ${(await states()).join()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    victim.child.kill('SIGKILL');
    await victim.exit;
    expect(await lost).toBeInstanceOf(Error);
    sim('cortex').server.clearFaults();
    expect(vendorWrites(sim('chronosphere'))).toHaveLength(1);
    expect(vendorWrites(sim('mongodb'))).toHaveLength(1);
    expect(vendorWrites(sim('cortex'))).toEqual([]);

    const survivor = startGatewayProcess(env);
    gateways.push(survivor);
    const url = await survivor.url;
    // The dead process's lease on the key lapses within a second; until then the key says it runs.
    let answer: Record<string, unknown> = {};
    for (let attempt = 0; attempt < 40 && answer['__typename'] !== 'SecretRotation'; attempt++) {
      answer = (await gql(url, ROTATE, { input })).data?.['rotateSecret'] ?? {};
      if (answer['__typename'] === 'MutationInProgressError') await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(answer).toMatchObject({ __typename: 'SecretRotation', targets: targets.map((t) => ({ connectionId: t.connectionId, state: 'DONE', error: null })) });
    for (const vendor of ['chronosphere', 'mongodb', 'cortex']) {
      expect(vendorWrites(sim(vendor)), vendor).toHaveLength(1);
      expect(occurrences(simulatorState(sim(vendor)), NEW_VALUE), vendor).toBe(1);
    }
    expect(await states()).toEqual(['DONE', 'DONE', 'DONE']);
    for (const gateway of [victim, survivor]) expect(gateway.output()).not.toContain(NEW_VALUE);
  }, 90_000);
});
