import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { DATADOG_INTEGRATIONS } from '../../src/vendors/datadog/catalogue.js';
import { Conformance, type ConformanceRequest, type Exchange, expectConforms } from './conformance.js';

/*
 * Every answer of the Datadog simulator against openapi-v2-action-connection.yaml: the requests
 * Patchbay sends (connections: create, read, update, delete; app key registrations: register,
 * read, list with paging, unregister) and their error paths (400, 403, 404).
 */

const CONNECTIONS = '/api/v2/actions/connections';
const APP_KEYS = '/api/v2/actions/app_key_registrations';
const MISSING = 'aaa11111-aa11-aa11-aaaa-aaaaaa111111';
const KEYS = { 'DD-API-KEY': 'conformance-api-key', 'DD-APPLICATION-KEY': 'conformance-app-key' };

// The real API wants the calling app key registered; the simulator gates on "any registration", which the 403 test removes.
const sim = createDatadogSimulator({ requireAppKeyRegistration: true });
const check = new Conformance('datadog', () => sim.server.baseUrl);

beforeAll(async () => {
  await sim.server.listen();
});
afterAll(async () => {
  await sim.server.close();
});

function call(request: ConformanceRequest): Promise<Exchange> {
  return check.send({ ...request, headers: { ...KEYS, ...request.headers } });
}

function idOf(exchange: Exchange): string {
  const data = (exchange.json as { data?: { id?: unknown } } | undefined)?.data;
  if (typeof data?.id !== 'string') throw new Error(`no data.id in ${exchange.text}`);
  return data.id;
}

/** A made-up value Datadog accepts for a non-secret field. */
function plainValue(wire: string): string {
  if (wire === 'account_id') return '123456789012';
  if (wire === 'tenant_id' || wire === 'app_client_id') return '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
  if (wire === 'auth_email') return 'ops@example.com';
  if (wire === 'service_account_email') return 'workflows@acme-prod.iam.gserviceaccount.com';
  if (wire === 'datacenter') return 'us1';
  return `conformance-${wire.replace(/_/g, '-')}`;
}

/** The create body Patchbay sends for one credential variant (every field it may set). */
function createBody(integrationType: string, credentialType: string, fields: readonly { wire: string; secret: boolean; readOnly?: boolean }[]): unknown {
  const credentials: Record<string, string> = { type: credentialType };
  for (const field of fields) if (!field.readOnly) credentials[field.wire] = field.secret ? `secret-${field.wire}-0c1d2e` : plainValue(field.wire);
  return { data: { type: 'action_connection', attributes: { name: `Conformance ${credentialType}`, tags: ['team:platform'], integration: { type: integrationType, credentials } } } };
}

const HTTP_BODY = {
  data: {
    type: 'action_connection',
    attributes: {
      name: 'Conformance HTTP',
      integration: {
        type: 'HTTP',
        base_url: 'https://status.example.com/api',
        credentials: {
          type: 'HTTPTokenAuth',
          headers: [{ name: 'X-Request-Source', value: 'patchbay' }],
          tokens: [{ name: 'apiKey', type: 'SECRET', value: 'secret-token-8f14e4' }],
          url_parameters: [{ name: 'region', value: 'eu' }],
          body: { content_type: 'application/json', content: '{"page":"{{ apiKey }}"}' },
        },
      },
    },
  },
};

describe('connections', () => {
  it('reads every seeded connection (200)', async () => {
    for (const id of sim.seedConnectionIds) expectConforms(await call({ method: 'GET', path: `${CONNECTIONS}/${id}` }), 200);
  });

  for (const spec of DATADOG_INTEGRATIONS.filter((s) => s.type !== 'HTTP')) {
    for (const variant of spec.variants) {
      it(`creates, reads, updates and deletes ${spec.type}/${variant.type} (201, 200, 200, 204)`, async () => {
        const created = await call({ method: 'POST', path: CONNECTIONS, json: createBody(spec.type, variant.type, variant.fields) });
        expectConforms(created, 201);
        const path = `${CONNECTIONS}/${idOf(created)}`;
        expectConforms(await call({ method: 'GET', path }), 200);
        const patch = { data: { type: 'action_connection', attributes: { name: `Renamed ${variant.type}`, tags: ['team:sre'] } } };
        expectConforms(await call({ method: 'PATCH', path, json: patch }), 200);
        expectConforms(await call({ method: 'DELETE', path }), 204);
      });
    }
  }

  it('creates and updates an HTTP connection with headers, tokens, URL parameters and a body (201, 200)', async () => {
    const created = await call({ method: 'POST', path: CONNECTIONS, json: HTTP_BODY });
    expectConforms(created, 201);
    const patch = {
      data: { type: 'action_connection', attributes: { integration: { type: 'HTTP', credentials: { type: 'HTTPTokenAuth', url_parameters: [{ name: 'region', value: 'us' }] } } } },
    };
    expectConforms(await call({ method: 'PATCH', path: `${CONNECTIONS}/${idOf(created)}`, json: patch }), 200);
  });

  it('asks for a new AWS external id on update (200)', async () => {
    const created = await call({
      method: 'POST',
      path: CONNECTIONS,
      json: createBody('AWS', 'AWSAssumeRole', [
        { wire: 'account_id', secret: false },
        { wire: 'role', secret: false },
      ]),
    });
    expectConforms(created, 201);
    const patch = { data: { type: 'action_connection', attributes: { integration: { type: 'AWS', credentials: { type: 'AWSAssumeRole', generate_new_external_id: true } } } } };
    expectConforms(await call({ method: 'PATCH', path: `${CONNECTIONS}/${idOf(created)}`, json: patch }), 200);
  });

  it('refuses invalid bodies and ids (400)', async () => {
    // The recorded 400: an AWS account id that is not 12 digits.
    expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: createBody('AWS', 'AWSAssumeRole', [{ wire: 'role', secret: false }]) }), 400);
    expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: { data: { type: 'action_connection', attributes: { name: '' } } } }), 400);
    expectConforms(await call({ method: 'GET', path: `${CONNECTIONS}/not-a-uuid` }), 400);
    const id = sim.seedConnectionIds[0] ?? '';
    expectConforms(await call({ method: 'PATCH', path: `${CONNECTIONS}/${id}`, json: { data: { type: 'action_connection', attributes: { tags: ['default:x'] } } } }), 400);
  });

  it('answers unknown connections (404)', async () => {
    const path = `${CONNECTIONS}/${MISSING}`;
    expectConforms(await call({ method: 'GET', path }), 404);
    expectConforms(await call({ method: 'PATCH', path, json: { data: { type: 'action_connection', attributes: { name: 'x' } } } }), 404);
    expectConforms(await call({ method: 'DELETE', path }), 404);
  });
});

