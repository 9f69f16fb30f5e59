import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isObjectType, isUnionType } from 'graphql';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/core/auth/api-keys.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { DATADOG_SEED_CONNECTION_IDS } from '../../src/simulators/datadog/seed.js';
import { buildSchema } from '../../src/server/schema.js';
import { CHRONO, DD_PROD, DD_STAGE, startAuthRig, writesTo, type AuthGateway, type AuthRig } from './support.js';

const ISSUER = 'https://idp.patchbay.test/';

/** One key per caller of the test, with its rights. */
const CALLERS = {
  reader: { scopes: ['connections:read'] },
  writer: { scopes: ['connections:write'] },
  writer2: { scopes: ['connections:write'] },
  stageWriter: { scopes: ['connections:write'], accounts: [DD_STAGE] },
  ddWriter: { scopes: ['connections:write'], accounts: ['dd-*'] },
  chronoReader: { scopes: ['connections:read'], accounts: ['chronosphere'] },
  auditor: { scopes: ['audit:read'] },
  stageRotator: { scopes: ['secrets:rotate'], accounts: [DD_STAGE] },
  prodAuditor: { scopes: ['audit:read'], accounts: [DD_PROD] },
} as const;
type Caller = keyof typeof CALLERS;
const KEYS = Object.fromEntries(Object.keys(CALLERS).map((name) => [name, generateApiKey()])) as Record<Caller, string>;

const CREATE_DD = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) {
  __typename
  ... on ForbiddenError { message requiredScope account }
  ... on DatadogActionConnectionPayload { connection { id } }
} }`;
const DELETE_DD = `mutation($id: ID!) { deleteDatadogActionConnection(input: { id: $id }) { __typename ... on ForbiddenError { requiredScope account } } }`;
const CREATE_CHRONO = `mutation($input: CreateChronosphereExternalConnectionInput!) { createChronosphereExternalConnection(input: $input) { __typename ... on ForbiddenError { requiredScope account } } }`;
const AUDIT_LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) { auditLog(filter: $filter, first: $first, after: $after) {
  __typename
  ... on ForbiddenError { requiredScope }
  ... on InputValidationError { fieldErrors { path message } }
  ... on AuditLogPage { nodes { id caller operation account outcome } pageInfo { hasNextPage hasPreviousPage endCursor } }
} }`;

const SEED_DD_ID = encodeGlobalId('DatadogActionConnection', innerId(DD_PROD, DATADOG_SEED_CONNECTION_IDS.awsProduction));

let rig: AuthRig;
let gateway: AuthGateway;
let jwtKey: CryptoKey;

function ddInput(account: string, name: string, extra: Record<string, unknown> = {}) {
  return { input: { account, name, integration: { openAi: { apiToken: 'sk-rights-0123456789abcdef' } }, ...extra } };
}

async function as(caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const answer = await gateway.gql(query, variables, KEYS[caller]);
  expect(answer.status).toBe(200);
  expect(answer.json.errors).toBeUndefined();
  return answer.json.data ?? {};
}

async function jwt(subject: string, scope: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ scope, ...claims }).setProtectedHeader({ alg: 'ES256' }).setIssuer(ISSUER).setAudience('patchbay').setSubject(subject).setExpirationTime('5m').sign(jwtKey);
}

beforeAll(async () => {
  rig = await startAuthRig();
  const pair = await generateKeyPair('ES256');
  jwtKey = pair.privateKey;
  gateway = rig.gateway({
    apiKeys: Object.entries(CALLERS).map(([name, rights]) => ({ name, key: KEYS[name as Caller], ...rights })),
    jwt: { issuer: ISSUER, audience: 'patchbay', publicKeys: [await exportSPKI(pair.publicKey)], accountsClaim: 'patchbay_accounts' },
  });
});
afterAll(async () => {
  await rig.close();
});

