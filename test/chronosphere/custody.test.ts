import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/app/context.js';
import { requireAccount } from '../../src/app/lookup.js';
import { ANONYMOUS } from '../../src/core/auth/authenticator.js';
import { SecretsRequiredError } from '../../src/core/errors.js';
import { CHRONOSPHERE_BLOCKS } from '../../src/vendors/chronosphere/catalogue.js';
import { SECRET_FIELDS, buildConnection } from '../../src/vendors/chronosphere/input.js';
import { mapConnection } from '../../src/vendors/chronosphere/map.js';
import { chronosphereRuntime } from '../../src/vendors/chronosphere/runtime.js';
import type { ConnectionWire } from '../../src/vendors/chronosphere/wire.js';
import { CREATE, DELETE, READ, UPDATE, csId, field, startRig, type Rig } from './support.js';

/*
 * Key custody at Chronosphere: the fingerprints a write through Patchbay leaves (never the
 * values), and rotating one secret by a PUT of the whole connection, which must carry every other
 * secret the connection holds.
 */

const API_KEY = 'og-canary-Cust0dy-Key1';
const PASSWORD = 'pw-canary-Cust0dy-Pass2';
const NEW_KEY = 'og-canary-Rotated-Key3';
const CANARIES = [API_KEY, PASSWORD, NEW_KEY];

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ sim: { now: () => new Date('2026-07-01T10:00:00Z') } });
});
beforeEach(() => {
  rig.sim.server.reset();
});
afterAll(async () => {
  await rig.close();
});

const opsGenie = (apiKey: string, password?: string) => ({
  opsGenie: {
    apiKey,
    apiUrl: 'https://api.opsgenie.com',
    httpConfig: { ...(password === undefined ? {} : { basicAuth: { username: 'alerts', password } }), tlsConfig: { insecureSkipVerify: true } },
  },
});

async function createOpsGenie(slug: string): Promise<Record<string, unknown>> {
  const created = field(await rig.h.gql(CREATE, { input: { account: 'cs', slug, name: 'Opsgenie (custody)', target: opsGenie(API_KEY, PASSWORD) } }), 'createChronosphereExternalConnection');
  expect(created['__typename']).toBe('ChronosphereExternalConnectionPayload');
  return created['connection'] as Record<string, unknown>;
}

/** How many times `value` occurs in everything the simulator stores. */
function occurrences(value: string): number {
  return JSON.stringify(rig.sim.slugs().map((slug) => rig.sim.stored(slug))).split(value).length - 1;
}

/** A request context outside GraphQL, as the shared rotation code has one. */
function requestContext() {
  const context = createRequestContext(rig.h.runtime.deps, undefined, ANONYMOUS);
  return { context, entry: requireAccount(context, 'cs', chronosphereRuntime) };
}

async function expectNoCanaryStored(): Promise<void> {
  const stored = JSON.stringify([await rig.h.store.listFingerprints(), await rig.h.store.listAudit({ limit: 1000 })]);
  for (const value of CANARIES) expect(stored).not.toContain(value);
  for (const value of CANARIES) expect(rig.h.logger.lines.join('\n')).not.toContain(value);
}

describe('secret fields', () => {
  it("names each type's secrets in the input builder as the read mapper's hints name them", () => {
    for (const block of CHRONOSPHERE_BLOCKS) {
      const read = mapConnection({ key: 'cs', vendor: 'chronosphere', displayName: 'cs', baseUrl: 'http://127.0.0.1' }, { slug: 's', name: 'n', [block]: {} } as ConnectionWire);
      expect(read.secrets.map((hint) => hint.field).sort(), block).toEqual([...SECRET_FIELDS[block]].sort());
    }
  });

  it('records every secret a body sends under its hint field', () => {
    const built = buildConnection({ name: 'x', target: { pagerduty: { events: { apiKey: 'k1' } } } });
    expect([...built.secrets]).toEqual([['events.apiKey', 'k1']]);
    const webhook = buildConnection({ name: 'x', target: { webhook: { url: 'https://hooks.example/x', httpConfig: { bearerToken: 't1' } } } });
    expect([...webhook.secrets]).toEqual([['httpConfig.bearerToken', 't1']]);
    expect(webhook.sensitive).toEqual(['t1']);
  });
});

