import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapConnection } from '../../src/vendors/datadog/map.js';
import { parseDatadogTime } from '../../src/vendors/datadog/time.js';
import { connectionResponse } from '../../src/vendors/datadog/wire.js';
import { CREATE, GET, READ_ERROR, TRACK, UPDATE, at, createAtSimulator, field, startDatadogEnv, text, unique, type DatadogEnv } from './support.js';

/*
 * Issue 10, point 3: the fields Datadog really sends beyond its spec (CONTRACT.md, "Fields beyond
 * the spec"): `created_at` and `last_updated` in Go's time format (RFC 3339 read as well),
 * `relationships.created_by` and `acting_user_can_resolve`, mapped to `createdAt`, `updatedAt`,
 * `createdByUserId` and `actingUserCanResolve`.
 */

const ACCOUNT = { key: 'dd-record', vendor: 'datadog' as const, displayName: 'dd-record', baseUrl: 'http://127.0.0.1:1' };

/** A GET answer as Datadog's Go client recorded it (api.datadoghq.com, 2025-03-26): the spec's fields plus the four it does not declare. */
function recordedGet(attributes: Record<string, unknown> = {}, relationships: unknown = { created_by: { data: { id: '3ad549bf-eba0-11e9-a77a-0705486660d0', type: 'created_by' } } }) {
  return {
    data: {
      id: 'cb460d51-3c88-4e87-adac-d47131d0423d',
      type: 'action_connection',
      attributes: {
        acting_user_can_resolve: false,
        created_at: '2024-12-11 20:32:27.173761 +0000 UTC',
        integration: {
          credentials: { account_id: '123456789123', external_id: '909b33b1242748cfbef42f20011e2fa0', principal_id: '464622532012', role: 'MyRoleUpdated', type: 'AWSAssumeRole' },
          type: 'AWS',
        },
        last_updated: '2025-03-26 20:05:11.015518 +0000 UTC',
        name: 'Cassette Connection',
        ...attributes,
      },
      ...(relationships === undefined ? {} : { relationships }),
    },
  };
}

describe('parseDatadogTime', () => {
  it.each([
    ['Go, microseconds (recorded)', '2024-12-11 20:32:27.173761 +0000 UTC', '2024-12-11T20:32:27.173Z'],
    ['Go, trailing zeros trimmed (recorded)', '2025-03-26 20:25:02.21144 +0000 UTC', '2025-03-26T20:25:02.211Z'],
    ['Go, no fraction', '2025-03-26 20:25:02 +0000 UTC', '2025-03-26T20:25:02.000Z'],
    ['Go, another zone', '2025-03-26 22:25:02.5 +0200 CEST', '2025-03-26T20:25:02.500Z'],
    ['Go, monotonic clock suffix', '2025-03-26 20:25:02.123456789 +0000 UTC m=+0.000123456', '2025-03-26T20:25:02.123Z'],
    ['RFC 3339, Z', '2024-12-11T20:32:27.173761Z', '2024-12-11T20:32:27.173Z'],
    ['RFC 3339, offset', '2024-12-11T21:32:27+01:00', '2024-12-11T20:32:27.000Z'],
    ['RFC 3339, one digit', '2024-12-11T20:32:27.1Z', '2024-12-11T20:32:27.100Z'],
  ])('reads %s', (_label, raw, iso) => {
    expect(parseDatadogTime(raw)?.toISOString()).toBe(iso);
  });

  it.each([
    ['words', 'yesterday'],
    ['empty', ''],
    ['epoch seconds', '1733949147'],
    ['a date alone', '2024-12-11'],
    ['no offset', '2024-12-11 20:32:27.173761 UTC'],
    ['an impossible day', '2025-02-30 10:00:00 +0000 UTC'],
    ['an impossible hour', '2025-03-26 24:00:00 +0000 UTC'],
    ['RFC 3339 without a zone', '2024-12-11T20:32:27'],
  ])('refuses %s', (_label, raw) => {
    expect(parseDatadogTime(raw)).toBeNull();
  });
});

