import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATADOG_SEED_CONNECTION_IDS, DATADOG_SEED_USER_ID } from '../../src/simulators/datadog/seed.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { API_PATHS, MISSING_UUID, at, obj } from './support.js';

/*
 * Issue 10, point 5, on the wire: the Datadog simulator answers as the real API's recordings do
 * (CONTRACT.md, "Fields beyond the spec" and "Errors"), and its malformed-connection knob breaks
 * exactly the connection it names.
 */

const KEYS = { 'DD-API-KEY': 'fidelity-api-key', 'DD-APPLICATION-KEY': 'fidelity-app-key' };
const USER = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
/** Go's `time.Time` text as recorded: `2024-12-11 20:32:27.173761 +0000 UTC`. */
const GO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d*[1-9])? \+0000 UTC$/;

let sim: DatadogSimulator;
let clock = new Date(0);

beforeAll(async () => {
  sim = createDatadogSimulator({ now: () => clock, userId: USER });
  await sim.server.listen();
});
afterAll(async () => {
  await sim?.server.close();
});
beforeEach(() => {
  sim.server.reset();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: unknown }> {
  const response = await fetch(`${sim.server.baseUrl}${path}`, {
    method,
    headers: { ...KEYS, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const AWS = { type: 'AWS', credentials: { type: 'AWSAssumeRole', account_id: '123456789123', role: 'MyRoleUpdated' } };

describe('the connection record beyond the spec', () => {
  it('create (201) answers without it, as recorded; GET and PATCH answer with it in Go time format', async () => {
    clock = new Date('2025-03-26T20:25:02.210Z');
    const created = await call('POST', API_PATHS.connections, { data: { type: 'action_connection', attributes: { name: 'Cassette Connection', integration: AWS } } });
    expect(created.status).toBe(201);
    const data = obj(at(created.json, 'data'));
    expect(Object.keys(data)).toEqual(['id', 'type', 'attributes']);
    expect(Object.keys(obj(data['attributes']))).toEqual(['integration', 'name']);
    const id = String(data['id']);

    const read = await call('GET', `${API_PATHS.connections}/${id}`);
    expect(read.status).toBe(200);
    // Attributes in Go's map order (alphabetical), relationships after them, as recorded.
    expect(Object.keys(obj(at(read.json, 'data')))).toEqual(['id', 'type', 'attributes', 'relationships']);
    expect(Object.keys(obj(at(read.json, 'data', 'attributes')))).toEqual(['acting_user_can_resolve', 'created_at', 'integration', 'last_updated', 'name']);
    expect(at(read.json, 'data', 'attributes', 'created_at')).toBe('2025-03-26 20:25:02.21 +0000 UTC');
    expect(at(read.json, 'data', 'attributes', 'last_updated')).toBe('2025-03-26 20:25:02.21 +0000 UTC');
    expect(at(read.json, 'data', 'attributes', 'acting_user_can_resolve')).toBe(false);
    expect(at(read.json, 'data', 'relationships')).toEqual({ created_by: { data: { id: USER, type: 'created_by' } } });

    clock = new Date('2025-03-26T20:30:00.000Z');
    const patched = await call('PATCH', `${API_PATHS.connections}/${id}`, { data: { type: 'action_connection', attributes: { name: 'Renamed' } } });
    expect(patched.status).toBe(200);
    expect(at(patched.json, 'data', 'attributes', 'created_at')).toBe('2025-03-26 20:25:02.21 +0000 UTC');
    // A zero fraction is left out, as Go prints it.
    expect(at(patched.json, 'data', 'attributes', 'last_updated')).toBe('2025-03-26 20:30:00 +0000 UTC');
  });

  it('every seeded connection carries a record by the seed user', async () => {
    for (const id of Object.values(DATADOG_SEED_CONNECTION_IDS)) {
      const read = await call('GET', `${API_PATHS.connections}/${id}`);
      expect(String(at(read.json, 'data', 'attributes', 'created_at'))).toMatch(GO_TIME);
      expect(String(at(read.json, 'data', 'attributes', 'last_updated'))).toMatch(GO_TIME);
      expect(at(read.json, 'data', 'relationships', 'created_by', 'data', 'id')).toBe(DATADOG_SEED_USER_ID);
    }
  });
});

describe('recorded error texts', () => {
  it('a PATCH of a missing connection uses the create wording, as recorded', async () => {
    const patch = await call('PATCH', `${API_PATHS.connections}/${MISSING_UUID}`, { data: { type: 'action_connection', attributes: { name: 'Cassette Connection', integration: AWS } } });
    expect(patch.status).toBe(404);
    expect(patch.text).toBe('{"errors":[{"title":"Generic Error","detail":"error creating connection: rpc error: code = NotFound desc = connection not found"}]}');
  });

  it('a PATCH with a bad AWS account id names the update messages, as recorded', async () => {
    const patch = await call('PATCH', `${API_PATHS.connections}/${DATADOG_SEED_CONNECTION_IDS.awsProduction}`, {
      data: { type: 'action_connection', attributes: { name: 'Cassette Connection', integration: { type: 'AWS', credentials: { type: 'AWSAssumeRole', account_id: '1', role: 'MyRoleUpdated' } } } },
    });
    expect(patch.status).toBe(400);
    expect(patch.json).toEqual({
      errors: [
        {
          title: 'Generic Error',
          detail:
            'error creating connection: rpc error: code = InvalidArgument desc = multiple errors: 1 error occurred:\n\t* [error_code=8]: invalid UpdateCustomConnectionRequest.DataUpdate: embedded message failed validation | caused by: invalid CustomConnectionDataUpdate.Aws: embedded message failed validation | caused by: invalid CustomConnectionDataUpdate_AwsAuth.AssumeRole: embedded message failed validation | caused by: invalid CustomConnectionDataUpdate_AwsAuth_AssumeRole.AccountId: value does not match regex pattern "^\\\\d{12}$"\n\n',
        },
      ],
    });
  });

  it('a connection id that is not a UUID gets the backend’s recorded 400; an app key id the front layer’s', async () => {
    const get = await call('GET', `${API_PATHS.connections}/bad%20format`);
    expect(get.status).toBe(400);
    expect(get.text).toBe('{"errors":[{"title":"Generic Error","detail":"error connectionId not a valid UUID"}]}');
    const appKey = await call('GET', `${API_PATHS.appKeys}/not_valid_app_key_id`);
    expect(appKey.json).toEqual({ errors: [{ status: '400', title: 'Invalid Parameter', detail: 'invalid parameter "appKeyId" in "path"; expected type "uuid"' }] });
  });
});

describe('the malformed-connection knob', () => {
  it('lays raw values over the named connection only, until cleared or reset', async () => {
    const broken = DATADOG_SEED_CONNECTION_IDS.okta;
    const fine = DATADOG_SEED_CONNECTION_IDS.openAi;
    sim.malformConnection(broken, { name: null, created_at: 'soon' });
    const read = await call('GET', `${API_PATHS.connections}/${broken}`);
    expect(at(read.json, 'data', 'attributes', 'name')).toBeNull();
    expect(at(read.json, 'data', 'attributes', 'created_at')).toBe('soon');
    expect(at(read.json, 'data', 'attributes', 'integration', 'type')).toBe('Okta');
    expect(at(await call('GET', `${API_PATHS.connections}/${fine}`), 'json', 'data', 'attributes', 'name')).toBe('OpenAI (incident summaries)');
    sim.clearMalformedConnections();
    expect(at((await call('GET', `${API_PATHS.connections}/${broken}`)).json, 'data', 'attributes', 'name')).toBe('Okta workforce directory');
    sim.malformConnection(broken, { name: 42 });
    sim.server.reset();
    expect(at((await call('GET', `${API_PATHS.connections}/${broken}`)).json, 'data', 'attributes', 'name')).toBe('Okta workforce directory');
  });
});
