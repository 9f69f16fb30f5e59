import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONGODB_DEMO_GROUP_IDS } from '../../src/simulators/mongodb/seed.js';
import { CHRONOSPHERE_SEED_SLUGS } from '../../src/simulators/chronosphere/seed.js';
import { startFleet, type Fleet } from '../inventory/support.js';
import { fetchAnswer } from '../support/harness.js';
import { occurrences, simulatorState, vendorWrites } from './support.js';

/*
 * Key custody over the demo's five vendors, through GraphQL as a user sends it: where a key is
 * used (by fingerprint once Patchbay wrote it, by the vendor's last-four hint for a copy set at
 * the vendor), one rotation into a connection of every vendor, and the full-replace refusal.
 */

/** The PagerDuty integration key the demo seed shares between Chronosphere and Cloud Manager. */
const SHARED = 'R0b8Kx2mQ7vN4pL9sT3wY6zA1cE5gH8j';
const NEW_VALUE = 'pd-canary-R0tated-4c1f9e2b7d3a6f80';
const OPSGENIE_KEY = 'og-canary-Shared-5b7e2c9d';
const OPSGENIE_PASSWORD = 'og-canary-Passw0rd-81aa';
const CANARIES = [NEW_VALUE, OPSGENIE_KEY, OPSGENIE_PASSWORD];

