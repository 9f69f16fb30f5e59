import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATADOG_SEED_APP_KEY_IDS, DATADOG_SEED_USER_ID } from '../../src/simulators/datadog/seed.js';
import { DRY_RUN_MUTATIONS } from './dry-run.cases.js';
import { CREATE, ERROR, MISSING_UUID, at, connectionGid, createAtSimulator, field, requestsOf, startDatadogEnv, text, unique, type DatadogEnv } from './support.js';

/*
 * `dryRun: true` on every Datadog mutation (issue 14): the answer is a `WritePreview`, the
 * simulator sees no request but GETs and its state (and Patchbay's store) does not change, the
 * change list is exactly the expected one, and a secret sent again with the value written through
 * Patchbay is `UNCHANGED` (another value `CHANGED`). Datadog has no validate-only mode, so no
 * preview is vendor-validated. A canary carried by every secret appears in no answer and no log line.
 */

const ACCOUNT = 'dd-dry';
const CANARY = `canary${randomBytes(8).toString('hex')}`;

function secret(label: string): string {
  return `${CANARY}-${label}-${randomBytes(6).toString('hex')}`;
}

const TOKEN = secret('token');
const HEADER = secret('header');
const OPENAI = secret('openai');

const PREVIEW = `... on WritePreview { operation account targetId vendorValidated notes
  current { __typename ... on DatadogActionConnection { id name } }
  before { path value secret isSet } after { path value secret isSet }
  changes { path kind secret before after } }`;

function document(mutation: string, inputType: string): string {
  return `mutation Preview($input: ${inputType}!) { result: ${mutation}(input: $input) { __typename ${PREVIEW} ${ERROR} } }`;
}

const DOCS: Readonly<Record<string, string>> = {
  createDatadogActionConnection: document('createDatadogActionConnection', 'CreateDatadogActionConnectionInput'),
  updateDatadogActionConnection: document('updateDatadogActionConnection', 'UpdateDatadogActionConnectionInput'),
  deleteDatadogActionConnection: document('deleteDatadogActionConnection', 'DatadogActionConnectionIdInput'),
  trackDatadogActionConnection: document('trackDatadogActionConnection', 'TrackDatadogActionConnectionInput'),
  untrackDatadogActionConnection: document('untrackDatadogActionConnection', 'DatadogActionConnectionIdInput'),
  registerDatadogAppKey: document('registerDatadogAppKey', 'DatadogAppKeyInput'),
  unregisterDatadogAppKey: document('unregisterDatadogAppKey', 'DatadogAppKeyInput'),
};

interface Change {
  readonly path: string;
  readonly kind: string;
  readonly secret: boolean;
  readonly before: string | null;
  readonly after: string | null;
}

const plain = (path: string, kind: string, before: unknown, after: unknown): Change => ({
  path,
  kind,
  secret: false,
  before: before === null ? null : JSON.stringify(before),
  after: after === null ? null : JSON.stringify(after),
});
const hidden = (path: string, kind: string): Change => ({ path, kind, secret: true, before: null, after: null });

/** The fixtures the rows work on, made in `beforeAll`. */
interface Fixtures {
  /** An HTTP connection written through Patchbay: token `apiKey` = TOKEN, header `X-Api-Key` = HEADER. */
  readonly http: { readonly gid: string; readonly name: string };
  /** An OpenAI connection written through Patchbay with `apiToken` = OPENAI. */
  readonly openAi: { readonly gid: string; readonly name: string };
  /** A connection made at Datadog, not tracked. */
  readonly outside: { readonly connectionId: string; readonly gid: string };
  readonly unregisteredKey: string;
}

interface Row {
  readonly mutation: string;
  readonly label: string;
  readonly input: (f: Fixtures) => Record<string, unknown>;
  /** The expected answer: a preview's exact change list, or a typed error. */
  readonly expect: { readonly changes: (f: Fixtures) => readonly Change[]; readonly targetId?: (f: Fixtures) => string | null } | { readonly error: string };
}

