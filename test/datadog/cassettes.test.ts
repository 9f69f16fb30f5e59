import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { datadogAuth, DatadogClient } from '../../src/vendors/datadog/client.js';
import { buildCreateBody, buildUpdateBody } from '../../src/vendors/datadog/input.js';
import { parseDatadogError } from '../../src/vendors/datadog/errors.js';
import { createDispatcher } from '../../src/core/http/dispatcher.js';
import { VendorHttp } from '../../src/core/http/vendor-http.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { NotFoundError, VendorValidationError } from '../../src/core/errors.js';
import { startHarness, type Harness } from '../support/harness.js';
import { APP_KEYS, CREATE, DELETE, GET, NODE, REGISTER, TRACK, UNREGISTER, UPDATE, at, connectionGid, datadogAccount, field, obj } from './support.js';

/*
 * Acceptance, issue 2: Datadog's real recorded responses (the cassettes in docs/vendors/datadog/,
 * copied unchanged from the vendor contract, so the suite needs nothing outside the repository) parse and map
 * correctly. A small server on 127.0.0.1 answers each recorded request with its recorded status,
 * content type and body; the gateway talks to it as to Datadog.
 */

const CASSETTES = fileURLToPath(new URL('../../docs/vendors/datadog/cassettes/', import.meta.url));
/** The shared contract folder beside a checkout, when there is one: the repository's copy must not drift from it. */
const CONTRACT_CASSETTES = fileURLToPath(new URL('../../../shared/vendor-contracts/datadog/cassettes/', import.meta.url));
const ACCOUNT = 'dd-recorded';
const KEYS = { apiKey: 'replay-api-key', appKey: 'replay-app-key' };

const harSchema = z.object({
  log: z.object({
    entries: z.array(
      z.object({
        request: z.object({ method: z.string(), url: z.string(), postData: z.object({ text: z.string() }).optional() }),
        response: z.object({
          status: z.number(),
          headers: z.array(z.object({ name: z.string(), value: z.string() })),
          content: z.object({ text: z.string().optional() }),
        }),
      }),
    ),
  }),
});

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly requestBody: string | null;
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

/** Every recording in ./cassettes, by the scenario a test replays. */
const RECORDINGS = {
  createBadRequest: 'Create-a-new-Action-Connection-returns-Bad-Request-response',
  createOk: 'Create-a-new-Action-Connection-returns-Successfully-created-Action-Connection-response',
  deleteOk: 'Delete-an-existing-Action-Connection-returns-The-resource-was-deleted-successfully-respon',
  getAppKeyBadRequest: 'Get-an-existing-App-Key-Registration-returns-Bad-request-response',
  getAppKeyNotFound: 'Get-an-existing-App-Key-Registration-returns-Not-found-response',
  getNotFound: 'Get-an-existing-Action-Connection-returns-Not-Found-response',
  getOk: 'Get-an-existing-Action-Connection-returns-Successfully-get-Action-Connection-response',
  listAppKeysOk: 'List-App-Key-Registrations-returns-OK-response',
  registerBadRequest: 'Register-a-new-App-Key-returns-Bad-request-response',
  registerOk: 'Register-a-new-App-Key-returns-Created-response',
  unregisterNotFound: 'Unregister-an-App-Key-returns-Not-found-response',
  updateOk: 'Update-an-existing-Action-Connection-returns-Successfully-updated-Action-Connection-respo',
} as const;

/** The entries of one recording, in recorded order. */
function cassette(scenario: keyof typeof RECORDINGS): Recorded[] {
  const har = harSchema.parse(JSON.parse(readFileSync(`${CASSETTES}${RECORDINGS[scenario]}.har.json`, 'utf8')));
  return har.log.entries.map(({ request, response }) => ({
    method: request.method,
    path: new URL(request.url).pathname,
    requestBody: request.postData?.text ?? null,
    status: response.status,
    contentType: response.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? null,
    body: response.content.text ?? '',
  }));
}

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers requests from recorded entries, each once, matched by method and path in order. */
class Replay {
  private entries: { entry: Recorded; used: boolean }[] = [];
  readonly received: Received[] = [];
  readonly unmatched: string[] = [];
  private server: Server | null = null;
  url = '';

