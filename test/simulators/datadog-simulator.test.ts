import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATADOG_SEED_APP_KEY_IDS, DATADOG_SEED_CONNECTION_IDS } from '../../src/simulators/datadog/seed.js';
import { createDatadogSimulator, type DatadogSimulator, type StoredConnection } from '../../src/simulators/datadog/simulator.js';
import { DATADOG_INTEGRATIONS, HTTP_INTEGRATION_TYPE, type CredentialVariant } from '../../src/vendors/datadog/catalogue.js';

const API_KEY = 'sim-api-key-0f3c';
const APP_KEY = 'sim-app-key-9b2e';
const KEYS = { 'DD-API-KEY': API_KEY, 'DD-APPLICATION-KEY': APP_KEY };
const CONNECTIONS = '/api/v2/actions/connections';
const APP_KEYS = '/api/v2/actions/app_key_registrations';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The id the real recordings use for a well-formed id that does not exist. */
const MISSING_ID = 'aaa11111-aa11-aa11-aaaa-aaaaaa111111';

interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  readonly json: unknown;
}

function client(sim: DatadogSimulator) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = KEYS): Promise<Reply> => {
    const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${sim.server.baseUrl}${path}`, init);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, contentType: response.headers.get('content-type'), text, json };
  };
}

/** Narrows an unknown JSON value to an object, failing the test otherwise. */
function obj(value: unknown): Record<string, unknown> {
  expect(value).toBeTypeOf('object');
  expect(value).not.toBeNull();
  expect(Array.isArray(value)).toBe(false);
  return value as Record<string, unknown>;
}

function dataOf(reply: Reply): { id: unknown; type: unknown; attributes: Record<string, unknown> } {
  const data = obj(obj(reply.json)['data']);
  return { id: data['id'], type: data['type'], attributes: obj(data['attributes']) };
}

function credentialsOf(reply: Reply): Record<string, unknown> {
  return obj(obj(dataOf(reply).attributes['integration'])['credentials']);
}

function fieldsOf(stored: StoredConnection | undefined): Readonly<Record<string, string>> {
  if (stored?.integration.kind !== 'fields') throw new Error('expected a stored connection with flat credentials');
  return stored.integration.fields;
}

function genericDetail(reply: Reply): string {
  const errors = obj(reply.json)['errors'];
  expect(Array.isArray(errors)).toBe(true);
  const first = obj((errors as unknown[])[0]);
  expect(first['title']).toBe('Generic Error');
  expect(first['detail']).toBeTypeOf('string');
  return first['detail'] as string;
}

function connectionBody(name: string, integration: Record<string, unknown>, tags?: string[]): Record<string, unknown> {
  return { data: { type: 'action_connection', attributes: { name, integration, ...(tags ? { tags } : {}) } } };
}

/** Made-up values that satisfy each field's pattern. */
function madeUpValue(wire: string): string {
  if (wire === 'account_id') return '123456789012';
  if (wire === 'role') return 'DatadogActionsRole';
  return `made-up-${wire.replace(/_/g, '-')}-7f3a`;
}

function madeUpIntegration(type: string, variant: CredentialVariant): Record<string, unknown> {
  if (type === HTTP_INTEGRATION_TYPE) {
    return {
      type,
      base_url: 'https://hooks.example.com/v1',
      credentials: {
        type: variant.type,
        tokens: [{ name: 'hookToken', type: 'SECRET', value: 'made-up-hook-token-51c2' }],
        headers: [{ name: 'X-Hook-Auth', value: 'Bearer {{ hookToken }}' }],
        url_parameters: [{ name: 'region', value: 'eu' }],
        body: { content: '{"source":"datadog"}', content_type: 'application/json' },
      },
    };
  }
  const credentials: Record<string, string> = { type: variant.type };
  for (const field of variant.fields) if (!field.readOnly) credentials[field.wire] = madeUpValue(field.wire);
  return { type, credentials };
}

describe('Datadog simulator: authentication', () => {
  const sim = createDatadogSimulator({ apiKey: API_KEY, appKey: APP_KEY });
  const call = client(sim);
  const forbidden = { errors: ['Forbidden'] };
  const seedPath = `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.awsProduction}`;
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('refuses requests without keys with the plain-string 403 body', async () => {
    const reply = await call('GET', seedPath, undefined, {});
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual(forbidden);
  });

  it('refuses a missing application key, empty keys and wrong keys', async () => {
    expect((await call('GET', seedPath, undefined, { 'DD-API-KEY': API_KEY })).status).toBe(403);
    expect((await call('GET', seedPath, undefined, { 'DD-API-KEY': '', 'DD-APPLICATION-KEY': '' })).status).toBe(403);
    const wrongApi = await call('GET', seedPath, undefined, { 'DD-API-KEY': 'other', 'DD-APPLICATION-KEY': APP_KEY });
    expect(wrongApi.status).toBe(403);
    expect(wrongApi.json).toEqual(forbidden);
    const wrongApp = await call('GET', `${APP_KEYS}`, undefined, { 'DD-API-KEY': API_KEY, 'DD-APPLICATION-KEY': 'other' });
    expect(wrongApp.status).toBe(403);
  });

  it('refuses writes without keys and changes nothing', async () => {
    const before = sim.connectionIds();
    const reply = await call('POST', CONNECTIONS, connectionBody('x', { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: 't' } }), {});
    expect(reply.status).toBe(403);
    expect(sim.connectionIds()).toEqual(before);
  });

  it('accepts the configured keys', async () => {
    const reply = await call('GET', seedPath);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('application/vnd.api+json');
  });

  it('accepts any non-empty keys when none are configured', async () => {
    const open = createDatadogSimulator();
    await open.server.listen();
    try {
      const reply = await client(open)('GET', seedPath, undefined, { 'DD-API-KEY': 'anything', 'DD-APPLICATION-KEY': 'else' });
      expect(reply.status).toBe(200);
    } finally {
      await open.server.close();
    }
  });
});

describe('Datadog simulator: create', () => {
  const sim = createDatadogSimulator();
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  const cases = DATADOG_INTEGRATIONS.flatMap((spec) => spec.variants.map((variant) => ({ spec, variant, label: `${spec.type}/${variant.type}` })));

  it('covers all 24 integration types', () => {
    expect(new Set(cases.map((c) => c.spec.type)).size).toBe(24);
  });

  it.each(cases)('creates $label (201) without echoing secrets', async ({ spec, variant }) => {
    const reply = await call('POST', CONNECTIONS, connectionBody(`Demo ${spec.type}`, madeUpIntegration(spec.type, variant), ['team:platform']));
    expect(reply.status).toBe(201);
    expect(reply.contentType).toBe('application/vnd.api+json');
    const data = dataOf(reply);
    expect(data.id).toMatch(UUID);
    expect(data.type).toBe('action_connection');
    expect(data.attributes['name']).toBe(`Demo ${spec.type}`);
    expect(data.attributes['tags']).toEqual(['team:platform']);
    const integration = obj(data.attributes['integration']);
    expect(integration['type']).toBe(spec.type);
    const credentials = credentialsOf(reply);
    expect(credentials['type']).toBe(variant.type);
    for (const field of variant.fields) {
      if (field.readOnly) continue;
      if (field.secret) expect(credentials).not.toHaveProperty(field.wire);
      else expect(credentials[field.wire]).toBe(madeUpValue(field.wire));
    }
    const stored = sim.storedConnection(String(data.id));
    expect(stored?.integration.type).toBe(spec.type);
    if (spec.type === HTTP_INTEGRATION_TYPE) {
      expect(integration['base_url']).toBe('https://hooks.example.com/v1');
      expect(credentials['tokens']).toEqual([{ name: 'hookToken', type: 'SECRET' }]);
      expect(credentials['headers']).toEqual([{ name: 'X-Hook-Auth', value: 'Bearer {{ hookToken }}' }]);
      expect(credentials['url_parameters']).toEqual([{ name: 'region', value: 'eu' }]);
      expect(credentials['body']).toEqual({ content: '{"source":"datadog"}', content_type: 'application/json' });
      expect(stored?.integration.kind === 'http' ? stored.integration.tokens[0]?.value : undefined).toBe('made-up-hook-token-51c2');
    } else {
      for (const field of variant.fields) {
        if (!field.readOnly) expect(fieldsOf(stored)[field.wire]).toBe(madeUpValue(field.wire));
      }
    }
    if (spec.type === 'AWS') {
      expect(credentials['external_id']).toMatch(/^[0-9a-f]{32}$/);
      expect(credentials['principal_id']).toBe('464622532012');
    }
  });

  it('omits tags when none were given, like the recordings', async () => {
    const reply = await call('POST', CONNECTIONS, connectionBody('No tags', { type: 'AWS', credentials: { type: 'AWSAssumeRole', account_id: '123456789123', role: 'MyRole' } }));
    expect(reply.status).toBe(201);
    expect(dataOf(reply).attributes).not.toHaveProperty('tags');
  });

  it('generates the AWS external id itself, ignoring a client-sent one', async () => {
    const reply = await call(
      'POST',
      CONNECTIONS,
      connectionBody('AWS', { type: 'AWS', credentials: { type: 'AWSAssumeRole', account_id: '123456789123', role: 'MyRole', external_id: 'mine', principal_id: '1' } }),
    );
    expect(reply.status).toBe(201);
    expect(credentialsOf(reply)['external_id']).not.toBe('mine');
    expect(credentialsOf(reply)['principal_id']).toBe('464622532012');
  });
});

describe('Datadog simulator: validation', () => {
  const sim = createDatadogSimulator();
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  const aws = (accountId: string) => ({ type: 'AWS', credentials: { type: 'AWSAssumeRole', account_id: accountId, role: 'MyRoleUpdated' } });
  const openAi = { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: 'sk-made-up' } };

  async function expectRefused(body: unknown, fragment: string): Promise<string> {
    const before = sim.connectionIds();
    const reply = await call('POST', CONNECTIONS, body);
    expect(reply.status).toBe(400);
    expect(reply.contentType).toBe('application/vnd.api+json');
    const detail = genericDetail(reply);
    expect(detail.startsWith('error creating connection: rpc error: code = InvalidArgument desc = ')).toBe(true);
    expect(detail).toContain(fragment);
    expect(sim.connectionIds()).toEqual(before);
    return detail;
  }

  it('refuses a bad AWS account id with exactly the recorded body', async () => {
    const reply = await call('POST', CONNECTIONS, connectionBody('Cassette Connection', aws('1')));
    expect(reply.status).toBe(400);
    expect(reply.text).toBe(
      '{"errors":[{"title":"Generic Error","detail":"error creating connection: rpc error: code = InvalidArgument desc = multiple errors: 1 error occurred:\\n\\t* [error_code=8]: invalid CreateCustomConnectionRequest.Data: embedded message failed validation | caused by: invalid CustomConnectionData.Aws: embedded message failed validation | caused by: invalid CustomConnectionData_AwsAuthData.AssumeRole: embedded message failed validation | caused by: invalid CustomConnectionData_AwsAuthData_AssumeRole.AccountId: value does not match regex pattern \\"^\\\\\\\\d{12}$\\"\\n\\n"}]}',
    );
  });

  it('refuses a tag without key:value', async () => {
    await expectRefused(connectionBody('x', openAi, ['team:sre', 'untagged']), 'CustomConnectionData.Tags[1]: value does not match regex pattern');
  });

  it('refuses the reserved default tag key', async () => {
    await expectRefused(connectionBody('x', openAi, ['default:yes']), 'reserved tag key "default"');
  });

  it('refuses a missing secret', async () => {
    await expectRefused(connectionBody('x', { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey' } }), 'CustomConnectionData_OpenAiAuthData_ApiKey.ApiToken: value length must be at least 1 runes');
  });

  it('refuses an empty required field', async () => {
    await expectRefused(
      connectionBody('x', { type: 'ServiceNow', credentials: { type: 'ServiceNowBasicAuth', instance: 'acme', username: '', password: 'p' } }),
      'ServiceNowAuthData_BasicAuth.Username: value length must be at least 1 runes',
    );
  });

  it('refuses an unknown integration type', async () => {
    await expectRefused(connectionBody('x', { type: 'PagerDuty', credentials: { type: 'PagerDutyAPIKey', api_key: 'k' } }), 'CustomConnectionData.Integration: value is required');
  });

  it('refuses a credentials type that does not belong to the integration', async () => {
    await expectRefused(connectionBody('x', { type: 'Okta', credentials: { type: 'OpenAIAPIKey', api_token: 't' } }), 'CustomConnectionData_OktaAuthData.Credentials: value is required');
  });

  it('refuses a bad HTTP header name', async () => {
    await expectRefused(
      connectionBody('x', { type: 'HTTP', base_url: 'https://example.com', credentials: { type: 'HTTPTokenAuth', headers: [{ name: '1 Bad', value: 'v' }] } }),
      'TokenAuth_Header.Name: value does not match regex pattern',
    );
  });

  it('refuses a bad HTTP token name and a token type other than SECRET', async () => {
    const detail = await expectRefused(
      connectionBody('x', { type: 'HTTP', base_url: 'https://example.com', credentials: { type: 'HTTPTokenAuth', tokens: [{ name: 'my-token', type: 'PLAIN', value: 'v' }] } }),
      'TokenAuth_Token.Name: value does not match regex pattern',
    );
    expect(detail).toContain('TokenAuth_Token.Type: value must be one of the defined enum values');
    expect(detail).toContain('2 errors occurred');
  });

  it('refuses an HTTP integration without an http(s) base_url', async () => {
    await expectRefused(connectionBody('x', { type: 'HTTP', credentials: { type: 'HTTPTokenAuth' } }), 'HttpAuthData.BaseUrl: value length must be at least 1 runes');
    await expectRefused(connectionBody('x', { type: 'HTTP', base_url: 'ftp://example.com', credentials: { type: 'HTTPTokenAuth' } }), 'HttpAuthData.BaseUrl');
  });

  it('refuses an empty name and a wrong data.type', async () => {
    await expectRefused(connectionBody('', openAi), 'CustomConnectionData.Name: value length must be at least 1 runes');
    await expectRefused({ data: { type: 'connection', attributes: { name: 'x', integration: openAi } } }, 'CustomConnectionData.Type');
  });

  it('refuses invalid JSON and undecodable bodies with a 400', async () => {
    const before = sim.connectionIds();
    const notJson = await call('POST', CONNECTIONS, '{"data":');
    expect(notJson.status).toBe(400);
    expect(notJson.json).toEqual({ errors: [{ status: '400', title: 'Bad Request', detail: expect.any(String) }] });
    const wrongShape = await call('POST', CONNECTIONS, { data: { type: 'action_connection', attributes: { name: 42 } } });
    expect(wrongShape.status).toBe(400);
    const wrongField = await call('POST', CONNECTIONS, connectionBody('x', { type: 'Okta', credentials: { type: 'OktaAPIToken', domain: 7, api_token: 't' } }));
    expect(wrongField.status).toBe(400);
    expect(sim.connectionIds()).toEqual(before);
  });
});

describe('Datadog simulator: get, patch, delete', () => {
  const sim = createDatadogSimulator();
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('round-trips a ServiceNow connection, never showing the password and keeping it when a PATCH omits it', async () => {
    const created = await call(
      'POST',
      CONNECTIONS,
      connectionBody('ServiceNow', { type: 'ServiceNow', credentials: { type: 'ServiceNowBasicAuth', instance: 'acme', username: 'bot', password: 'hunter2-canary' } }, ['env:dev']),
    );
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('hunter2-canary');
    const id = String(dataOf(created).id);

    const read = await call('GET', `${CONNECTIONS}/${id}`);
    expect(read.status).toBe(200);
    expect(read.text).not.toContain('hunter2-canary');
    expect(credentialsOf(read)).toEqual({ instance: 'acme', type: 'ServiceNowBasicAuth', username: 'bot' });
    expect(dataOf(read).attributes['tags']).toEqual(['env:dev']);

    const patched = await call('PATCH', `${CONNECTIONS}/${id}`, {
      data: { type: 'action_connection', attributes: { name: 'ServiceNow renamed', integration: { type: 'ServiceNow', credentials: { type: 'ServiceNowBasicAuth', username: 'bot2' } } } },
    });
    expect(patched.status).toBe(200);
    expect(dataOf(patched).id).toBe(id);
    expect(dataOf(patched).attributes['name']).toBe('ServiceNow renamed');
    expect(dataOf(patched).attributes['tags']).toEqual(['env:dev']);
    expect(credentialsOf(patched)).toEqual({ instance: 'acme', type: 'ServiceNowBasicAuth', username: 'bot2' });
    expect(fieldsOf(sim.storedConnection(id))).toEqual({ instance: 'acme', username: 'bot2', password: 'hunter2-canary' });

    const retagged = await call('PATCH', `${CONNECTIONS}/${id}`, { data: { type: 'action_connection', attributes: { tags: ['env:prod'] } } });
    expect(retagged.status).toBe(200);
    expect(dataOf(retagged).attributes['tags']).toEqual(['env:prod']);
    expect(sim.storedConnection(id)?.name).toBe('ServiceNow renamed');

    const rotated = await call('PATCH', `${CONNECTIONS}/${id}`, {
      data: { type: 'action_connection', attributes: { integration: { type: 'ServiceNow', credentials: { type: 'ServiceNowBasicAuth', password: 'new-secret' } } } },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.text).not.toContain('new-secret');
    expect(fieldsOf(sim.storedConnection(id))['password']).toBe('new-secret');

    const deleted = await fetch(`${sim.server.baseUrl}${CONNECTIONS}/${id}`, { method: 'DELETE', headers: KEYS });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect(sim.connectionIds()).not.toContain(id);
    expect(sim.storedConnection(id)).toBeUndefined();

    const gone = await call('GET', `${CONNECTIONS}/${id}`);
    expect(gone.status).toBe(404);
  });

  it('answers unknown ids with the recorded NotFound bodies, verb by operation', async () => {
    const path = `${CONNECTIONS}/${MISSING_ID}`;
    const get = await call('GET', path);
    expect(get.status).toBe(404);
    expect(get.contentType).toBe('application/vnd.api+json');
    expect(get.text).toBe('{"errors":[{"title":"Generic Error","detail":"error getting connection: rpc error: code = NotFound desc = connection not found"}]}');
    const del = await call('DELETE', path);
    expect(del.status).toBe(404);
    expect(del.text).toBe('{"errors":[{"title":"Generic Error","detail":"error deleting connection: rpc error: code = NotFound desc = connection not found"}]}');
    const patch = await call('PATCH', path, { data: { type: 'action_connection', attributes: { name: 'x' } } });
    expect(patch.status).toBe(404);
    expect(genericDetail(patch)).toBe('error creating connection: rpc error: code = NotFound desc = connection not found');
  });

  it('answers non-UUID connection ids with the recorded Generic Error 400', async () => {
    const expected = { errors: [{ title: 'Generic Error', detail: 'error connectionId not a valid UUID' }] };
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const reply = await call(method, `${CONNECTIONS}/not_a_uuid`, method === 'PATCH' ? { data: { type: 'action_connection', attributes: {} } } : undefined);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual(expected);
    }
  });

  it('keeps the AWS external id on PATCH and regenerates it on request', async () => {
    const id = DATADOG_SEED_CONNECTION_IDS.awsProduction;
    const original = fieldsOf(sim.storedConnection(id))['external_id'];
    expect(original).toMatch(/^[0-9a-f]{32}$/);
    const same = await call('PATCH', `${CONNECTIONS}/${id}`, {
      data: {
        type: 'action_connection',
        attributes: { integration: { type: 'AWS', credentials: { type: 'AWSAssumeRole', account_id: '123456789123', role: 'MyRoleUpdated' } }, name: 'Cassette Connection' },
      },
    });
    expect(same.status).toBe(200);
    expect(credentialsOf(same)).toEqual({ account_id: '123456789123', external_id: original, principal_id: '464622532012', role: 'MyRoleUpdated', type: 'AWSAssumeRole' });
    const regenerated = await call('PATCH', `${CONNECTIONS}/${id}`, {
      data: { type: 'action_connection', attributes: { integration: { type: 'AWS', credentials: { type: 'AWSAssumeRole', generate_new_external_id: true } } } },
    });
    expect(regenerated.status).toBe(200);
    const fresh = credentialsOf(regenerated)['external_id'];
    expect(fresh).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh).not.toBe(original);
    expect(credentialsOf(regenerated)['role']).toBe('MyRoleUpdated');
  });

  it('refuses a PATCH that changes the integration type, an invalid value, or has no attributes', async () => {
    const id = DATADOG_SEED_CONNECTION_IDS.openAi;
    const before = sim.storedConnection(id);
    const changed = await call('PATCH', `${CONNECTIONS}/${id}`, {
      data: { type: 'action_connection', attributes: { integration: { type: 'Anthropic', credentials: { type: 'AnthropicAPIKey', api_token: 't' } } } },
    });
    expect(changed.status).toBe(400);
    expect(genericDetail(changed)).toContain('error creating connection');
    const badAccount = await call('PATCH', `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.awsProduction}`, {
      data: { type: 'action_connection', attributes: { integration: { type: 'AWS', credentials: { type: 'AWSAssumeRole', account_id: '12' } } } },
    });
    expect(badAccount.status).toBe(400);
    expect(genericDetail(badAccount)).toContain('invalid UpdateCustomConnectionRequest.Data');
    const emptyName = await call('PATCH', `${CONNECTIONS}/${id}`, { data: { type: 'action_connection', attributes: { name: '' } } });
    expect(emptyName.status).toBe(400);
    const noAttributes = await call('PATCH', `${CONNECTIONS}/${id}`, { data: { type: 'action_connection' } });
    expect(noAttributes.status).toBe(400);
    expect(sim.storedConnection(id)).toEqual(before);
  });

  it('upserts and deletes HTTP headers, tokens and URL parameters by name', async () => {
    const id = DATADOG_SEED_CONNECTION_IDS.statuspageHttp;
    const reply = await call('PATCH', `${CONNECTIONS}/${id}`, {
      data: {
        type: 'action_connection',
        attributes: {
          integration: {
            type: 'HTTP',
            credentials: {
              type: 'HTTPTokenAuth',
              headers: [
                { name: 'Content-Type', deleted: true },
                { name: 'Authorization', value: 'OAuth {{ statuspageApiKey }} v2' },
                { name: 'X-Request-Source', value: 'datadog' },
              ],
              tokens: [{ name: 'backupKey', type: 'SECRET', value: 'backup-canary' }],
              url_parameters: [{ name: 'page', value: '1' }],
            },
          },
        },
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.text).not.toContain('backup-canary');
    expect(credentialsOf(reply)['headers']).toEqual([
      { name: 'Authorization', value: 'OAuth {{ statuspageApiKey }} v2' },
      { name: 'X-Request-Source', value: 'datadog' },
    ]);
    expect(credentialsOf(reply)['tokens']).toEqual([
      { name: 'statuspageApiKey', type: 'SECRET' },
      { name: 'backupKey', type: 'SECRET' },
    ]);
    const stored = sim.storedConnection(id);
    if (stored?.integration.kind !== 'http') throw new Error('expected the HTTP seed');
    expect(stored.integration.tokens.map((t) => t.value)).toEqual(['demo-3f1c9a7e2b6d4f08a5c1e9b7d3f2a6c4', 'backup-canary']);
    expect(stored.integration.urlParameters).toEqual([{ name: 'page', value: '1' }]);
    expect(stored.integration.baseUrl).toBe('https://api.statuspage.io/v1');

    const dropped = await call('PATCH', `${CONNECTIONS}/${id}`, {
      data: {
        type: 'action_connection',
        attributes: {
          integration: { type: 'HTTP', base_url: 'https://api.statuspage.io/v2', credentials: { type: 'HTTPTokenAuth', tokens: [{ name: 'backupKey', type: 'SECRET', value: 'x', deleted: true }] } },
        },
      },
    });
    expect(dropped.status).toBe(200);
    expect(obj(dataOf(dropped).attributes['integration'])['base_url']).toBe('https://api.statuspage.io/v2');
    expect(credentialsOf(dropped)['tokens']).toEqual([{ name: 'statuspageApiKey', type: 'SECRET' }]);
  });

  it('refuses a new HTTP header without a value', async () => {
    const reply = await call('PATCH', `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.statuspageHttp}`, {
      data: { type: 'action_connection', attributes: { integration: { type: 'HTTP', credentials: { type: 'HTTPTokenAuth', headers: [{ name: 'X-New' }] } } } },
    });
    expect(reply.status).toBe(400);
    expect(genericDetail(reply)).toContain('TokenAuth_Header.Value: value length must be at least 1 runes');
  });
});

describe('Datadog simulator: echoSecrets', () => {
  const sim = createDatadogSimulator({ echoSecrets: true });
  const call = client(sim);
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('returns secret fields and HTTP token values when asked to', async () => {
    const created = await call('POST', CONNECTIONS, connectionBody('Okta', { type: 'Okta', credentials: { type: 'OktaAPIToken', domain: 'acme.okta.com', api_token: 'okta-canary' } }));
    expect(created.status).toBe(201);
    expect(credentialsOf(created)['api_token']).toBe('okta-canary');
    const http = await call('GET', `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.statuspageHttp}`);
    expect(credentialsOf(http)['tokens']).toEqual([{ name: 'statuspageApiKey', type: 'SECRET', value: 'demo-3f1c9a7e2b6d4f08a5c1e9b7d3f2a6c4' }]);
  });
});

describe('Datadog simulator: app key registrations', () => {
  const sim = createDatadogSimulator();
  const call = client(sim);
  const keyId = 'b7feea52-994e-4714-a100-1bd9eff5aee1';
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });
  beforeEach(() => {
    sim.server.reset();
  });

  it('registers, reads and unregisters a key like the recordings', async () => {
    const put = await call('PUT', `${APP_KEYS}/${keyId}`);
    expect(put.status).toBe(201);
    expect(put.contentType).toBe('application/vnd.api+json');
    expect(put.text).toBe(`{"data":{"id":"${keyId}","type":"app_key_registration"}}`);
    const get = await call('GET', `${APP_KEYS}/${keyId}`);
    expect(get.status).toBe(200);
    expect(get.json).toEqual({ data: { id: keyId, type: 'app_key_registration' } });
    const del = await call('DELETE', `${APP_KEYS}/${keyId}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const after = await call('GET', `${APP_KEYS}/${keyId}`);
    expect(after.status).toBe(404);
    expect(after.text).toBe('{"errors":[{"detail":"app key not found"}]}');
    const again = await call('DELETE', `${APP_KEYS}/${keyId}`);
    expect(again.status).toBe(404);
    expect(again.text).toBe('{"errors":[{"detail":"app key not found"}]}');
  });

  it('answers non-UUID app key ids with the recorded 400', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const reply = await call(method, `${APP_KEYS}/not_valid_app_key_id`);
      expect(reply.status).toBe(400);
      expect(reply.text).toBe('{"errors":[{"status":"400","title":"Invalid Parameter","detail":"invalid parameter \\"appKeyId\\" in \\"path\\"; expected type \\"uuid\\""}]}');
    }
  });

  it('lists the seeded registration', async () => {
    const list = await call('GET', APP_KEYS);
    expect(list.status).toBe(200);
    expect(list.json).toEqual({
      data: DATADOG_SEED_APP_KEY_IDS.map((id) => ({ id, type: 'app_key_registration' })),
      meta: { total: 1, total_filtered: 1 },
    });
  });

  it('pages from page[number]=0 and refuses page[size] above 1000', async () => {
    const added = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
    for (const id of added) expect((await call('PUT', `${APP_KEYS}/${id}`)).status).toBe(201);
    const all = [...DATADOG_SEED_APP_KEY_IDS, ...added];
    const ids = (reply: Reply) => (obj(reply.json)['data'] as { id: string }[]).map((entry) => entry.id);
    const first = await call('GET', `${APP_KEYS}?page[size]=2&page[number]=0`);
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual(all.slice(0, 2));
    expect(obj(first.json)['meta']).toEqual({ total: 4, total_filtered: 4 });
    const second = await call('GET', `${APP_KEYS}?page[size]=2&page[number]=1`);
    expect(ids(second)).toEqual(all.slice(2, 4));
    const third = await call('GET', `${APP_KEYS}?page[size]=2&page[number]=2`);
    expect(ids(third)).toEqual([]);
    expect((await call('GET', `${APP_KEYS}?page[size]=1000`)).status).toBe(200);
    const tooBig = await call('GET', `${APP_KEYS}?page[size]=1001`);
    expect(tooBig.status).toBe(400);
    expect(obj((obj(tooBig.json)['errors'] as unknown[])[0])['title']).toBe('Invalid Parameter');
    expect((await call('GET', `${APP_KEYS}?page[number]=-1`)).status).toBe(400);
    expect((await call('GET', `${APP_KEYS}?page[size]=ten`)).status).toBe(400);
  });

  it('re-registering a key is idempotent', async () => {
    expect((await call('PUT', `${APP_KEYS}/${keyId}`)).status).toBe(201);
    expect((await call('PUT', `${APP_KEYS}/${keyId}`)).status).toBe(201);
    expect(sim.appKeyRegistrationIds().filter((id) => id === keyId)).toHaveLength(1);
  });
});