const ROWS: readonly Row[] = [
  {
    mutation: 'createDatadogActionConnection',
    label: 'a new OpenAI connection: every field added, its key SET',
    input: () => ({ account: ACCOUNT, name: 'Dry new', tags: ['env:prod'], integration: { openAi: { apiToken: secret('new') } } }),
    expect: {
      targetId: () => null,
      changes: () => [
        plain('integration.credentialType', 'ADDED', null, 'OpenAIAPIKey'),
        plain('integration.type', 'ADDED', null, 'OpenAI'),
        plain('integration.typeName', 'ADDED', null, 'DatadogOpenAiIntegration'),
        plain('kind', 'ADDED', null, 'datadog'),
        plain('name', 'ADDED', null, 'Dry new'),
        plain('service', 'ADDED', null, 'OPENAI'),
        plain('tags.0', 'ADDED', null, 'env:prod'),
        hidden('apiToken', 'SET'),
      ],
    },
  },
  {
    mutation: 'createDatadogActionConnection',
    label: 'bad input answers InputValidationError, as the write would',
    input: () => ({ account: ACCOUNT, name: 'Dry bad', tags: ['no-colon'], integration: { openAi: { apiToken: secret('bad') } } }),
    expect: { error: 'InputValidationError' },
  },
  {
    mutation: 'updateDatadogActionConnection',
    label: 'a new name and tags',
    input: (f) => ({ id: f.http.gid, name: 'Dry renamed', tags: ['team:other'] }),
    expect: { targetId: (f) => f.http.gid, changes: (f) => [plain('name', 'CHANGED', f.http.name, 'Dry renamed'), plain('tags.0', 'CHANGED', 'team:dry', 'team:other')] },
  },
  {
    mutation: 'updateDatadogActionConnection',
    label: 'the HTTP token sent again with the value written through Patchbay is UNCHANGED',
    input: (f) => ({ id: f.http.gid, integration: { http: { tokens: [{ name: 'apiKey', value: TOKEN }] } } }),
    expect: { changes: () => [hidden('tokens.apiKey', 'UNCHANGED')] },
  },
  {
    mutation: 'updateDatadogActionConnection',
    label: 'the HTTP token with another value is CHANGED',
    input: (f) => ({ id: f.http.gid, integration: { http: { tokens: [{ name: 'apiKey', value: secret('other') }] } } }),
    expect: { changes: () => [hidden('tokens.apiKey', 'CHANGED')] },
  },
  {
    mutation: 'updateDatadogActionConnection',
    label: 'the header (echoed by Datadog, with a tail) sent again is UNCHANGED; a new header is SET',
    input: (f) => ({
      id: f.http.gid,
      integration: {
        http: {
          headers: [
            { name: 'X-Api-Key', value: HEADER },
            { name: 'X-Extra', value: secret('extra') },
          ],
        },
      },
    }),
    expect: { changes: () => [plain('integration.http.headers.1.name', 'ADDED', null, 'X-Extra'), hidden('headers.X-Api-Key', 'UNCHANGED'), hidden('headers.X-Extra', 'SET')] },
  },
  {
    mutation: 'updateDatadogActionConnection',
    label: 'a deleted header is UNSET',
    input: (f) => ({ id: f.http.gid, integration: { http: { headers: [{ name: 'X-Api-Key', deleted: true }] } } }),
    // The list left empty shows as `[]`, where before it had an item (flatten's way with empty lists).
    expect: { changes: () => [plain('integration.http.headers', 'ADDED', null, []), plain('integration.http.headers.0.name', 'REMOVED', 'X-Api-Key', null), hidden('headers.X-Api-Key', 'UNSET')] },
  },
  {
    mutation: 'updateDatadogActionConnection',
    label: 'a catalogue secret sent again is UNCHANGED, another CHANGED',
    input: (f) => ({ id: f.openAi.gid, integration: { openAi: { apiToken: OPENAI } } }),
    expect: { changes: () => [hidden('apiToken', 'UNCHANGED')] },
  },
  {
    mutation: 'updateDatadogActionConnection',
    label: 'a catalogue secret with another value is CHANGED',
    input: (f) => ({ id: f.openAi.gid, integration: { openAi: { apiToken: secret('rotated') } } }),
    expect: { changes: () => [hidden('apiToken', 'CHANGED')] },
  },
  {
    mutation: 'updateDatadogActionConnection',
    label: 'a connection Datadog does not have answers NotFoundError',
    input: () => ({ id: connectionGid(ACCOUNT, MISSING_UUID), name: 'Dry missing' }),
    expect: { error: 'NotFoundError' },
  },
  {
    mutation: 'deleteDatadogActionConnection',
    label: 'every field removed, the secret UNSET',
    input: (f) => ({ id: f.openAi.gid }),
    expect: {
      targetId: (f) => f.openAi.gid,
      changes: (f) => [
        plain('actingUserCanResolve', 'REMOVED', false, null),
        plain('connectionId', 'REMOVED', at(f, 'openAi', 'connectionId'), null),
        plain('createdByUserId', 'REMOVED', DATADOG_SEED_USER_ID, null),
        plain('integration.credentialType', 'REMOVED', 'OpenAIAPIKey', null),
        plain('integration.type', 'REMOVED', 'OpenAI', null),
        plain('integration.typeName', 'REMOVED', 'DatadogOpenAiIntegration', null),
        plain('kind', 'REMOVED', 'datadog', null),
        plain('name', 'REMOVED', f.openAi.name, null),
        plain('service', 'REMOVED', 'OPENAI', null),
        plain('tags', 'REMOVED', [], null),
        hidden('apiToken', 'UNSET'),
      ],
    },
  },
  {
    mutation: 'trackDatadogActionConnection',
    label: 'a connection made at Datadog becomes tracked',
    input: (f) => ({ account: ACCOUNT, connectionId: f.outside.connectionId }),
    expect: { targetId: (f) => f.outside.gid, changes: () => [plain('tracked', 'CHANGED', false, true)] },
  },
  {
    mutation: 'untrackDatadogActionConnection',
    label: 'a tracked connection is no longer tracked',
    input: (f) => ({ id: f.http.gid }),
    expect: { targetId: (f) => f.http.gid, changes: () => [plain('tracked', 'CHANGED', true, false)] },
  },
  {
    mutation: 'untrackDatadogActionConnection',
    label: 'an untracked connection answers NotFoundError, as the write would',
    input: (f) => ({ id: f.outside.gid }),
    expect: { error: 'NotFoundError' },
  },
  {
    mutation: 'registerDatadogAppKey',
    label: 'a key not registered yet',
    input: (f) => ({ account: ACCOUNT, appKeyId: f.unregisteredKey }),
    expect: { targetId: (f) => f.unregisteredKey, changes: (f) => [plain('appKeyId', 'ADDED', null, f.unregisteredKey), plain('type', 'ADDED', null, 'app_key_registration')] },
  },
  {
    mutation: 'registerDatadogAppKey',
    label: 'a key registered already: nothing changes',
    input: () => ({ account: ACCOUNT, appKeyId: DATADOG_SEED_APP_KEY_IDS[0] }),
    expect: { changes: () => [] },
  },
  {
    mutation: 'unregisterDatadogAppKey',
    label: 'a registered key',
    input: () => ({ account: ACCOUNT, appKeyId: DATADOG_SEED_APP_KEY_IDS[0] }),
    expect: { changes: () => [plain('appKeyId', 'REMOVED', DATADOG_SEED_APP_KEY_IDS[0], null), plain('type', 'REMOVED', 'app_key_registration', null)] },
  },
  {
    mutation: 'unregisterDatadogAppKey',
    label: 'a key that is not registered answers NotFoundError, as the write would',
    input: (f) => ({ account: ACCOUNT, appKeyId: f.unregisteredKey }),
    expect: { error: 'NotFoundError' },
  },
];

