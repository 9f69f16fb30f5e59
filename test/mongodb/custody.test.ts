import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/app/context.js';
import { ANONYMOUS } from '../../src/core/auth/authenticator.js';
import { SecretsRequiredError } from '../../src/core/errors.js';
import { encodeGlobalId } from '../../src/core/ids.js';
import { MONGODB_DEMO_GROUP_IDS, mongoDbSeedGroups } from '../../src/simulators/mongodb/seed.js';
import { createMongoDbSimulator, type MongoDbSimulator } from '../../src/simulators/mongodb/simulator.js';
import type { MongoDbIntegration } from '../../src/vendors/mongodb/map.js';
import { mongoDbRuntime } from '../../src/vendors/mongodb/runtime.js';
import { startHarness, type GqlResponse, type Harness } from '../support/harness.js';
import { EMPTY_GROUP } from './fixtures.js';

/*
 * Key custody through Patchbay against the Cloud Manager simulator: the fingerprints a write
 * leaves (never the value), what an upsert (a full replace) and a delete do to them, and the
 * runtime's `custody` (requiredWith, rotate) writing through Cloud Manager's PUT.
 */

const ACCOUNT = 'mdb-custody';
const PUBLIC_KEY = 'custody-public-key';
const PRIVATE_KEY = 'custody-private-key-5d1e9a';
const { paymentsProd: PAYMENTS } = MONGODB_DEMO_GROUP_IDS;
/** A secret that must never leave the simulator. */
const CANARY = 'canary-mdb-custody-7Q2xK9vB3nM8wZ4t';
const OTHER = 'second-mdb-secret-H6jR1pL5sD0fG2k8';

const CREATE = `mutation($input: CreateMongoDbIntegrationInput!) { createMongoDbIntegration(input: $input) { __typename ... on Error { message } ... on MongoDbIntegrationPayload { integration { id secrets { field isSet lastFour } } } } }`;
const UPSERT = `mutation($input: UpsertMongoDbIntegrationInput!) { upsertMongoDbIntegration(input: $input) { __typename ... on Error { message } ... on MongoDbIntegrationPayload { integration { id secrets { field isSet lastFour } } } } }`;
const DELETE = `mutation($input: DeleteMongoDbIntegrationInput!) { deleteMongoDbIntegration(input: $input) { __typename ... on Error { message } } }`;

let sim: MongoDbSimulator;
let h: Harness;

function idOf(groupId: string, type: string): string {
  return encodeGlobalId('MongoDbIntegration', `${ACCOUNT}/${groupId}/${type}`);
}

function typename(response: GqlResponse, field: string): string {
  expect(response.errors).toBeUndefined();
  const value = response.data?.[field] as Record<string, unknown> | undefined;
  return String(value?.['__typename']);
}

/** Every secret value the simulator holds, across every project and type, for "exactly once" checks. */
function simulatorValues(): string[] {
  return sim.groupIds().flatMap((groupId) => sim.storedTypes(groupId).flatMap((type) => Object.values(sim.storedIntegration(groupId, type)?.fields ?? {}).map(String)));
}

function occurrences(value: string): number {
  return simulatorValues().filter((stored) => stored === value).length;
}

async function fingerprintRows(groupId: string, type: string) {
  return h.store.listFingerprints([idOf(groupId, type)]);
}

/** Proves the canary is in no fingerprint row, no audit row and no log line. */
async function expectCanaryNowhere(...canaries: string[]): Promise<void> {
  const rows = JSON.stringify(await h.store.listFingerprints());
  const audit = JSON.stringify(await h.store.listAudit({ limit: 1000 }));
  const lines = h.logger.lines.join('\n');
  for (const canary of canaries) {
    expect(rows).not.toContain(canary);
    expect(audit).not.toContain(canary);
    expect(lines).not.toContain(canary);
  }
}

function requestContext() {
  const context = createRequestContext(h.runtime.deps, undefined, ANONYMOUS);
  const entry = context.deps.accounts.get(ACCOUNT);
  if (entry === undefined) throw new Error('account not configured');
  return { context, entry };
}