describe('fingerprints of writes through Patchbay', () => {
  it('records one row per secret written, replaces them on a replace and drops them on a delete; never a value', async () => {
    const slug = 'custody-fp';
    const id = csId('cs', slug);
    const connection = await createOpsGenie(slug);
    const rows = await rig.h.store.listFingerprints([id]);
    // Keyed by the fields the connection's hints name.
    const setFields = (connection['secrets'] as { field: string; isSet: boolean }[]).filter((hint) => hint.isSet).map((hint) => hint.field);
    expect(rows.map((row) => row.field)).toEqual(['apiKey', 'httpConfig.basicAuth.password']);
    expect(setFields.sort()).toEqual(['apiKey', 'httpConfig.basicAuth.password']);
    expect(rows.every((row) => row.account === 'cs' && row.vendor === 'chronosphere' && row.service === 'OPSGENIE')).toBe(true);
    const keyPrint = rows.find((row) => row.field === 'apiKey')?.fingerprint;

    // A replace carrying another key and no basic auth: the key's row changes, the password's goes (a full replace).
    const updated = field(await rig.h.gql(UPDATE, { input: { account: 'cs', slug, name: 'Opsgenie (custody)', target: opsGenie(NEW_KEY) } }), 'updateChronosphereExternalConnection');
    expect(updated['__typename']).toBe('ChronosphereExternalConnectionPayload');
    const afterUpdate = await rig.h.store.listFingerprints([id]);
    expect(afterUpdate.map((row) => row.field)).toEqual(['apiKey']);
    expect(afterUpdate[0]?.fingerprint).not.toBe(keyPrint);

    const removed = field(await rig.h.gql(DELETE, { input: { id } }), 'deleteChronosphereExternalConnection');
    expect(removed['__typename']).toBe('ChronosphereExternalConnectionDeletedPayload');
    expect(await rig.h.store.listFingerprints([id])).toEqual([]);
    await expectNoCanaryStored();
  });
});