let env: DatadogEnv;
let fixtures: Fixtures & { readonly openAi: { readonly connectionId: string } };

/** Everything a preview must leave as it is: the simulator's state and Patchbay's store. */
async function state() {
  const connections = env.sim.connectionIds().map((id) => env.sim.storedConnection(id));
  return {
    connections,
    appKeys: env.sim.appKeyRegistrationIds(),
    tracked: (await env.h.store.listTrackedDatadogConnections(ACCOUNT)).map((row) => row.connectionId).sort(),
    fingerprints: (await env.h.store.listFingerprints()).map((row) => [row.connectionId, row.field, row.fingerprint, row.lastFour]),
  };
}

beforeAll(async () => {
  env = await startDatadogEnv({ accounts: [ACCOUNT] });
  const httpName = unique('Dry HTTP');
  const http = field(
    await env.gql(CREATE, {
      input: {
        account: ACCOUNT,
        name: httpName,
        tags: ['team:dry'],
        integration: { http: { baseUrl: 'https://dry.example.com', tokens: [{ name: 'apiKey', value: TOKEN }], headers: [{ name: 'X-Api-Key', value: HEADER }] } },
      },
    }),
  );
  const openAiName = unique('Dry OpenAI');
  const openAi = field(await env.gql(CREATE, { input: { account: ACCOUNT, name: openAiName, integration: { openAi: { apiToken: OPENAI } } } }));
  const outside = await createAtSimulator(env.sim, unique('Dry outside'), { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: secret('outside') } });
  fixtures = {
    http: { gid: text(at(http, 'connection', 'id')), name: httpName },
    openAi: { gid: text(at(openAi, 'connection', 'id')), name: openAiName, connectionId: text(at(openAi, 'connection', 'connectionId')) },
    outside: { connectionId: outside, gid: connectionGid(ACCOUNT, outside) },
    unregisteredKey: randomUUID(),
  };
});