describe('Datadog simulator: requireAppKeyRegistration', () => {
  const sim = createDatadogSimulator({ requireAppKeyRegistration: true });
  const call = client(sim);
  const seedKey = DATADOG_SEED_APP_KEY_IDS[0] ?? '';
  const path = `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.okta}`;
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });

  it('refuses connection endpoints while no app key is registered', async () => {
    expect((await call('GET', path)).status).toBe(200);
    expect((await call('DELETE', `${APP_KEYS}/${seedKey}`)).status).toBe(204);
    const refused = await call('GET', path);
    expect(refused.status).toBe(403);
    expect(obj((obj(refused.json)['errors'] as unknown[])[0])['status']).toBe('403');
    expect((await call('POST', CONNECTIONS, connectionBody('x', { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: 't' } }))).status).toBe(403);
    expect((await call('PUT', `${APP_KEYS}/${seedKey}`)).status).toBe(201);
    expect((await call('GET', path)).status).toBe(200);
  });
});

describe('Datadog simulator: seed and control surface', () => {
  const sim = createDatadogSimulator();
  const call = client(sim);
  const control = (method: string, what: string, body?: unknown) =>
    fetch(`${sim.server.baseUrl}/__simulator/${what}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  beforeAll(async () => {
    await sim.server.listen();
  });
  afterAll(async () => {
    await sim.server.close();
  });
  beforeEach(() => {
    sim.server.reset();
  });

  it('serves every seeded connection', async () => {
    expect(sim.seedConnectionIds).toEqual(Object.values(DATADOG_SEED_CONNECTION_IDS));
    expect(sim.seedConnectionIds.length).toBeGreaterThanOrEqual(6);
    const types = new Set<unknown>();
    for (const id of sim.seedConnectionIds) {
      const reply = await call('GET', `${CONNECTIONS}/${id}`);
      expect(reply.status).toBe(200);
      expect(dataOf(reply).id).toBe(id);
      types.add(obj(dataOf(reply).attributes['integration'])['type']);
    }
    expect([...types]).toEqual(expect.arrayContaining(['AWS', 'HTTP', 'Datadog', 'ServiceNow', 'Okta', 'OpenAI']));
  });

  it('does not list connections (Datadog has no such endpoint)', async () => {
    const reply = await call('GET', CONNECTIONS);
    expect(reply.status).toBe(404);
  });

  it('logs header names but never their values', async () => {
    await call('GET', `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.okta}`);
    const response = await control('GET', 'requests');
    const text = await response.text();
    const log = obj(JSON.parse(text))['requests'] as { method: string; path: string; headerNames: string[] }[];
    expect(log).toHaveLength(1);
    expect(log[0]?.method).toBe('GET');
    expect(log[0]?.path).toBe(`${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.okta}`);
    expect(log[0]?.headerNames).toEqual(expect.arrayContaining(['dd-api-key', 'dd-application-key']));
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(APP_KEY);
  });

  it('injects a fault a limited number of times, then answers normally', async () => {
    const added = await control('POST', 'faults', { match: { method: 'GET', path: '^/api/v2/actions/connections/' }, times: 2, response: { status: 503, body: { errors: ['Service Unavailable'] } } });
    expect(added.status).toBe(201);
    const path = `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.okta}`;
    expect((await call('GET', path)).status).toBe(503);
    expect((await call('GET', path)).status).toBe(503);
    expect((await call('GET', path)).status).toBe(200);
  });

  it('resets the connection on an action: reset fault', async () => {
    expect((await control('POST', 'faults', { match: { path: '^/api/v2/actions/connections$' }, times: 1, action: 'reset' })).status).toBe(201);
    const before = sim.connectionIds();
    await expect(call('POST', CONNECTIONS, connectionBody('x', { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: 't' } }))).rejects.toThrow();
    expect(sim.connectionIds()).toEqual(before);
  });

  it('delays a response by delayMs', async () => {
    expect((await control('POST', 'faults', { times: 1, delayMs: 250 })).status).toBe(201);
    const started = performance.now();
    const reply = await call('GET', `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.okta}`);
    expect(reply.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('POST /__simulator/reset restores the seed', async () => {
    const created = await call('POST', CONNECTIONS, connectionBody('temp', { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: 't' } }));
    expect(created.status).toBe(201);
    expect((await call('DELETE', `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.okta}`)).status).toBe(204);
    expect((await call('PATCH', `${CONNECTIONS}/${DATADOG_SEED_CONNECTION_IDS.openAi}`, { data: { type: 'action_connection', attributes: { name: 'changed' } } })).status).toBe(200);
    expect((await call('DELETE', `${APP_KEYS}/${DATADOG_SEED_APP_KEY_IDS[0] ?? ''}`)).status).toBe(204);
    expect(sim.connectionIds()).not.toEqual(sim.seedConnectionIds);

    expect((await control('POST', 'reset')).status).toBe(204);
    expect(sim.connectionIds()).toEqual(sim.seedConnectionIds);
    expect(sim.storedConnection(DATADOG_SEED_CONNECTION_IDS.openAi)?.name).toBe('OpenAI (incident summaries)');
    expect(sim.appKeyRegistrationIds()).toEqual(DATADOG_SEED_APP_KEY_IDS);
    const log = obj(await (await control('GET', 'requests')).json())['requests'];
    expect(log).toEqual([]);
  });
});