describe('custody.rotate and requiredWith', () => {
  it('refuses to rotate only the API key of an Opsgenie connection that also holds a basic-auth password, sending nothing', async () => {
    const slug = 'custody-refuse';
    await createOpsGenie(slug);
    const before = rig.sim.stored(slug);
    const writesFrom = rig.sim.writes().length;
    const { context, entry } = requestContext();
    const current = await chronosphereRuntime.read(context, entry, { account: 'cs', slug });
    expect(chronosphereRuntime.custody.requiredWith(current, 'apiKey')).toEqual(['httpConfig.basicAuth.password']);
    expect(chronosphereRuntime.custody.requiredWith(current, 'httpConfig.basicAuth.password')).toEqual(['apiKey']);

    const refused = await chronosphereRuntime.custody.rotate(context, entry, { account: 'cs', slug }, current, 'apiKey', NEW_KEY, new Map()).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(SecretsRequiredError);
    expect((refused as SecretsRequiredError).fields).toEqual(['httpConfig.basicAuth.password']);
    expect((refused as SecretsRequiredError).message).not.toContain(NEW_KEY);
    // Nothing was sent, nothing unset.
    expect(rig.sim.writes().slice(writesFrom)).toEqual([]);
    expect(rig.sim.stored(slug)).toEqual(before);
  });

  it('rotates the API key with the password supplied: one PUT of the whole connection, everything else as it was', async () => {
    const slug = 'custody-rotate';
    await createOpsGenie(slug);
    const before = rig.sim.stored(slug);
    const writesFrom = rig.sim.writes().length;
    const { context, entry } = requestContext();
    const current = await chronosphereRuntime.read(context, entry, { account: 'cs', slug });

    const rotated = await chronosphereRuntime.custody.rotate(context, entry, { account: 'cs', slug }, current, 'apiKey', NEW_KEY, new Map([['httpConfig.basicAuth.password', PASSWORD]]));

    expect(rig.sim.writes().slice(writesFrom)).toEqual([{ method: 'PUT', path: `/api/v1/config/external-connections/${slug}`, dryRun: false }]);
    const after = rig.sim.stored(slug);
    expect(after?.config).toEqual({
      api_key: NEW_KEY,
      api_url: 'https://api.opsgenie.com',
      http_config: { basic_auth: { username: 'alerts', password: PASSWORD }, tls_config: { insecure_skip_verify: true } },
    });
    expect({ ...after, config: undefined, updatedAt: undefined }).toEqual({ ...before, config: undefined, updatedAt: undefined });
    expect(occurrences(NEW_KEY)).toBe(1);
    expect(occurrences(API_KEY)).toBe(0);
    expect(rig.sim.redactedPlaceholderWrites()).toBe(0);
    // Chronosphere shows secrets only as set (`**REDACTED**`, no tail): the hints say set.
    expect(rotated.secrets).toEqual([
      { field: 'apiKey', isSet: true, lastFour: null },
      { field: 'httpConfig.basicAuth.password', isSet: true, lastFour: null },
      { field: 'httpConfig.bearerToken', isSet: false, lastFour: null },
    ]);
    // The request's loaders hold the new connection: a read after it sends nothing.
    const from = rig.sim.server.requests.length;
    expect(await chronosphereRuntime.read(context, entry, { account: 'cs', slug })).toBe(rotated);
    expect(rig.sim.server.requests.length).toBe(from);
    // Read back through Patchbay: set, same name and non-secret fields.
    const read = field(await rig.h.gql(READ, { id: csId('cs', slug) }), 'connection');
    expect(read).toMatchObject({
      name: 'Opsgenie (custody)',
      target: {
        apiKey: { isSet: true, lastFour: null },
        apiUrl: 'https://api.opsgenie.com',
        httpConfig: { basicAuth: { username: 'alerts', password: { isSet: true } }, tlsConfig: { insecureSkipVerify: true } },
      },
    });
    await expectNoCanaryStored();
  });

  it('rotates a connection with one secret without asking for others', async () => {
    const slug = 'custody-single';
    field(await rig.h.gql(CREATE, { input: { account: 'cs', slug, name: 'PD', target: { pagerduty: { events: { apiKey: API_KEY, version: 'V1' } } } } }), 'createChronosphereExternalConnection');
    const { context, entry } = requestContext();
    const current = await chronosphereRuntime.read(context, entry, { account: 'cs', slug });
    expect(chronosphereRuntime.custody.requiredWith(current, 'events.apiKey')).toEqual([]);
    await chronosphereRuntime.custody.rotate(context, entry, { account: 'cs', slug }, current, 'events.apiKey', NEW_KEY, new Map());
    expect(rig.sim.stored(slug)?.config).toEqual({ events: { api_key: NEW_KEY, version: 'PAGERDUTY_EVENTS_VERSION_V1' } });
  });

  it('refuses a field the connection does not have, before any write', async () => {
    const slug = 'custody-foreign';
    await createOpsGenie(slug);
    const writesFrom = rig.sim.writes().length;
    const { context, entry } = requestContext();
    const current = await chronosphereRuntime.read(context, entry, { account: 'cs', slug });
    await expect(
      chronosphereRuntime.custody.rotate(context, entry, { account: 'cs', slug }, current, 'events.apiKey', NEW_KEY, new Map([['httpConfig.basicAuth.password', PASSWORD]])),
    ).rejects.toMatchObject({ name: 'InputValidationError' });
    expect(rig.sim.writes().slice(writesFrom)).toEqual([]);
  });
});