describe('wire and map', () => {
  it('maps the recorded GET: times, creator and resolve flag', () => {
    const parsed = connectionResponse.parse(recordedGet());
    expect(mapConnection(ACCOUNT, parsed.data)).toMatchObject({
      connectionId: 'cb460d51-3c88-4e87-adac-d47131d0423d',
      name: 'Cassette Connection',
      createdAt: new Date('2024-12-11T20:32:27.173Z'),
      updatedAt: new Date('2025-03-26T20:05:11.015Z'),
      createdByUserId: '3ad549bf-eba0-11e9-a77a-0705486660d0',
      actingUserCanResolve: false,
    });
  });

  it('reads RFC 3339 times and a JSON:API `users` relationship as well', () => {
    const parsed = connectionResponse.parse(
      recordedGet({ created_at: '2024-12-11T20:32:27.173Z', last_updated: '2025-03-26T22:05:11+02:00', acting_user_can_resolve: true }, { created_by: { data: { id: 'u-1', type: 'users' } } }),
    );
    expect(mapConnection(ACCOUNT, parsed.data)).toMatchObject({
      createdAt: new Date('2024-12-11T20:32:27.173Z'),
      updatedAt: new Date('2025-03-26T20:05:11.000Z'),
      createdByUserId: 'u-1',
      actingUserCanResolve: true,
    });
  });

  const ABSENT = { createdAt: null, updatedAt: null, createdByUserId: null, actingUserCanResolve: null };
  const { integration } = recordedGet().data.attributes;
  it.each([
    ['left out (as in the create answer)', { data: { id: 'c1', type: 'action_connection', attributes: { name: 'x', integration } } }, ABSENT],
    ['null', recordedGet({ created_at: null, last_updated: null, acting_user_can_resolve: null }, null), ABSENT],
    ['a null creator', recordedGet({}, { created_by: null }), { createdByUserId: null, actingUserCanResolve: false }],
    ['a creator without data', recordedGet({}, { created_by: { data: null } }), { createdByUserId: null, createdAt: new Date('2024-12-11T20:32:27.173Z') }],
  ])('reads fields %s as absent', (_label, body, expected) => {
    expect(mapConnection(ACCOUNT, connectionResponse.parse(body).data)).toMatchObject(expected);
  });

  it('a present time that is no time breaks the contract of that answer, by path', () => {
    const parsed = connectionResponse.safeParse(recordedGet({ created_at: 'last tuesday' }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([['data.attributes.created_at', 'custom']]);
    const wrongType = connectionResponse.safeParse(recordedGet({ acting_user_can_resolve: 'yes' }));
    expect(wrongType.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['data.attributes.acting_user_can_resolve']);
  });
});

describe('through GraphQL, against the simulator', () => {
  const USER = '5d0c7a3e-2b1f-4c8d-9e6a-7f4b3c2d1e0a';
  let clock = new Date('2025-06-13T18:04:07.440Z');
  let env: DatadogEnv;
  const RECORD = `{ __typename ... on DatadogActionConnection { connectionId createdAt updatedAt createdByUserId actingUserCanResolve } ${READ_ERROR} }`;

  beforeAll(async () => {
    env = await startDatadogEnv({ accounts: ['dd-record'], simulator: { now: () => clock, userId: USER } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a connection made outside Patchbay shows when and by whom it was made; an update moves updatedAt only', async () => {
    clock = new Date('2025-06-13T18:04:07.440Z');
    const connectionId = await createAtSimulator(env.sim, unique('Record Okta'), { type: 'Okta', credentials: { type: 'OktaAPIToken', domain: 'acme.okta.com', api_token: unique('okta') } });
    const tracked = field(await env.gql(TRACK, { account: 'dd-record', connectionId }));
    expect(at(tracked, 'connection')).toMatchObject({
      connectionId,
      createdAt: '2025-06-13T18:04:07.440Z',
      updatedAt: '2025-06-13T18:04:07.440Z',
      createdByUserId: USER,
      actingUserCanResolve: false,
    });
    const id = text(at(tracked, 'connection', 'id'));

    clock = new Date('2025-06-14T09:00:00.000Z');
    const updated = field(await env.gql(UPDATE, { input: { id, name: unique('Record Okta renamed') } }));
    expect(at(updated, 'connection')).toMatchObject({ createdAt: '2025-06-13T18:04:07.440Z', updatedAt: '2025-06-14T09:00:00.000Z', createdByUserId: USER });
    const read = field(await env.gql(`query($id: ID!) { result: connection(id: $id) ${RECORD} }`, { id }));
    expect(read).toEqual({
      __typename: 'DatadogActionConnection',
      connectionId,
      createdAt: '2025-06-13T18:04:07.440Z',
      updatedAt: '2025-06-14T09:00:00.000Z',
      createdByUserId: USER,
      actingUserCanResolve: false,
    });
  });

  it("a create's payload has no times (Datadog's create answer carries none); the next read has them", async () => {
    clock = new Date('2025-07-01T12:30:00.000Z');
    const created = field(await env.gql(CREATE, { input: { account: 'dd-record', name: unique('Record Gemini'), integration: { gemini: { apiKey: unique('gemini') } } } }));
    expect(at(created, 'connection')).toMatchObject({ createdAt: null, updatedAt: null, createdByUserId: null, actingUserCanResolve: null });
    const read = field(await env.gql(GET, { id: text(at(created, 'connection', 'id')) }));
    expect(read).toMatchObject({ createdAt: '2025-07-01T12:30:00.000Z', updatedAt: '2025-07-01T12:30:00.000Z', createdByUserId: USER, actingUserCanResolve: false });
  });

  it('reads an RFC 3339 time the same way through GraphQL', async () => {
    const connectionId = await createAtSimulator(env.sim, unique('Record RFC'), { type: 'Gemini', credentials: { type: 'GeminiAPIKey', api_key: unique('gemini') } });
    env.sim.malformConnection(connectionId, { created_at: '2025-01-02T03:04:05.678+01:00', last_updated: null });
    const tracked = field(await env.gql(TRACK, { account: 'dd-record', connectionId }));
    expect(at(tracked, 'connection')).toMatchObject({ createdAt: '2025-01-02T02:04:05.678Z', updatedAt: null, createdByUserId: USER });
    env.sim.clearMalformedConnections();
  });
});