const USAGES = `query($filter: SecretUsageFilter) { secretUsages(filter: $filter) {
  usages { connectionId field service account vendor lastFour match group fingerprinted connection { __typename } }
  failures { account { key } error { __typename message } }
} }`;
const ROTATE = `mutation($input: RotateSecretInput!) { rotateSecret(input: $input) {
  __typename
  ... on Error { message }
  ... on SecretRotation { rotationId dryRun targets {
    connectionId field account state reason verified change hint { field isSet lastFour }
    error { __typename message ... on SecretsRequiredError { fields } }
  } }
} }`;
const RESUME = `mutation($input: ResumeSecretRotationInput!) { resumeSecretRotation(input: $input) {
  __typename
  ... on Error { message }
  ... on SecretRotation { rotationId targets { connectionId field account state reason verified change hint { field isSet lastFour } error { __typename message } } }
} }`;
const CS_UPDATE = `mutation($input: UpdateChronosphereExternalConnectionInput!) { updateChronosphereExternalConnection(input: $input) { __typename ... on Error { message } } }`;
const CS_CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) { createChronosphereExternalConnection(input: $input) {
  __typename ... on Error { message } ... on ChronosphereExternalConnectionPayload { connection { id } }
} }`;
const MDB_UPSERT = `mutation($input: UpsertMongoDbIntegrationInput!) { upsertMongoDbIntegration(input: $input) { __typename ... on Error { message } } }`;

interface Usage {
  connectionId: string;
  field: string;
  service: string;
  account: string;
  vendor: string;
  lastFour: string | null;
  match: 'EXACT' | 'LAST_FOUR' | null;
  group: number | null;
  fingerprinted: boolean;
}
interface TargetResult {
  connectionId: string;
  field: string;
  account: string | null;
  state: string;
  reason: string | null;
  verified: boolean | null;
  change: string | null;
  hint: { field: string; isSet: boolean; lastFour: string | null } | null;
  error: { __typename: string; message: string; fields?: string[] } | null;
}

let fleet: Fleet;
const responses: string[] = [];

async function gql(query: string, variables?: Record<string, unknown>) {
  const response = await fleet.h.gql(query, variables);
  responses.push(response.raw);
  expect(response.errors).toBeUndefined();
  return response.data ?? {};
}

async function usages(filter: Record<string, unknown> | null): Promise<Usage[]> {
  const data = (await gql(USAGES, { filter })) as { secretUsages: { usages: Usage[]; failures: unknown[] } };
  expect(data.secretUsages.failures).toEqual([]);
  return data.secretUsages.usages;
}

async function rotate(input: Record<string, unknown>): Promise<{ rotationId: string | null; dryRun: boolean; targets: TargetResult[] }> {
  const data = (await gql(ROTATE, { input })) as { rotateSecret: { __typename: string; rotationId: string | null; dryRun: boolean; targets: TargetResult[] } };
  expect(data.rotateSecret.__typename).toBe('SecretRotation');
  return data.rotateSecret;
}

const accountOf = (vendor: string): string => {
  const account = fleet.accounts.find((one) => one.vendor === vendor);
  if (!account) throw new Error(`no ${vendor} account`);
  return account.id;
};

beforeAll(async () => {
  fleet = await startFleet();
});
afterAll(async () => {
  await fleet?.close();
});

describe('secretUsages: where is this key used?', () => {
  it('a copy seeded at a vendor matches only by its last four; once written through Patchbay both vendors match EXACT, as one group', async () => {
    const seeded = await usages({ value: SHARED });
    // Cloud Manager shows the seeded key's last four; Chronosphere redacts it, so only Cloud Manager can be a possible copy.
    expect(seeded.map((u) => [u.vendor, u.match, u.fingerprinted])).toEqual([['MONGODB_CLOUD_MANAGER', 'LAST_FOUR', false]]);
    expect(seeded[0]?.lastFour).toBe(SHARED.slice(-4));

    // The platform team writes the key again through Patchbay (the same value, so nothing changes at the vendors).
    const cs = await gql(CS_UPDATE, {
      input: {
        account: accountOf('chronosphere'),
        slug: CHRONOSPHERE_SEED_SLUGS.pagerdutyPayments,
        name: 'PagerDuty: payments-api on-call',
        target: { pagerduty: { events: { apiKey: SHARED, version: 'V2' } } },
      },
    });
    expect(cs['updateChronosphereExternalConnection']).toEqual({ __typename: 'ChronosphereExternalConnectionPayload' });
    const mdb = await gql(MDB_UPSERT, { input: { account: accountOf('mongodb'), groupId: MONGODB_DEMO_GROUP_IDS.paymentsProd, integration: { pagerDuty: { serviceKey: SHARED } } } });
    expect(mdb['upsertMongoDbIntegration']).toEqual({ __typename: 'MongoDbIntegrationPayload' });

    const written = await usages({ value: SHARED });
    expect(written.map((u) => [u.vendor, u.field, u.match, u.fingerprinted]).sort()).toEqual([
      ['CHRONOSPHERE', 'events.apiKey', 'EXACT', true],
      ['MONGODB_CLOUD_MANAGER', 'serviceKey', 'EXACT', true],
    ]);
    expect(written.every((u) => u.service === 'PAGERDUTY')).toBe(true);

    // "Keys shared by more than one connection" is one query: the two form one group.
    const shared = await usages({ sharedOnly: true });
    const groupOf = (vendor: string) => shared.find((u) => u.vendor === vendor && u.service === 'PAGERDUTY' && u.match === 'EXACT')?.group;
    expect(groupOf('CHRONOSPHERE')).toEqual(expect.any(Number));
    expect(groupOf('CHRONOSPHERE')).toBe(groupOf('MONGODB_CLOUD_MANAGER'));

    // Filters narrow it: by vendor, and by service.
    expect((await usages({ value: SHARED, vendors: ['MONGODB_CLOUD_MANAGER'] })).map((u) => u.vendor)).toEqual(['MONGODB_CLOUD_MANAGER']);
    expect(await usages({ value: SHARED, services: ['SLACK'] })).toEqual([]);
  });

  it('never answers, logs or stores the value looked up', async () => {
    const before = responses.length;
    await usages({ value: OPSGENIE_KEY });
    for (const raw of responses.slice(before)) expect(raw).not.toContain(OPSGENIE_KEY);
    expect(fleet.h.logger.lines.join('\n')).not.toContain(OPSGENIE_KEY);
  });
});

describe('rotateSecret over all five vendors', () => {
  it('writes the new value into one connection of each vendor once; the vendors hold it once per target and the hints show it', async () => {
    for (const { simulator } of fleet.simulators) simulator.server.clearRequests();
    const all = await usages(null);
    // One target per vendor, each a secret that is set; a dry run says which can be rotated alone.
    const candidates = ['CHRONOSPHERE', 'MONGODB_CLOUD_MANAGER', 'CORTEX', 'DATADOG', 'OPSRAMP'].flatMap((vendor) =>
      // (Datadog's header values are secrets too, but a Content-Type is no key to rotate.)
      all.filter((u) => u.vendor === vendor && !u.field.startsWith('headers.')).map((u) => ({ connectionId: u.connectionId, field: u.field, vendor })),
    );
    const preview = await rotate({ targets: candidates.map(({ connectionId, field }) => ({ connectionId, field })), newValue: NEW_VALUE, dryRun: true });
    expect(preview.rotationId).toBeNull();
    const rotatable = preview.targets.filter((t) => t.state === 'PREVIEWED' && t.change === 'CHANGED');
    const targets = ['CHRONOSPHERE', 'MONGODB_CLOUD_MANAGER', 'CORTEX', 'DATADOG', 'OPSRAMP'].map((vendor) => {
      const found = rotatable.find((t) => candidates.find((c) => c.connectionId === t.connectionId)?.vendor === vendor);
      if (!found) throw new Error(`no rotatable secret at ${vendor}: ${JSON.stringify(preview.targets)}`);
      return { connectionId: found.connectionId, field: found.field, vendor };
    });
    // The preview wrote nothing anywhere.
    for (const { simulator } of fleet.simulators) expect(vendorWrites(simulator), simulator.vendor).toEqual([]);

    const result = await rotate({ targets: targets.map(({ connectionId, field }) => ({ connectionId, field })), newValue: NEW_VALUE, idempotencyKey: 'rotate-all-five' });
    expect(result.rotationId).toMatch(/^rot_/);
    expect(result.targets.map((t) => [t.connectionId, t.state, t.error])).toEqual(targets.map((t) => [t.connectionId, 'DONE', null]));
    for (const target of result.targets) {
      expect(target.hint?.isSet).toBe(true);
      // Every vendor but Datadog (whose token hints show no tail) shows the new value's last four.
      if (target.hint?.lastFour) expect(target.hint.lastFour).toBe(NEW_VALUE.slice(-4));
      expect(target.verified).toBe(target.hint?.lastFour ? true : null);
    }

    for (const { simulator } of fleet.simulators) {
      // Each vendor holds the new value exactly once (one target each), sent by one write.
      expect(occurrences(simulatorState(simulator), NEW_VALUE), simulator.vendor).toBe(1);
      expect(vendorWrites(simulator), simulator.vendor).toHaveLength(1);
    }

    // The key now appears EXACT at every target, and the same key again answers the recorded outcome without writing.
    const found = await usages({ value: NEW_VALUE });
    expect(found.map((u) => [u.connectionId, u.match]).sort()).toEqual(targets.map((t) => [t.connectionId, 'EXACT']).sort());
    const again = await rotate({ targets: targets.map(({ connectionId, field }) => ({ connectionId, field })), newValue: NEW_VALUE, idempotencyKey: 'rotate-all-five' });
    expect(again).toEqual(result);
    for (const { simulator } of fleet.simulators) expect(vendorWrites(simulator), simulator.vendor).toHaveLength(1);

    // Each target is audited as its own write, with the caller; the run as one more.
    const audit = await fleet.h.store.listAudit({ operation: 'rotateSecret', limit: 20 });
    expect(audit.map((row) => row.targetId).sort()).toEqual(targets.map((t) => t.connectionId).sort());
    expect(audit.every((row) => row.outcome === 'OK' && row.caller === 'anonymous')).toBe(true);
    // The run itself: once as it ran, once as the repeat replayed it.
    expect((await fleet.h.store.listAudit({ operation: 'rotateSecretRun', limit: 20 })).map((row) => row.outcome).sort()).toEqual(['OK', 'REPLAYED']);
  });

  it('a match by value rotates every EXACT holder; a dry run says UNCHANGED for the value a target already holds', async () => {
    const preview = await rotate({ match: { value: NEW_VALUE }, newValue: NEW_VALUE, dryRun: true });
    expect(preview.targets.length).toBe(5);
    expect(preview.targets.map((t) => t.change)).toEqual(['UNCHANGED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
  });
});

describe('a full-replace vendor holding other secrets', () => {
  it('answers SecretsRequiredError for an Opsgenie connection unless its password is supplied; nothing is unset', async () => {
    const cs = fleet.sim('chronosphere');
    const created = await gql(CS_CREATE, {
      input: {
        account: accountOf('chronosphere'),
        slug: 'opsgenie-custody',
        name: 'Opsgenie (custody)',
        target: { opsGenie: { apiKey: OPSGENIE_KEY, apiUrl: 'https://api.opsgenie.com', httpConfig: { basicAuth: { username: 'alerts', password: OPSGENIE_PASSWORD } } } },
      },
    });
    const id = (created['createChronosphereExternalConnection'] as { connection: { id: string } }).connection.id;
    const stored = simulatorState(cs);
    cs.server.clearRequests();

    // One target refused does not stop the next (Cortex's token, rotated to the same new value).
    const cortex = fleet.sim('cortex');
    cortex.server.clearRequests();
    const cortexId = (await usages({ vendors: ['CORTEX'] }))[0]?.connectionId;
    const refused = await rotate({
      targets: [
        { connectionId: id, field: 'apiKey' },
        { connectionId: cortexId, field: 'token' },
      ],
      newValue: `${OPSGENIE_KEY}-2`,
    });
    expect(refused.targets.map((t) => t.state)).toEqual(['FAILED', 'DONE']);
    expect(refused.targets[0]?.error).toMatchObject({ __typename: 'SecretsRequiredError', fields: ['httpConfig.basicAuth.password'] });
    expect(vendorWrites(cs)).toEqual([]);
    expect(simulatorState(cs)).toBe(stored);
    expect(vendorWrites(cortex)).toHaveLength(1);
    expect(occurrences(simulatorState(cortex), `${OPSGENIE_KEY}-2`)).toBe(1);

    // Resumed with the password supplied: the refused target is tried again, the done one is not sent again.
    const resumed = (await gql(RESUME, {
      input: {
        id: refused.rotationId,
        newValue: `${OPSGENIE_KEY}-2`,
        supplied: [
          { connectionId: id, field: 'httpConfig.basicAuth.password', value: OPSGENIE_PASSWORD },
          // Not a secret the connection holds: not sent, and no fingerprint says it is there.
          { connectionId: id, field: 'httpConfig.bearerToken', value: `${OPSGENIE_PASSWORD}-unsent` },
        ],
      },
    })) as { resumeSecretRotation: { __typename: string; targets: TargetResult[] } };
    expect(resumed.resumeSecretRotation.__typename).toBe('SecretRotation');
    const done = resumed.resumeSecretRotation;
    expect(done.targets.map((t) => t.state)).toEqual(['DONE', 'DONE']);
    expect(vendorWrites(cortex)).toHaveLength(1);
    expect(done.targets[0]?.state).toBe('DONE');
    expect((await fleet.h.store.listFingerprints([id])).map((row) => row.field).sort()).toEqual(['apiKey', 'httpConfig.basicAuth.password']);
    expect(occurrences(simulatorState(cs), `${OPSGENIE_PASSWORD}-unsent`)).toBe(0);
    expect(vendorWrites(cs)).toHaveLength(1);
    const after = simulatorState(cs);
    expect(occurrences(after, `${OPSGENIE_KEY}-2`)).toBe(1);
    expect(occurrences(after, OPSGENIE_PASSWORD)).toBe(1);
  });
});

describe('bad input and nothing to write', () => {
  it('refuses unbounded or unprintable field names and too many supplied secrets, before reading anything', async () => {
    const cortexId = (await usages({ vendors: ['CORTEX'] }))[0]?.connectionId;
    const refusals = [
      { targets: [{ connectionId: cortexId, field: 'x'.repeat(201) }], newValue: 'v-0123456789' },
      { targets: [{ connectionId: cortexId, field: 'to\u0000ken' }], newValue: 'v-0123456789' },
      { targets: [{ connectionId: cortexId, field: 'token' }], newValue: 'v-0123456789', supplied: Array.from({ length: 101 }, () => ({ connectionId: cortexId, field: 'f', value: 'v' })) },
    ];
    for (const input of refusals) {
      const data = (await gql(ROTATE, { input })) as { rotateSecret: { __typename: string } };
      expect(data.rotateSecret.__typename).toBe('InputValidationError');
    }
  });

  it('a field the connection does not have is SKIPPED with why, sends nothing, and is audited as an ordinary outcome', async () => {
    const cortex = fleet.sim('cortex');
    cortex.server.clearRequests();
    const cortexId = (await usages({ vendors: ['CORTEX'] }))[0]?.connectionId;
    const result = await rotate({ targets: [{ connectionId: cortexId, field: 'noSuchSecret' }], newValue: 'v-0123456789' });
    expect(result.targets).toMatchObject([{ state: 'SKIPPED', reason: expect.stringContaining('noSuchSecret') }]);
    expect(vendorWrites(cortex)).toEqual([]);
    const [row] = await fleet.h.store.listAudit({ operation: 'rotateSecret', limit: 1 });
    expect(row).toMatchObject({ targetId: cortexId, outcome: 'OK' });
  });
});

describe('the canaries', () => {
  it('never leave the simulators: not in a response, a log line, a metric, the audit or the fingerprints', async () => {
    const metrics = await fetchAnswer(fleet.h.runtime, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.raw).toContain('patchbay_');
    const outside = [
      metrics.raw,
      ...responses,
      fleet.h.logger.lines.join('\n'),
      JSON.stringify(await fleet.h.store.listAudit({ limit: 1000 })),
      JSON.stringify(await fleet.h.store.listFingerprints()),
    ].join('\n');
    for (const canary of [...CANARIES, SHARED]) expect(outside).not.toContain(canary);
  });
});
