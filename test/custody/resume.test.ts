import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { openPglite, type SqlClient } from '../../src/core/store/sql.js';
import { createStore, type Store } from '../../src/core/store/store.js';
import { startSimulators, stopSimulators, type RunningSimulator } from '../../src/simulators/index.js';
import { MONGODB_DEMO_GROUP_IDS } from '../../src/simulators/mongodb/seed.js';
import { CHRONOSPHERE_SEED_SLUGS } from '../../src/simulators/chronosphere/seed.js';
import { encodeGlobalId } from '../../src/core/ids.js';
import { CustodyKey } from '../../src/core/secrets/custody-key.js';
import { startHarness } from '../support/harness.js';
import { occurrences, simulatorState, vendorWrites } from './support.js';

/*
 * A rotation interrupted mid-way and resumed. The first gateway ("replica") dies right after it
 * sent the second target's write: from then on its store takes nothing (as a killed process
 * stores nothing), so the rotation's record says the first target is done, the second was being
 * sent, the third not started. A second gateway on the same store, meeting the same idempotency
 * key once the first one's lease lapsed, resumes it: the first target is not sent again, the
 * second is settled by reading the vendor's hint (never sent again), the third is written once.
 */

const NEW_VALUE = 'pd-canary-Resumed-9e4b2a7c1d0f';
const ROTATE = `mutation($input: RotateSecretInput!) { rotateSecret(input: $input) {
  __typename
  ... on Error { message }
  ... on MutationInProgressError { retryAfterSeconds message }
  ... on SecretRotation { rotationId dryRun targets { connectionId field state reason verified change hint { lastFour } error { __typename message } } }
} }`;
const RESUME = `mutation($input: ResumeSecretRotationInput!) { resumeSecretRotation(input: $input) {
  __typename
  ... on Error { message }
  ... on SecretRotation { rotationId dryRun targets { connectionId state reason change } }
} }`;

let sql: SqlClient;
let simulators: RunningSimulator[];
let accounts: AccountConfig[];
const raw: string[] = [];
/** Stores over the one database, closed after every test (closing one closes the database). */
const stores: Store[] = [];
async function replicaStore(replicaId: string): Promise<Store> {
  const store = await createStore(sql, { replicaId });
  stores.push(store);
  return store;
}

const sim = (vendor: string) => {
  const found = simulators.find((one) => one.simulator.vendor === vendor);
  if (!found) throw new Error(`no ${vendor} simulator`);
  return found.simulator;
};
const accountOf = (vendor: string) => {
  const found = accounts.find((one) => one.vendor === vendor);
  if (!found) throw new Error(`no ${vendor} account`);
  return found.id;
};