describe('rotating a secret needs secrets:rotate on the account', () => {
  const ROTATE = `mutation($input: RotateSecretInput!) { rotateSecret(input: $input) {
    __typename
    ... on ForbiddenError { requiredScope account }
    ... on SecretRotation { targets { state error { __typename ... on ForbiddenError { requiredScope account } } } }
  } }`;
  const input = { input: { targets: [{ connectionId: SEED_DD_ID, field: 'apiToken' }], newValue: 'rotate-rights-canary-0123' } };

  it('a reader gets ForbiddenError; a rotator of another account finds no such connection; neither reaches the vendor, and a rotator cannot write anything else', async () => {
    rig.dd.server.clearRequests();
    expect((await as('reader', ROTATE, input))['rotateSecret']).toEqual({ __typename: 'ForbiddenError', requiredScope: 'secrets:rotate', account: null });
    expect((await as('stageRotator', ROTATE, input))['rotateSecret']).toEqual({
      __typename: 'SecretRotation',
      // An account the caller may not read is one it cannot see: its ids answer like unknown ids.
      targets: [{ state: 'FAILED', error: { __typename: 'NotFoundError' } }],
    });
    expect((await as('stageRotator', CREATE_DD, ddInput(DD_STAGE, 'rotators do not create')))['createDatadogActionConnection']).toMatchObject({
      __typename: 'ForbiddenError',
      requiredScope: 'connections:write',
    });
    expect(rig.dd.server.requests).toEqual([]);
  });
});