describe('app key registrations', () => {
  const appKey = '5b2c7e1a-9d4f-4e3b-8a6c-1f0e9d8c7b6a';

  it('registers, reads, lists page by page and unregisters (201, 200, 200, 204)', async () => {
    expectConforms(await call({ method: 'PUT', path: `${APP_KEYS}/${appKey}` }), 201);
    expectConforms(await call({ method: 'GET', path: `${APP_KEYS}/${appKey}` }), 200);
    expectConforms(await call({ method: 'GET', path: APP_KEYS }), 200);
    const first = await call({ method: 'GET', path: APP_KEYS, query: { 'page[size]': 1, 'page[number]': 0 } });
    expectConforms(first, 200);
    expectConforms(await call({ method: 'GET', path: APP_KEYS, query: { 'page[size]': 1, 'page[number]': 1 } }), 200);
    expectConforms(await call({ method: 'DELETE', path: `${APP_KEYS}/${appKey}` }), 204);
  });

  it('refuses ids that are not UUIDs and bad paging (400)', async () => {
    expectConforms(await call({ method: 'PUT', path: `${APP_KEYS}/not_valid_app_key_id` }), 400);
    expectConforms(await call({ method: 'GET', path: `${APP_KEYS}/not_valid_app_key_id` }), 400);
    expectConforms(await call({ method: 'DELETE', path: `${APP_KEYS}/not_valid_app_key_id` }), 400);
    expectConforms(await call({ method: 'GET', path: APP_KEYS, query: { 'page[size]': 'many' } }), 400);
    expectConforms(await call({ method: 'GET', path: APP_KEYS, query: { 'page[size]': 0 } }), 400);
  });

  it('answers unknown registrations (404)', async () => {
    expectConforms(await call({ method: 'GET', path: `${APP_KEYS}/${MISSING}` }), 404);
    expectConforms(await call({ method: 'DELETE', path: `${APP_KEYS}/${MISSING}` }), 404);
  });
});

describe('refusals', () => {
  it('refuses requests without keys on every operation (403)', async () => {
    const id = sim.seedConnectionIds[0] ?? '';
    const requests: ConformanceRequest[] = [
      { method: 'POST', path: CONNECTIONS, json: HTTP_BODY },
      { method: 'GET', path: `${CONNECTIONS}/${id}` },
      { method: 'PATCH', path: `${CONNECTIONS}/${id}`, json: { data: { type: 'action_connection', attributes: { name: 'x' } } } },
      { method: 'DELETE', path: `${CONNECTIONS}/${id}` },
      { method: 'GET', path: APP_KEYS },
      { method: 'PUT', path: `${APP_KEYS}/${MISSING}` },
      { method: 'GET', path: `${APP_KEYS}/${MISSING}` },
      { method: 'DELETE', path: `${APP_KEYS}/${MISSING}` },
    ];
    for (const request of requests) expectConforms(await check.send(request), 403);
  });

  it('refuses the connection endpoints while no app key is registered (403)', async () => {
    for (const id of sim.appKeyRegistrationIds()) expectConforms(await call({ method: 'DELETE', path: `${APP_KEYS}/${id}` }), 204);
    const id = sim.seedConnectionIds[0] ?? '';
    expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: HTTP_BODY }), 403);
    expectConforms(await call({ method: 'GET', path: `${CONNECTIONS}/${id}` }), 403);
    expectConforms(await call({ method: 'PATCH', path: `${CONNECTIONS}/${id}`, json: { data: { type: 'action_connection', attributes: { name: 'x' } } } }), 403);
    expectConforms(await call({ method: 'DELETE', path: `${CONNECTIONS}/${id}` }), 403);
  });
});

describe('coverage', () => {
  it('reached every documented operation', () => {
    expect(check.unexercisedOperations()).toEqual([]);
  });

  it('met every deviation listed for Datadog', () => {
    expect(check.unmetDeviations()).toEqual([]);
  });
});