  load(...entries: Recorded[]): void {
    this.entries = entries.map((entry) => ({ entry, used: false }));
    this.received.length = 0;
    this.unmatched.length = 0;
  }

  get unused(): Recorded[] {
    return this.entries.filter((e) => !e.used).map((e) => e.entry);
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://replay').pathname;
        const method = req.method ?? 'GET';
        this.received.push({ method, path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const slot = this.entries.find((e) => !e.used && e.entry.method === method && e.entry.path === path);
        if (!slot) {
          this.unmatched.push(`${method} ${path}`);
          res.writeHead(501, { 'content-type': 'application/json' }).end('{"errors":["no recorded response"]}');
          return;
        }
        slot.used = true;
        res.writeHead(slot.entry.status, slot.entry.contentType ? { 'content-type': slot.entry.contentType } : {});
        res.end(slot.entry.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    this.server = server;
    this.url = `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const replay = new Replay();
let h: Harness;

beforeAll(async () => {
  await replay.listen();
  h = await startHarness({ accounts: [datadogAccount(ACCOUNT, replay.url, KEYS)] });
});
afterAll(async () => {
  await h?.close();
  await replay.close();
});
beforeEach(() => {
  replay.load();
});

/** Every recorded entry was asked for, nothing else was, and each request carried the keys. */
function expectReplayed(): void {
  expect(replay.unmatched).toEqual([]);
  expect(replay.unused).toEqual([]);
  for (const request of replay.received) {
    expect(request.headers['dd-api-key']).toBe(KEYS.apiKey);
    expect(request.headers['dd-application-key']).toBe(KEYS.appKey);
    expect(request.headers['accept']).toBe('application/json');
  }
}

function jsonOf(text: string | null | undefined): unknown {
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** The recorded AWS connection as GraphQL must show it. */
function recordedAws(connectionId: string, name: string, role: string, externalId: string): Record<string, unknown> {
  return {
    __typename: 'DatadogActionConnection',
    id: connectionGid(ACCOUNT, connectionId),
    connectionId,
    name,
    tags: [],
    vendor: 'DATADOG',
    service: 'AWS',
    // The recordings kept here carry no times, creator or resolve flag; answers that do are read in record-fields.test.ts.
    createdAt: null,
    updatedAt: null,
    createdByUserId: null,
    actingUserCanResolve: null,
    account: { key: ACCOUNT, vendor: 'DATADOG' },
    secrets: [],
    integration: {
      __typename: 'DatadogAwsIntegration',
      credentialType: 'AWSAssumeRole',
      accountId: '123456789123',
      role,
      externalId,
      principalId: '464622532012',
    },
  };
}

const CREATED_ID = '67aa2f61-266d-48d1-a1ee-cf7c3acc6b20';
const CREATED_NAME = 'Cassette Connection testcreateanewactionconnectionreturnssuccessfullycreatedactionconnectionresponse1743020699';
const EXISTING_ID = 'cb460d51-3c88-4e87-adac-d47131d0423d';
const APP_KEY_ID = 'b7feea52-994e-4714-a100-1bd9eff5aee1';

describe('action connections', () => {
  it('create (201) maps the recorded AWS connection, sends the recorded body, and delete (204) follows', async () => {
    const entries = cassette('createOk');
    replay.load(...entries);
    const created = field(await h.gql(CREATE, { input: { account: ACCOUNT, name: CREATED_NAME, integration: { aws: { accountId: '123456789123', role: 'MyRoleUpdated' } } } }));
    expect(created).toEqual({
      __typename: 'DatadogActionConnectionPayload',
      connection: recordedAws(CREATED_ID, CREATED_NAME, 'MyRoleUpdated', '70f4660c99684420821b0c13a67eb4d1'),
    });
    expect(jsonOf(replay.received[0]?.body)).toEqual(jsonOf(entries[0]?.requestBody));
    expect(replay.received[0]?.headers['content-type']).toBe('application/json');
    const id = connectionGid(ACCOUNT, CREATED_ID);
    expect(await h.store.isTrackedDatadogConnection(ACCOUNT, CREATED_ID)).toBe(true);
    expect(field(await h.gql(DELETE, { id }))).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: id });
    expect(await h.store.isTrackedDatadogConnection(ACCOUNT, CREATED_ID)).toBe(false);
    expectReplayed();
  });

  it('create (400): Patchbay refuses the recorded input itself; the recorded 400 maps to VendorValidationError', async () => {
    const entries = cassette('createBadRequest');
    const recordedInput = obj(jsonOf(entries[0]?.requestBody));
    expect(at(recordedInput, 'data', 'attributes', 'integration', 'credentials', 'account_id')).toBe('1');
    replay.load(...entries);
    const refused = field(await h.gql(CREATE, { input: { account: ACCOUNT, name: 'Cassette Connection', integration: { aws: { accountId: '1', role: 'MyRoleUpdated' } } } }));
    expect(refused).toMatchObject({ __typename: 'InputValidationError', fieldErrors: [{ path: ['integration', 'aws', 'accountId'] }] });
    expect(replay.received).toEqual([]);

    // Datadog's own answer, for an input that passes Patchbay's checks.
    const answered = field(await h.gql(CREATE, { input: { account: ACCOUNT, name: 'Cassette Connection', integration: { aws: { accountId: '123456789123', role: 'MyRoleUpdated' } } } }));
    expect(answered).toEqual({
      __typename: 'VendorValidationError',
      message: 'Datadog refused the input: invalid CustomConnectionData_AwsAuthData_AssumeRole.AccountId: value does not match regex pattern "^\\\\d{12}$"',
      vendor: 'DATADOG',
      accountKey: ACCOUNT,
      httpStatus: 400,
      vendorCode: 'Generic Error',
      retryable: false,
      retryAfterSeconds: null,
      vendorRequestId: null,
      fieldErrors: [],
    });
    expectReplayed();
  });

  it('delete (204, then 404 for the same id) maps to a payload, then NotFoundError', async () => {
    const entries = cassette('deleteOk');
    replay.load(...entries);
    const created = field(
      await h.gql(CREATE, {
        input: {
          account: ACCOUNT,
          name: 'Cassette Connection testdeleteanexistingactionconnectionreturnstheresourcewasdeletedsuccessfullyresponse1743020700',
          integration: { aws: { accountId: '123456789123', role: 'MyRole' } },
        },
      }),
    );
    expect(at(created, 'connection', 'integration', 'externalId')).toBe('6183670d1ceb4278808cf2df9aa03a07');
    expect(jsonOf(replay.received[0]?.body)).toEqual(jsonOf(entries[0]?.requestBody));
    const id = connectionGid(ACCOUNT, 'c3c3d83b-c495-4c1b-bb1d-592825d21db0');
    expect(field(await h.gql(DELETE, { id }))).toEqual({ __typename: 'DeletedConnectionPayload', deletedId: id });
    expect(field(await h.gql(DELETE, { id }))).toMatchObject({ __typename: 'NotFoundError', message: expect.stringContaining('connection not found') });
    expectReplayed();
  });

  it('get (200) maps the recorded connection through connection(id), node(id) and trackDatadogActionConnection', async () => {
    const entries = cassette('getOk');
    const expected = recordedAws(EXISTING_ID, 'Cassette Connection', 'MyRoleUpdated', '909b33b1242748cfbef42f20011e2fa0');
    const id = connectionGid(ACCOUNT, EXISTING_ID);
    replay.load(...entries);
    expect(field(await h.gql(GET, { id }))).toEqual(expected);
    expectReplayed();
    replay.load(...entries);
    const node = await h.gql(NODE, { id });
    expect(node.errors).toBeUndefined();
    expect(node.data?.['node']).toEqual(expected);
    expectReplayed();
    replay.load(...entries);
    expect(field(await h.gql(TRACK, { account: ACCOUNT, connectionId: EXISTING_ID }))).toEqual({ __typename: 'DatadogActionConnectionPayload', connection: expected });
    expectReplayed();
  });

  it('get (404) maps to NotFoundError through trackDatadogActionConnection, and to null through node(id)', async () => {
    const entries = cassette('getNotFound');
    replay.load(...entries);
    expect(field(await h.gql(TRACK, { account: ACCOUNT, connectionId: 'aaa11111-aa11-aa11-aaaa-aaaaaa111111' }))).toMatchObject({ __typename: 'NotFoundError' });
    expectReplayed();
    replay.load(...entries);
    const node = await h.gql(NODE, { id: connectionGid(ACCOUNT, 'aaa11111-aa11-aa11-aaaa-aaaaaa111111') });
    expect(node.errors).toBeUndefined();
    expect(node.data).toEqual({ node: null });
    expectReplayed();
  });

  it('get (404) maps to a NotFoundError result through connection(id)', async () => {
    replay.load(...cassette('getNotFound'));
    const id = connectionGid(ACCOUNT, 'aaa11111-aa11-aa11-aaaa-aaaaaa111111');
    const response = await h.gql(GET, { id });
    expect(response.errors, response.raw).toBeUndefined();
    expect(response.data?.['result']).toMatchObject({ __typename: 'NotFoundError', resourceId: id });
  });

  it('update (200) sends the recorded PATCH body and maps the answer', async () => {
    const get = cassette('getOk');
    const patch = cassette('updateOk');
    // The update reads the connection's type first (the type cannot change), then patches.
    replay.load(...get, ...patch);
    const updated = field(
      await h.gql(UPDATE, {
        input: { id: connectionGid(ACCOUNT, EXISTING_ID), name: 'Cassette Connection', integration: { aws: { accountId: '123456789123', role: 'MyRoleUpdated' } } },
      }),
    );
    expect(updated).toEqual({
      __typename: 'DatadogActionConnectionPayload',
      connection: recordedAws(EXISTING_ID, 'Cassette Connection', 'MyRoleUpdated', '909b33b1242748cfbef42f20011e2fa0'),
    });
    expect(replay.received.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect(jsonOf(replay.received[1]?.body)).toEqual(jsonOf(patch[0]?.requestBody));
    expectReplayed();
  });
});

describe('app key registrations', () => {
  it('list (200) maps the recorded page', async () => {
    replay.load(...cassette('listAppKeysOk'));
    expect(field(await h.gql(APP_KEYS, { account: ACCOUNT }))).toEqual({
      __typename: 'DatadogAppKeyRegistrationPage',
      nodes: [{ appKeyId: APP_KEY_ID, type: 'APP_KEY_REGISTRATION', account: { key: ACCOUNT } }],
      itemFailures: [],
      totalCount: 1,
      endCursor: null,
      hasNextPage: false,
    });
    expectReplayed();
  });

  it('register (201) maps the recorded registration and sends no body', async () => {
    replay.load(...cassette('registerOk'));
    expect(field(await h.gql(REGISTER, { account: ACCOUNT, appKeyId: APP_KEY_ID }))).toEqual({
      __typename: 'DatadogAppKeyRegistrationPayload',
      registration: { appKeyId: APP_KEY_ID, type: 'APP_KEY_REGISTRATION', account: { key: ACCOUNT } },
    });
    expect(replay.received[0]?.body).toBe('');
    expectReplayed();
  });

  it('register (400): Patchbay refuses a key id that is not a UUID before Datadog would', async () => {
    replay.load(...cassette('registerBadRequest'));
    expect(field(await h.gql(REGISTER, { account: ACCOUNT, appKeyId: 'not_valid_app_key_id' }))).toMatchObject({
      __typename: 'InputValidationError',
      fieldErrors: [{ path: ['appKeyId'] }],
    });
    expect(replay.received).toEqual([]);
  });

  it('unregister (404) maps to NotFoundError', async () => {
    replay.load(...cassette('unregisterNotFound'));
    expect(field(await h.gql(UNREGISTER, { account: ACCOUNT, appKeyId: '57cc69ae-9214-4ecc-8df8-43ecc1d92d99' }))).toMatchObject({
      __typename: 'NotFoundError',
      message: 'Datadog has no such resource: app key not found',
    });
    expectReplayed();
  });
});

/*
 * Every recording, through the Datadog client alone: the mapped values and the typed errors, with
 * no GraphQL in between. Three are replayed at this level only, because Patchbay never sends their
 * request: `getAppKeyBadRequest` and `getAppKeyNotFound` (no GraphQL field reads one registration)
 * and `registerBadRequest` (Patchbay refuses a key id that is not a UUID before calling; the
 * GraphQL test above proves it sends nothing).
 */
describe('every recording, through the Datadog client', () => {
  const dispatcher = createDispatcher();
  const client = () =>
    new DatadogClient(
      { key: ACCOUNT, vendor: 'datadog', displayName: ACCOUNT, baseUrl: replay.url },
      new VendorHttp({
        vendor: 'datadog',
        vendorName: 'Datadog',
        account: ACCOUNT,
        baseUrl: replay.url,
        dispatcher,
        auth: datadogAuth(KEYS.apiKey, KEYS.appKey),
        parseError: parseDatadogError,
        logger: createMemoryLogger(),
      }),
    );
  afterAll(async () => {
    await dispatcher.close();
  });

  /** The recorded AWS connection as the client maps it. */
  const mappedAws = (connectionId: string, name: string, role: string, externalId: string) => ({
    kind: 'datadog',
    account: expect.objectContaining({ key: ACCOUNT, vendor: 'datadog' }),
    connectionId,
    name,
    tags: [],
    service: 'AWS',
    createdAt: null,
    updatedAt: null,
    createdByUserId: null,
    actingUserCanResolve: null,
    secrets: [],
    integration: {
      type: 'AWS',
      typeName: 'DatadogAwsIntegration',
      credentialType: 'AWSAssumeRole',
      values: { account_id: '123456789123', role, external_id: externalId, principal_id: '464622532012' },
      secrets: [],
      http: null,
    },
  });
  const awsCreate = (name: string, role: string) => buildCreateBody({ name, integration: { aws: { accountId: '123456789123', role } } });
  const appKeyBadRequest = {
    message: 'Datadog refused the input: invalid parameter "appKeyId" in "path"; expected type "uuid"',
    facts: { httpStatus: 400, vendorCode: 'Invalid Parameter', account: ACCOUNT },
  };

  /** One replay per recording; the compiler refuses a recording without one. */
  const REPLAYS: Record<keyof typeof RECORDINGS, (entries: readonly Recorded[]) => Promise<void>> = {
    createOk: async (entries) => {
      const created = await client().createConnection({}, awsCreate(CREATED_NAME, 'MyRoleUpdated'));
      expect(created).toEqual(mappedAws(CREATED_ID, CREATED_NAME, 'MyRoleUpdated', '70f4660c99684420821b0c13a67eb4d1'));
      expect(jsonOf(replay.received[0]?.body)).toEqual(jsonOf(entries[0]?.requestBody));
      await expect(client().deleteConnection({}, CREATED_ID)).resolves.toEqual({ alreadyGone: false });
    },
    createBadRequest: async () => {
      const call = client().createConnection({}, awsCreate('Cassette Connection', 'MyRoleUpdated'));
      await expect(call).rejects.toBeInstanceOf(VendorValidationError);
      await expect(call).rejects.toMatchObject({
        message: 'Datadog refused the input: invalid CustomConnectionData_AwsAuthData_AssumeRole.AccountId: value does not match regex pattern "^\\\\d{12}$"',
        facts: { httpStatus: 400, vendorCode: 'Generic Error', account: ACCOUNT },
        fieldErrors: [],
      });
    },
    deleteOk: async (entries) => {
      const name = 'Cassette Connection testdeleteanexistingactionconnectionreturnstheresourcewasdeletedsuccessfullyresponse1743020700';
      const created = await client().createConnection({}, awsCreate(name, 'MyRole'));
      expect(created).toEqual(mappedAws('c3c3d83b-c495-4c1b-bb1d-592825d21db0', name, 'MyRole', '6183670d1ceb4278808cf2df9aa03a07'));
      expect(jsonOf(replay.received[0]?.body)).toEqual(jsonOf(entries[0]?.requestBody));
      await expect(client().deleteConnection({}, created.connectionId)).resolves.toEqual({ alreadyGone: false });
      const again = client().deleteConnection({}, created.connectionId);
      await expect(again).rejects.toBeInstanceOf(NotFoundError);
      await expect(again).rejects.toMatchObject({ message: 'Datadog has no such resource: connection not found', vendorCode: 'Generic Error' });
    },
    getOk: async () => {
      await expect(client().getConnection({}, EXISTING_ID)).resolves.toEqual(mappedAws(EXISTING_ID, 'Cassette Connection', 'MyRoleUpdated', '909b33b1242748cfbef42f20011e2fa0'));
    },
    getNotFound: async () => {
      const call = client().getConnection({}, 'aaa11111-aa11-aa11-aaaa-aaaaaa111111');
      await expect(call).rejects.toBeInstanceOf(NotFoundError);
      await expect(call).rejects.toMatchObject({ message: 'Datadog has no such resource: connection not found', vendorCode: 'Generic Error' });
    },
    updateOk: async (entries) => {
      const built = buildUpdateBody({ name: 'Cassette Connection', integration: { aws: { accountId: '123456789123', role: 'MyRoleUpdated' } } }, 'AWS');
      const updated = await client().updateConnection({}, EXISTING_ID, built);
      expect(updated).toEqual(mappedAws(EXISTING_ID, 'Cassette Connection', 'MyRoleUpdated', '909b33b1242748cfbef42f20011e2fa0'));
      expect(jsonOf(replay.received[0]?.body)).toEqual(jsonOf(entries[0]?.requestBody));
    },
    listAppKeysOk: async () => {
      const page = await client().listAppKeyRegistrations({}, { size: 50, number: 0 });
      expect(page).toEqual({
        registrations: [{ account: expect.objectContaining({ key: ACCOUNT }), appKeyId: APP_KEY_ID, type: 'app_key_registration' }],
        failures: [],
        received: 1,
        total: 1,
      });
    },
    registerOk: async (entries) => {
      await expect(client().registerAppKey({}, APP_KEY_ID)).resolves.toEqual({ account: expect.objectContaining({ key: ACCOUNT }), appKeyId: APP_KEY_ID, type: 'app_key_registration' });
      expect(replay.received[0]?.body).toBe(entries[0]?.requestBody ?? '');
    },
    registerBadRequest: async () => {
      const call = client().registerAppKey({}, 'not_valid_app_key_id');
      await expect(call).rejects.toBeInstanceOf(VendorValidationError);
      await expect(call).rejects.toMatchObject(appKeyBadRequest);
    },
    getAppKeyBadRequest: async () => {
      const call = client().getAppKeyRegistration({}, 'not_valid_app_key_id');
      await expect(call).rejects.toBeInstanceOf(VendorValidationError);
      await expect(call).rejects.toMatchObject(appKeyBadRequest);
    },
    getAppKeyNotFound: async () => {
      const call = client().getAppKeyRegistration({}, 'aaa11111-aa11-aa11-aaaa-aaaaaa111111');
      await expect(call).rejects.toBeInstanceOf(NotFoundError);
      await expect(call).rejects.toMatchObject({ message: 'Datadog has no such resource: app key not found', vendorCode: null });
    },
    unregisterNotFound: async () => {
      const call = client().unregisterAppKey({}, '57cc69ae-9214-4ecc-8df8-43ecc1d92d99');
      await expect(call).rejects.toBeInstanceOf(NotFoundError);
      await expect(call).rejects.toMatchObject({ message: 'Datadog has no such resource: app key not found' });
    },
  };

  it.each(Object.keys(RECORDINGS) as (keyof typeof RECORDINGS)[])('%s', async (scenario) => {
    const entries = cassette(scenario);
    replay.load(...entries);
    await REPLAYS[scenario](entries);
    expectReplayed();
  });

  it('get of a registration (200) maps it: the GET answers the shape of the recorded PUT', async () => {
    const created = cassette('registerOk')[0];
    if (!created) throw new Error('empty cassette');
    replay.load({ ...created, method: 'GET' });
    await expect(client().getAppKeyRegistration({}, APP_KEY_ID)).resolves.toMatchObject({ appKeyId: APP_KEY_ID, type: 'app_key_registration' });
    expectReplayed();
  });
});

describe('the recordings themselves', () => {
  it('every cassette is one of the scenarios replayed above', () => {
    expect(
      Object.values(RECORDINGS)
        .map((name) => `${name}.har.json`)
        .sort(),
    ).toEqual(
      readdirSync(CASSETTES)
        .filter((f) => f.endsWith('.har.json'))
        .sort(),
    );
  });

  it.skipIf(!existsSync(CONTRACT_CASSETTES))('are unchanged copies of the contract folder', () => {
    const files = readdirSync(CONTRACT_CASSETTES)
      .filter((f) => f.endsWith('.har.json'))
      .sort();
    expect(
      readdirSync(CASSETTES)
        .filter((f) => f.endsWith('.har.json'))
        .sort(),
    ).toEqual(files);
    for (const file of files) expect(readFileSync(`${CASSETTES}${file}`, 'utf8'), file).toBe(readFileSync(`${CONTRACT_CASSETTES}${file}`, 'utf8'));
  });
});