/** The integration `type` of `groupId` as a fresh request reads it, with its read key. */
async function readCurrent(groupId: string, type: string) {
  const { context, entry } = requestContext();
  const key = { account: ACCOUNT, groupId, type };
  const current = (await mongoDbRuntime.read(context, entry as never, key)) as MongoDbIntegration;
  return { context, entry, key, current };
}

function puts(): number {
  return sim.server.requests.filter((request) => request.method === 'PUT').length;
}

beforeAll(async () => {
  const groups = mongoDbSeedGroups();
  groups.set(EMPTY_GROUP, []);
  sim = createMongoDbSimulator({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groups });
  const base = await sim.server.listen();
  h = await startHarness({
    accounts: [{ id: ACCOUNT, vendor: 'mongodb', baseUrl: `${base}${sim.basePath}`, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groupIds: [PAYMENTS, EMPTY_GROUP] }],
    resilience: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 1_000, halfOpenAfterMs: 1 } },
  });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(async () => {
  sim.server.reset();
  sim.server.clearRequests();
  // Fingerprints of an earlier test's connections go, as a delete through Patchbay would drop them.
  const stale = await h.store.listFingerprints();
  await h.store.applyFingerprints([...new Set(stale.map((row) => row.connectionId))].map((connectionId) => ({ connectionId, account: '', vendor: '', service: '', set: [], clear: 'all' as const })));
});

describe('fingerprints of writes through Patchbay', () => {
  it('a create records one row per secret field: the keyed fingerprint and the hint, never the value', async () => {
    const url = `https://hooks.example.com/in/${CANARY}`;
    const created = await h.gql(CREATE, { input: { account: ACCOUNT, groupId: EMPTY_GROUP, integration: { webhook: { url, secret: OTHER } } } });
    expect(typename(created, 'createMongoDbIntegration')).toBe('MongoDbIntegrationPayload');
    expect(created.raw).not.toContain(CANARY);

    const rows = await fingerprintRows(EMPTY_GROUP, 'WEBHOOK');
    const key = h.runtime.deps.custodyKey;
    expect(rows.map((row) => ({ field: row.field, account: row.account, vendor: row.vendor, service: row.service, lastFour: row.lastFour }))).toEqual([
      { field: 'secret', account: ACCOUNT, vendor: 'mongodb', service: 'WEBHOOK', lastFour: OTHER.slice(-4) },
      { field: 'url', account: ACCOUNT, vendor: 'mongodb', service: 'WEBHOOK', lastFour: url.slice(-4) },
    ]);
    expect(key.matches(OTHER, rows.find((row) => row.field === 'secret')?.fingerprint ?? '')).toBe(true);
    expect(key.matches(url, rows.find((row) => row.field === 'url')?.fingerprint ?? '')).toBe(true);
    // The fields are the hints' fields, exactly.
    const hints = (created.data?.['createMongoDbIntegration'] as { integration: { secrets: { field: string; isSet: boolean }[] } }).integration.secrets;
    expect(rows.map((row) => row.field).sort()).toEqual(
      hints
        .filter((hint) => hint.isSet)
        .map((hint) => hint.field)
        .sort(),
    );
    await expectCanaryNowhere(CANARY, OTHER);
  });

  it('an upsert (a full replace) replaces the fingerprints sent and drops those of the secrets it left out', async () => {
    await h.gql(CREATE, { input: { account: ACCOUNT, groupId: EMPTY_GROUP, integration: { webhook: { url: 'https://hooks.example.com/in/first-0001', secret: CANARY } } } });
    const before = await fingerprintRows(EMPTY_GROUP, 'WEBHOOK');
    expect(before.map((row) => row.field)).toEqual(['secret', 'url']);

    const newUrl = 'https://hooks.example.com/in/second-0002';
    const upserted = await h.gql(UPSERT, { input: { account: ACCOUNT, groupId: EMPTY_GROUP, integration: { webhook: { url: newUrl } } } });
    expect(typename(upserted, 'upsertMongoDbIntegration')).toBe('MongoDbIntegrationPayload');
    const after = await fingerprintRows(EMPTY_GROUP, 'WEBHOOK');
    expect(after.map((row) => row.field)).toEqual(['url']);
    expect(after[0]?.fingerprint).not.toBe(before.find((row) => row.field === 'url')?.fingerprint);
    expect(h.runtime.deps.custodyKey.matches(newUrl, after[0]?.fingerprint ?? '')).toBe(true);
    // The vendor holds no secret any more either.
    expect(sim.storedIntegration(EMPTY_GROUP, 'WEBHOOK')?.fields['secret']).toBeUndefined();
    await expectCanaryNowhere(CANARY);
  });

  it('a delete drops every fingerprint of the integration', async () => {
    await h.gql(CREATE, { input: { account: ACCOUNT, groupId: EMPTY_GROUP, integration: { pagerDuty: { serviceKey: CANARY } } } });
    expect(await fingerprintRows(EMPTY_GROUP, 'PAGER_DUTY')).toHaveLength(1);
    const deleted = await h.gql(DELETE, { input: { id: idOf(EMPTY_GROUP, 'PAGER_DUTY') } });
    expect(typename(deleted, 'deleteMongoDbIntegration')).toBe('DeletedConnectionPayload');
    expect(await fingerprintRows(EMPTY_GROUP, 'PAGER_DUTY')).toEqual([]);
    await expectCanaryNowhere(CANARY);
  });

  it('a write that fails at the vendor records nothing', async () => {
    await h.gql(CREATE, { input: { account: ACCOUNT, groupId: EMPTY_GROUP, integration: { pagerDuty: { serviceKey: OTHER } } } });
    const rows = await fingerprintRows(EMPTY_GROUP, 'PAGER_DUTY');
    // A second create of the same type is a conflict at the vendor: the stored fingerprint stays the first one.
    const conflict = await h.gql(CREATE, { input: { account: ACCOUNT, groupId: EMPTY_GROUP, integration: { pagerDuty: { serviceKey: CANARY } } } });
    expect(typename(conflict, 'createMongoDbIntegration')).toBe('ConflictError');
    expect(await fingerprintRows(EMPTY_GROUP, 'PAGER_DUTY')).toEqual(rows);
    await expectCanaryNowhere(CANARY);
  });
});