/** A store that takes nothing more once `dies()` says so, as a replica killed at that moment. */
function dyingStore(store: Store, dies: (state: string, position: number) => boolean): Store {
  let dead = false;
  const gone = () => Promise.reject(Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' }));
  const alive =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      dead ? gone() : call(...args);
  return {
    ...store,
    recordMutation: alive(store.recordMutation.bind(store)),
    renewIdempotencyKey: alive(store.renewIdempotencyKey.bind(store)),
    applyFingerprints: alive(store.applyFingerprints.bind(store)),
    async setRotationTarget(id, position, state, outcome, from) {
      if (dead) return gone();
      const moved = await store.setRotationTarget(id, position, state, outcome, from);
      if (dies(state, position)) dead = true;
      return moved;
    },
  };
}

beforeAll(async () => {
  sql = await openPglite(null);
  simulators = await startSimulators();
  accounts = simulators.filter(({ kit }) => ['chronosphere', 'mongodb', 'cortex'].includes(kit.vendor)).map(({ kit, baseUrl }) => kit.demoAccount(baseUrl));
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await stopSimulators(simulators ?? []);
});

describe('a rotation whose gateway died after some targets', () => {
  it('resumes under the same idempotency key: each remaining target written once, none twice', async () => {
    const targets = [
      { connectionId: encodeGlobalId('ChronosphereExternalConnection', `${accountOf('chronosphere')}/${CHRONOSPHERE_SEED_SLUGS.pagerdutyPayments}`), field: 'events.apiKey' },
      { connectionId: encodeGlobalId('MongoDbIntegration', `${accountOf('mongodb')}/${MONGODB_DEMO_GROUP_IDS.paymentsProd}/PAGER_DUTY`), field: 'serviceKey' },
      { connectionId: encodeGlobalId('CortexPagerDutyConfiguration', accountOf('cortex')), field: 'token' },
    ];
    const input = { targets, newValue: NEW_VALUE, idempotencyKey: 'rotate-and-die' };
    for (const { simulator } of simulators) simulator.server.clearRequests();

    // The first replica dies right after it marked the second target as being sent (and sent it).
    const dying = await startHarness({
      accounts,
      store: dyingStore(await replicaStore('dying'), (state, position) => state === 'SENDING' && position === 1),
      gateway: { idempotencyLeaseSeconds: 1, requestDeadlineMs: 1_000 },
    });
    try {
      const first = await dying.gql(ROTATE, { input });
      raw.push(first.raw);
      expect((first.data?.['rotateSecret'] as { __typename: string } | undefined)?.__typename).not.toBe('SecretRotation');
    } finally {
      await dying.runtime.deps.spool.close(0);
      await dying.close();
    }
    // It got as far as the second target's write: the first two vendors hold the new value, Cortex not yet.
    expect(vendorWrites(sim('chronosphere'))).toHaveLength(1);
    expect(vendorWrites(sim('mongodb'))).toHaveLength(1);
    expect(vendorWrites(sim('cortex'))).toHaveLength(0);

    const store = await replicaStore('survivor');
    // A target being sent counts as in flight for a request deadline (and a second): 1 s here.
    const survivor = await startHarness({ accounts, store, gateway: { idempotencyLeaseSeconds: 1, requestDeadlineMs: 1_000 } });
    try {
      // While the dead replica's lease runs, the key says so; once it lapsed the survivor takes it over.
      let answer: { __typename: string; rotationId?: string; targets?: { connectionId: string; state: string; reason: string | null; error: unknown }[] } = { __typename: 'none' };
      for (let attempt = 0; attempt < 40; attempt++) {
        const response = await survivor.gql(ROTATE, { input });
        raw.push(response.raw);
        answer = response.data?.['rotateSecret'] as typeof answer;
        if (answer.__typename !== 'MutationInProgressError') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(answer.__typename, JSON.stringify(answer)).toBe('SecretRotation');
      expect(answer.targets?.map((t) => [t.connectionId, t.state, t.error])).toEqual(targets.map((t) => [t.connectionId, 'DONE', null]));
      // The target being sent when the replica died was read back, not sent again.
      expect(answer.targets?.[1]?.reason).toMatch(/settled after an interruption/);

      for (const vendor of ['chronosphere', 'mongodb', 'cortex']) {
        expect(vendorWrites(sim(vendor)), vendor).toHaveLength(1);
        expect(occurrences(simulatorState(sim(vendor)), NEW_VALUE), vendor).toBe(1);
      }

      // Resuming it again by id writes nothing: every target is settled. A dry run says the same.
      const byId = await survivor.gql(RESUME, { input: { id: answer.rotationId, newValue: NEW_VALUE, dryRun: true } });
      raw.push(byId.raw);
      expect(byId.data?.['resumeSecretRotation']).toMatchObject({ __typename: 'SecretRotation', dryRun: true, rotationId: answer.rotationId });
      const again = await survivor.gql(RESUME, { input: { id: answer.rotationId, newValue: NEW_VALUE } });
      raw.push(again.raw);
      expect((again.data?.['resumeSecretRotation'] as { targets: { state: string }[] }).targets.map((t) => t.state)).toEqual(['DONE', 'DONE', 'DONE']);
      for (const vendor of ['chronosphere', 'mongodb', 'cortex']) expect(vendorWrites(sim(vendor)), vendor).toHaveLength(1);

      // Another value cannot resume it.
      const wrong = await survivor.gql(RESUME, { input: { id: answer.rotationId, newValue: `${NEW_VALUE}-other` } });
      expect(wrong.data?.['resumeSecretRotation']).toMatchObject({ __typename: 'InputValidationError' });

      for (const text of [...raw, survivor.logger.lines.join('\n'), JSON.stringify(await store.listAudit({ limit: 100 }))]) expect(text).not.toContain(NEW_VALUE);
    } finally {
      await survivor.close();
    }
  });
});

describe('two runs of one rotation at once', () => {
  it('never write a target twice: each target is claimed by one run, the other says it is in progress', async () => {
    const store = await replicaStore('twice');
    const h = await startHarness({ accounts, store });
    try {
      const value = 'pd-canary-Concurrent-7b1e5d2a';
      const targets = [
        { connectionId: encodeGlobalId('ChronosphereExternalConnection', `${accountOf('chronosphere')}/${CHRONOSPHERE_SEED_SLUGS.pagerdutyPayments}`), field: 'events.apiKey' },
        { connectionId: encodeGlobalId('MongoDbIntegration', `${accountOf('mongodb')}/${MONGODB_DEMO_GROUP_IDS.paymentsProd}/PAGER_DUTY`), field: 'serviceKey' },
        { connectionId: encodeGlobalId('CortexPagerDutyConfiguration', accountOf('cortex')), field: 'token' },
      ];
      const rotation = await store.createRotation({
        id: 'rot_twice',
        caller: 'anonymous',
        idempotencyKey: null,
        newFingerprint: h.runtime.deps.custodyKey.fingerprint(value),
        targets: targets.map((target) => ({ ...target, account: null })),
      });
      for (const { simulator } of simulators) simulator.server.clearRequests();
      const answers = await Promise.all([1, 2].map(() => h.gql(RESUME, { input: { id: rotation.id, newValue: value } })));
      const kinds = answers.map((answer) => (answer.data?.['resumeSecretRotation'] as { __typename: string }).__typename).sort();
      expect(['MutationInProgressError', 'SecretRotation']).toEqual(expect.arrayContaining(kinds));
      for (const vendor of ['chronosphere', 'mongodb', 'cortex']) {
        expect(vendorWrites(sim(vendor)), vendor).toHaveLength(1);
        expect(occurrences(simulatorState(sim(vendor)), value), vendor).toBe(1);
      }
      expect((await store.getRotation(rotation.id, 'anonymous'))?.targets.map((t) => t.state)).toEqual(['DONE', 'DONE', 'DONE']);
    } finally {
      await h.close();
    }
  });

  it('refuses an id of the same connection spelled another way as a second target', async () => {
    const store = await replicaStore('aliases');
    const h = await startHarness({ accounts, store });
    try {
      const cortex = accountOf('cortex');
      const spelled = encodeGlobalId('CortexPagerDutyConfiguration', cortex.replace('-', '%2D'));
      for (const { simulator } of simulators) simulator.server.clearRequests();
      const answer = await h.gql(ROTATE, {
        input: {
          targets: [
            { connectionId: encodeGlobalId('CortexPagerDutyConfiguration', cortex), field: 'token' },
            { connectionId: spelled, field: 'token' },
          ],
          newValue: 'pd-canary-Aliased-4e2d9c1b',
        },
      });
      expect((answer.data?.['rotateSecret'] as { targets: unknown[] }).targets).toHaveLength(1);
      expect(vendorWrites(sim('cortex'))).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe('a gateway without a deployment key', () => {
  it('refuses to record a rotation (it would hold a hash of the new value anyone could test guesses against), but previews it', async () => {
    const h = await startHarness({ accounts, store: await replicaStore('unkeyed'), custodyKey: CustodyKey.unkeyed() });
    try {
      const input = { targets: [{ connectionId: encodeGlobalId('CortexPagerDutyConfiguration', accountOf('cortex')), field: 'token' }], newValue: 'pd-canary-Unkeyed-1a2b3c4d' };
      for (const { simulator } of simulators) simulator.server.clearRequests();
      const refused = await h.gql(ROTATE, { input });
      expect(refused.data?.['rotateSecret']).toMatchObject({ __typename: 'InputValidationError', message: expect.stringContaining('PATCHBAY_SECRET_KEY') });
      const preview = await h.gql(ROTATE, { input: { ...input, dryRun: true } });
      expect(preview.data?.['rotateSecret']).toMatchObject({ __typename: 'SecretRotation', dryRun: true, targets: [{ state: 'PREVIEWED' }] });
      expect(vendorWrites(sim('cortex'))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('a rotation resumed by id with a dry run', () => {
  it('previews only the targets left, and writes nothing', async () => {
    const store = await replicaStore('previewer');
    const h = await startHarness({ accounts, store });
    try {
      const cortexId = encodeGlobalId('CortexPagerDutyConfiguration', accountOf('cortex'));
      const value = 'pd-canary-Previewed-0a1b2c3d';
      // A rotation recorded but never run (the replica died before its first target).
      const rotation = await store.createRotation({
        id: 'rot_preview_only',
        caller: 'anonymous',
        idempotencyKey: null,
        newFingerprint: h.runtime.deps.custodyKey.fingerprint(value),
        targets: [{ connectionId: cortexId, field: 'token', account: accountOf('cortex') }],
      });
      for (const { simulator } of simulators) simulator.server.clearRequests();
      const preview = await h.gql(RESUME, { input: { id: rotation.id, newValue: value, dryRun: true } });
      expect(preview.data?.['resumeSecretRotation']).toEqual({
        __typename: 'SecretRotation',
        rotationId: rotation.id,
        dryRun: true,
        targets: [{ connectionId: cortexId, state: 'PREVIEWED', reason: null, change: 'CHANGED' }],
      });
      for (const { simulator } of simulators) expect(vendorWrites(simulator), simulator.vendor).toEqual([]);
      expect((await store.getRotation(rotation.id, 'anonymous'))?.targets.map((t) => t.state)).toEqual(['PENDING']);
      expect(preview.raw).not.toContain(value);
    } finally {
      await h.close();
    }
  });
});