afterAll(async () => {
  await env?.close();
  expect(env.h.logger.lines.join('\n').includes(CANARY), 'the canary in the log lines').toBe(false);
});

beforeEach(() => {
  env.sim.server.clearRequests();
});

describe('dryRun on every Datadog mutation', () => {
  it('the rows cover every Datadog mutation of the schema, and nothing else', () => {
    const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {}).filter((name) => /Datadog/.test(name));
    expect([...mutations].sort()).toEqual([...DRY_RUN_MUTATIONS].sort());
    expect([...new Set(ROWS.map((row) => row.mutation))].sort()).toEqual([...DRY_RUN_MUTATIONS].sort());
  });

  it.each(ROWS.map((row) => [`${row.mutation}: ${row.label}`, row] as const))('%s', async (_, row) => {
    const before = await state();
    const response = await env.gql(DOCS[row.mutation] as string, { input: { ...row.input(fixtures), dryRun: true } });
    expect(response.raw.includes(CANARY), 'the canary in the answer').toBe(false);
    const result = field(response);
    expect(requestsOf(env.sim).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(await state()).toEqual(before);
    if ('error' in row.expect) {
      expect(result['__typename']).toBe(row.expect.error);
      return;
    }
    expect(result['__typename'], JSON.stringify(result)).toBe('WritePreview');
    expect(result['operation']).toBe(row.mutation);
    expect(result['account']).toBe(ACCOUNT);
    expect(result['vendorValidated']).toBe(false);
    expect(result['changes']).toEqual(row.expect.changes(fixtures));
    if (row.expect.targetId) expect(result['targetId']).toBe(row.expect.targetId(fixtures));
  });

  it('a preview is audited as PREVIEWED, with no secret in the row', async () => {
    const rows = await env.h.store.listAudit({ limit: 100 });
    expect(rows.some((row) => row.outcome === 'PREVIEWED' && row.operation === 'updateDatadogActionConnection')).toBe(true);
    expect(JSON.stringify(rows).includes(CANARY)).toBe(false);
  });
});