describe('custody through Cloud Manager PUT', () => {
  it('requiredWith names every other secret set: a PUT must send each again', async () => {
    await h.gql(CREATE, { input: { account: ACCOUNT, groupId: EMPTY_GROUP, integration: { webhook: { url: 'https://hooks.example.com/in/req-0003', secret: OTHER } } } });
    const { current } = await readCurrent(EMPTY_GROUP, 'WEBHOOK');
    expect(mongoDbRuntime.custody.requiredWith(current, 'secret')).toEqual(['url']);
    expect(mongoDbRuntime.custody.requiredWith(current, 'url')).toEqual(['secret']);
    const { current: pagerDuty } = await readCurrent(PAYMENTS, 'PAGER_DUTY');
    expect(mongoDbRuntime.custody.requiredWith(pagerDuty, 'serviceKey')).toEqual([]);
    const { current: prometheus } = await readCurrent(PAYMENTS, 'PROMETHEUS');
    // The password is never read back but always set; the PEM password is not set in the seed.
    expect(mongoDbRuntime.custody.requiredWith(prometheus, 'tlsPemPassword')).toEqual(['password']);
  });

  it('rotates the seeded PagerDuty key (the one Chronosphere shares): the vendor holds the new value once, its hint shows it, nothing else moves', async () => {
    const { context, entry, key, current } = await readCurrent(PAYMENTS, 'PAGER_DUTY');
    const seeded = sim.storedIntegration(PAYMENTS, 'PAGER_DUTY');
    const others = Object.fromEntries(
      sim
        .storedTypes(PAYMENTS)
        .filter((type) => type !== 'PAGER_DUTY')
        .map((type) => [type, sim.storedIntegration(PAYMENTS, type)]),
    );
    sim.server.clearRequests();

    const rotated = await mongoDbRuntime.custody.rotate(context, entry as never, key, current, 'serviceKey', CANARY, new Map());

    expect(rotated.secrets).toEqual([{ field: 'serviceKey', isSet: true, lastFour: CANARY.slice(-4) }]);
    expect(sim.storedIntegration(PAYMENTS, 'PAGER_DUTY')?.fields).toEqual({ ...seeded?.fields, serviceKey: CANARY });
    expect(occurrences(CANARY)).toBe(1);
    expect(
      Object.fromEntries(
        sim
          .storedTypes(PAYMENTS)
          .filter((type) => type !== 'PAGER_DUTY')
          .map((type) => [type, sim.storedIntegration(PAYMENTS, type)]),
      ),
    ).toEqual(others);
    // One PUT of that type (the region read back as the default US is not sent: Cloud Manager refuses it).
    expect(sim.server.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`)).toEqual([
      `PUT ${sim.basePath}/groups/${PAYMENTS}/integrations/PAGER_DUTY`,
    ]);
    // The request's loader holds what the write answered: a read after it costs no call.
    const before = sim.server.requests.length;
    const read = (await mongoDbRuntime.read(context, entry as never, key)) as MongoDbIntegration;
    expect(read.secrets[0]?.lastFour).toBe(CANARY.slice(-4));
    expect(sim.server.requests.length).toBe(before);
    expect(h.logger.lines.join('\n')).not.toContain(CANARY);
  });

  it('refuses to rotate one secret of an integration holding another unless it is supplied: nothing is sent', async () => {
    const url = 'https://hooks.example.com/in/keep-0004';
    await h.gql(CREATE, { input: { account: ACCOUNT, groupId: EMPTY_GROUP, integration: { webhook: { url, secret: OTHER } } } });
    const { context, entry, key, current } = await readCurrent(EMPTY_GROUP, 'WEBHOOK');
    sim.server.clearRequests();

    const refused = await mongoDbRuntime.custody.rotate(context, entry as never, key, current, 'secret', CANARY, new Map()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SecretsRequiredError);
    expect((refused as SecretsRequiredError).fields).toEqual(['url']);
    expect((refused as Error).message).not.toContain(CANARY);
    expect(puts()).toBe(0);
    expect(sim.storedIntegration(EMPTY_GROUP, 'WEBHOOK')?.fields).toEqual({ url, secret: OTHER });

    const rotated = await mongoDbRuntime.custody.rotate(context, entry as never, key, current, 'secret', CANARY, new Map([['url', url]]));
    expect(puts()).toBe(1);
    expect(sim.storedIntegration(EMPTY_GROUP, 'WEBHOOK')?.fields).toEqual({ url, secret: CANARY });
    expect(occurrences(CANARY)).toBe(1);
    expect(rotated.secrets.find((hint) => hint.field === 'secret')).toEqual({ field: 'secret', isSet: true, lastFour: CANARY.slice(-4) });
    expect(rotated.secrets.find((hint) => hint.field === 'url')).toEqual({ field: 'url', isSet: true, lastFour: url.slice(-4) });
  });

  it('rotates the Prometheus password with every other setting sent as it is', async () => {
    const { context, entry, key, current } = await readCurrent(PAYMENTS, 'PROMETHEUS');
    const seeded = sim.storedIntegration(PAYMENTS, 'PROMETHEUS');
    await mongoDbRuntime.custody.rotate(context, entry as never, key, current, 'password', CANARY, new Map());
    expect(sim.storedIntegration(PAYMENTS, 'PROMETHEUS')?.fields).toEqual({ ...seeded?.fields, password: CANARY });
    expect(occurrences(CANARY)).toBe(1);
  });

  it('refuses a masked value and a field the integration does not have, before sending anything', async () => {
    const { context, entry, key, current } = await readCurrent(PAYMENTS, 'PAGER_DUTY');
    sim.server.clearRequests();
    await expect(mongoDbRuntime.custody.rotate(context, entry as never, key, current, 'serviceKey', '********************abcd', new Map())).rejects.toMatchObject({ name: 'InputValidationError' });
    await expect(mongoDbRuntime.custody.rotate(context, entry as never, key, current, 'apiKey', CANARY, new Map())).rejects.toMatchObject({ name: 'InputValidationError' });
    expect(puts()).toBe(0);
  });
});