describe('writes need connections:write on the account', () => {
  it('a caller without write rights gets ForbiddenError, and the vendor is never called', async () => {
    rig.dd.server.clearRequests();
    const created = await as('reader', CREATE_DD, ddInput(DD_PROD, 'refused'));
    expect(created['createDatadogActionConnection']).toEqual({
      __typename: 'ForbiddenError',
      message: expect.stringContaining('apikey:reader'),
      requiredScope: 'connections:write',
      account: DD_PROD,
    });
    const deleted = await as('reader', DELETE_DD, { id: SEED_DD_ID });
    expect(deleted['deleteDatadogActionConnection']).toEqual({ __typename: 'ForbiddenError', requiredScope: 'connections:write', account: DD_PROD });
    expect(rig.dd.server.requests).toEqual([]);
  });

  it('a caller whose write rights cover other accounts gets ForbiddenError there, with no vendor call, and writes where it may', async () => {
    rig.dd.server.clearRequests();
    rig.chrono.server.clearRequests();
    expect((await as('stageWriter', CREATE_DD, ddInput(DD_PROD, 'not here')))['createDatadogActionConnection']).toMatchObject({ __typename: 'ForbiddenError', account: DD_PROD });
    expect((await as('stageWriter', DELETE_DD, { id: SEED_DD_ID }))['deleteDatadogActionConnection']).toMatchObject({ __typename: 'ForbiddenError', account: DD_PROD });
    const chrono = await as('ddWriter', CREATE_CHRONO, { input: { account: CHRONO, name: 'nope', target: { sendgrid: { apiKey: 'SG.rights-canary' } } } });
    expect(chrono['createChronosphereExternalConnection']).toEqual({ __typename: 'ForbiddenError', requiredScope: 'connections:write', account: CHRONO });
    expect(rig.dd.server.requests).toEqual([]);
    expect(rig.chrono.server.requests).toEqual([]);

    const allowed = await as('stageWriter', CREATE_DD, ddInput(DD_STAGE, 'stage connection'));
    expect(allowed['createDatadogActionConnection']).toMatchObject({ __typename: 'DatadogActionConnectionPayload' });
    expect(writesTo(rig.dd)).toBe(1);
  });

  it('the audit log names the caller of every write, refused or not, API key or JWT', async () => {
    const token = await jwt('bob@example.com', 'connections:write', { patchbay_accounts: [DD_STAGE] });
    const answer = await gateway.gql(CREATE_DD, ddInput(DD_STAGE, 'by bob'), token);
    expect(answer.json.data?.['createDatadogActionConnection']).toMatchObject({ __typename: 'DatadogActionConnectionPayload' });
    const rows = await rig.store.listAudit({ operation: 'createDatadogActionConnection', limit: 1000 });
    expect(rows[0]).toMatchObject({ caller: 'jwt:bob@example.com', account: DD_STAGE, outcome: 'OK' });
    expect(rows).toContainEqual(expect.objectContaining({ caller: 'apikey:reader', account: DD_PROD, outcome: 'ForbiddenError' }));
    expect(rows).toContainEqual(expect.objectContaining({ caller: 'apikey:stageWriter', account: DD_STAGE, outcome: 'OK' }));
  });

  it('every mutation passes the one rights check: each result union has ForbiddenError, and each mutation runs inside audited', () => {
    const mutation = buildSchema().getMutationType();
    const fields = Object.values(mutation?.getFields() ?? {});
    expect(fields.length).toBeGreaterThan(20);
    for (const field of fields) {
      const type = field.type.toString().replace(/!$/, '');
      const union = buildSchema().getType(type);
      expect(isUnionType(union) ? union.getTypes().map((t) => t.name) : [], field.name).toContain('ForbiddenError');
    }
    const root = fileURLToPath(new URL('../../resolvers/', import.meta.url));
    const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
    const mutations = files(root).filter((file) => readFileSync(file, 'utf8').includes('mutationField('));
    expect(mutations.reduce((count, file) => count + (readFileSync(file, 'utf8').match(/mutationField\(/g)?.length ?? 0), 0)).toBe(fields.length);
    for (const file of mutations) {
      const text = readFileSync(file, 'utf8');
      expect(text.match(/\baudited\(/g)?.length ?? 0, file).toBe(text.match(/mutationField\(/g)?.length);
    }
  });
});

describe('reads show only the accounts a caller may read', () => {
  const chronoSlug = () => rig.chrono.slugs()[0] ?? '';

  it('accounts, connections, node, nodes and connection(id) leave the other accounts out, without failures', async () => {
    rig.dd.server.clearRequests();
    const chronoId = encodeGlobalId('ChronosphereExternalConnection', innerId(CHRONO, chronoSlug()));
    const data = await as(
      'chronoReader',
      `query($dd: ID!, $cs: ID!, $account: ID!) {
        accounts { key }
        connections(first: 100) { totalCount nodes { __typename ... on VendorConnection { account { key } } } failures { account { key } } }
        dd: node(id: $dd) { id }
        cs: node(id: $cs) { id }
        account: node(id: $account) { id }
        nodes(ids: [$dd, $cs]) { id }
        connection(id: $dd) { __typename ... on NotFoundError { resourceId } }
      }`,
      { dd: SEED_DD_ID, cs: chronoId, account: encodeGlobalId('VendorAccount', DD_PROD) },
    );
    expect(data['accounts']).toEqual([{ key: CHRONO }]);
    const connections = data['connections'] as { totalCount: number; nodes: { account: { key: string } }[]; failures: unknown[] };
    expect(connections.totalCount).toBeGreaterThan(0);
    expect(new Set(connections.nodes.map((node) => node.account.key))).toEqual(new Set([CHRONO]));
    expect(connections.failures).toEqual([]);
    expect(data['dd']).toBeNull();
    expect(data['cs']).toEqual({ id: chronoId });
    expect(data['account']).toBeNull();
    expect(data['nodes']).toEqual([null, { id: chronoId }]);
    // The same answer as for an id no account has.
    expect(data['connection']).toEqual({ __typename: 'NotFoundError', resourceId: SEED_DD_ID });
    expect(rig.dd.server.requests).toEqual([]);
  });

  it('a vendor-specific list of an account the caller may not read answers like an unknown account', async () => {
    const list = `{ datadogAppKeyRegistrations(account: "${DD_PROD}") { __typename ... on InputValidationError { message } } }`;
    const hidden = await as('chronoReader', list);
    const unknown = await as('chronoReader', list.replace(DD_PROD, 'no-such-account'));
    expect(hidden['datadogAppKeyRegistrations']).toEqual({ __typename: 'InputValidationError', message: expect.stringContaining(DD_PROD) });
    expect(JSON.stringify(hidden).replace(DD_PROD, 'x')).toBe(JSON.stringify(unknown).replace('no-such-account', 'x'));
    const visible = await as('reader', list);
    expect(visible['datadogAppKeyRegistrations']).toMatchObject({ __typename: 'DatadogAppKeyRegistrationPage' });
  });

  it('a JWT carries its accounts in the configured claim, and a caller with only audit:read sees no account', async () => {
    const token = await jwt('carol', 'connections:read', { patchbay_accounts: ['dd-*'] });
    const answer = await gateway.gql('{ accounts { key } }', {}, token);
    expect(answer.json.data?.['accounts']).toEqual([{ key: DD_PROD }, { key: DD_STAGE }]);
    // A token without the configured accounts claim covers no account (closed, not open).
    const unscoped = await gateway.gql('{ accounts { key } }', {}, await jwt('dave', 'admin'));
    expect(unscoped.json.data?.['accounts']).toEqual([]);
    expect((await as('auditor', '{ accounts { key } }'))['accounts']).toEqual([]);
  });
});

describe('idempotency keys are per caller', () => {
  it('the same key from two callers runs twice, once each; from one caller it replays', async () => {
    const posts = () => rig.dd.server.requests.filter((r) => r.method === 'POST').length;
    rig.dd.server.clearRequests();
    const variables = ddInput(DD_STAGE, 'idempotent per caller', { idempotencyKey: 'shared-key-1' });
    const first = await as('writer', CREATE_DD, variables);
    const second = await as('writer2', CREATE_DD, variables);
    expect(first['createDatadogActionConnection']).toMatchObject({ __typename: 'DatadogActionConnectionPayload' });
    expect(second['createDatadogActionConnection']).toMatchObject({ __typename: 'DatadogActionConnectionPayload' });
    expect(second).not.toEqual(first);
    expect(posts()).toBe(2);
    const replay = await as('writer', CREATE_DD, variables);
    expect(replay).toEqual(first);
    expect(posts()).toBe(2);
    const rows = await rig.store.listAudit({ callers: ['apikey:writer'], operations: ['createDatadogActionConnection'], limit: 2 });
    expect(rows.map((row) => row.outcome)).toEqual(['REPLAYED', 'OK']);
  });
});

describe('auditLog', () => {
  it('needs audit:read', async () => {
    expect((await as('writer', AUDIT_LOG))['auditLog']).toEqual({ __typename: 'ForbiddenError', requiredScope: 'audit:read' });
  });

  it('pages newest first with cursors, and filters by caller, operation, account and time', async () => {
    type Page = { nodes: { id: string; caller: string; operation: string; account: string | null }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string } };
    const page = async (variables: Record<string, unknown>, caller: Caller = 'auditor') => (await as(caller, AUDIT_LOG, variables))['auditLog'] as Page;
    const first = await page({ first: 2 });
    expect(first.nodes).toHaveLength(2);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await page({ first: 2, after: first.pageInfo.endCursor });
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    const ids = [...first.nodes, ...second.nodes].map((node) => Number(node.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);

    const byCaller = await page({ filter: { callers: ['apikey:reader'], operations: ['deleteDatadogActionConnection'] } });
    expect(byCaller.nodes).toEqual([expect.objectContaining({ caller: 'apikey:reader', operation: 'deleteDatadogActionConnection', account: DD_PROD })]);
    expect((await page({ filter: { since: new Date(Date.now() + 60_000).toISOString() } })).nodes).toEqual([]);

    // A caller limited to dd-prod sees that account's entries only, whatever it asks for.
    const limited = await page({ first: 100, filter: { accounts: [DD_PROD, DD_STAGE] } }, 'prodAuditor');
    expect(limited.nodes.length).toBeGreaterThan(0);
    expect(new Set(limited.nodes.map((node) => node.account))).toEqual(new Set([DD_PROD]));
    const unfiltered = await page({ first: 100 }, 'prodAuditor');
    expect(new Set(unfiltered.nodes.map((node) => node.account))).toEqual(new Set([DD_PROD]));
  });

  it('refuses a foreign cursor and an oversized page as input errors', async () => {
    for (const variables of [{ after: 'bm90LWEtY3Vyc29y' }, { first: 101 }]) {
      expect((await as('auditor', AUDIT_LOG, variables))['auditLog']).toMatchObject({ __typename: 'InputValidationError' });
    }
  });
});

it('the schema says what ForbiddenError carries', () => {
  const type = buildSchema().getType('ForbiddenError');
  expect(isObjectType(type) ? Object.keys(type.getFields()).sort() : []).toEqual(['account', 'message', 'requiredScope']);
});
