import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import type { AuditEntry } from '../../src/core/store/store.js';
import type { GqlResponse } from '../support/harness.js';
import {
  API_PATHS,
  APP_KEYS,
  CREATE,
  DELETE,
  GET,
  LIST,
  MISSING_UUID,
  REGISTER,
  TRACK,
  UNREGISTER,
  UNTRACK,
  UPDATE,
  at,
  closedPort,
  connectionGid,
  createAtSimulator,
  datadogAccount,
  field,
  list,
  obj,
  requestsOf,
  startDatadogEnv,
  text,
  unique,
  type DatadogEnv,
} from './support.js';

/*
 * What the gateway records about Datadog calls, in one file so both share one store:
 * - the audit log (acceptance, issue 2): every mutation appends one row with its operation,
 *   account, target id and outcome (`OK` or the typed error's name); reads append nothing;
 * - `extensions.vendorCalls`: one entry per vendor call with method, route template (no ids, no
 *   query), status, attempts and duration; never a header, a body or a credential.
 */

describe('audit log', () => {
  const ACCOUNT = 'dd-audit';

  let env: DatadogEnv;
  let authSim: DatadogSimulator;

  beforeAll(async () => {
    authSim = createDatadogSimulator({ apiKey: 'audit-right-api', appKey: 'audit-right-app' });
    const authUrl = await authSim.server.listen();
    env = await startDatadogEnv({ accounts: [ACCOUNT], extraAccounts: [datadogAccount('dd-audit-wrong-keys', authUrl)] });
  });
  afterAll(async () => {
    await env?.close();
    await authSim?.server.close();
  });
  afterEach(() => {
    env.sim.server.clearFaults();
  });

  /** Runs `action` and returns the audit rows it appended (oldest first). */
  async function appended(action: () => Promise<unknown>): Promise<AuditEntry[]> {
    const before = await env.h.store.listAudit({ limit: 1 });
    const lastId = before[0]?.id ?? 0;
    const startedAt = Date.now();
    await action();
    const rows = (await env.h.store.listAudit({ limit: 1000 })).filter((row) => row.id > lastId).reverse();
    for (const row of rows) {
      expect(row.caller).toBe('anonymous');
      expect(row.at.getTime()).toBeGreaterThanOrEqual(startedAt - 1_000);
      expect(row.at.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    }
    return rows;
  }

  /** The single row `action` appended, compared field by field. */
  async function expectOneRow(action: () => Promise<unknown>, expected: Pick<AuditEntry, 'operation' | 'account' | 'targetId' | 'outcome'>): Promise<void> {
    const rows = await appended(action);
    expect(rows.map(({ operation, account, targetId, outcome }) => ({ operation, account, targetId, outcome }))).toEqual([expected]);
  }

  async function createOpenAi(): Promise<{ id: string; connectionId: string }> {
    const created = field(await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Audit'), integration: { openAi: { apiToken: unique('sk-audit') } } } }));
    return { id: text(at(created, 'connection', 'id')), connectionId: text(at(created, 'connection', 'connectionId')) };
  }

  describe('createDatadogActionConnection', () => {
    it('OK, with the new global id as target', async () => {
      let id = '';
      const rows = await appended(async () => {
        id = (await createOpenAi()).id;
      });
      expect(rows.map(({ operation, account, targetId, outcome }) => ({ operation, account, targetId, outcome }))).toEqual([
        { operation: 'createDatadogActionConnection', account: ACCOUNT, targetId: id, outcome: 'OK' },
      ]);
    });

    it('InputValidationError', async () => {
      await expectOneRow(() => env.gql(CREATE, { input: { account: ACCOUNT, name: 'x', integration: { aws: { accountId: '1', role: 'r' } } } }), {
        operation: 'createDatadogActionConnection',
        account: ACCOUNT,
        targetId: null,
        outcome: 'InputValidationError',
      });
    });

    it('VendorValidationError, VendorAuthError and OutcomeUnknownError', async () => {
      env.sim.server.addFault({ match: { method: 'POST' }, times: 1, response: { status: 400, body: { errors: [{ title: 'Generic Error', detail: 'no' }] } } });
      await expectOneRow(() => env.gql(CREATE, { input: { account: ACCOUNT, name: 'x', integration: { gemini: { apiKey: 'k-1234' } } } }), {
        operation: 'createDatadogActionConnection',
        account: ACCOUNT,
        targetId: null,
        outcome: 'VendorValidationError',
      });
      await expectOneRow(() => env.gql(CREATE, { input: { account: 'dd-audit-wrong-keys', name: 'x', integration: { gemini: { apiKey: 'k-1234' } } } }), {
        operation: 'createDatadogActionConnection',
        account: 'dd-audit-wrong-keys',
        targetId: null,
        outcome: 'VendorAuthError',
      });
      env.sim.server.addFault({ match: { method: 'POST' }, times: 1, action: 'reset' });
      await expectOneRow(() => env.gql(CREATE, { input: { account: ACCOUNT, name: 'x', integration: { gemini: { apiKey: 'k-1234' } } } }), {
        operation: 'createDatadogActionConnection',
        account: ACCOUNT,
        targetId: null,
        outcome: 'OutcomeUnknownError',
      });
    });
  });

  describe('mutations on an existing connection record its account and global id', () => {
    it('updateDatadogActionConnection: OK and NotFoundError', async () => {
      const { id } = await createOpenAi();
      await expectOneRow(() => env.gql(UPDATE, { input: { id, name: unique('Audit renamed') } }), {
        operation: 'updateDatadogActionConnection',
        account: ACCOUNT,
        targetId: id,
        outcome: 'OK',
      });
      const missing = connectionGid(ACCOUNT, MISSING_UUID);
      await expectOneRow(() => env.gql(UPDATE, { input: { id: missing, name: 'x' } }), {
        operation: 'updateDatadogActionConnection',
        account: ACCOUNT,
        targetId: missing,
        outcome: 'NotFoundError',
      });
    });

    it('deleteDatadogActionConnection: OK', async () => {
      const { id } = await createOpenAi();
      await expectOneRow(() => env.gql(DELETE, { id }), { operation: 'deleteDatadogActionConnection', account: ACCOUNT, targetId: id, outcome: 'OK' });
    });

    it('untrackDatadogActionConnection: OK', async () => {
      const { id } = await createOpenAi();
      await expectOneRow(() => env.gql(UNTRACK, { id }), { operation: 'untrackDatadogActionConnection', account: ACCOUNT, targetId: id, outcome: 'OK' });
    });

    it('a foreign id: NotFoundError, no account to name', async () => {
      await expectOneRow(() => env.gql(DELETE, { id: 'garbage' }), { operation: 'deleteDatadogActionConnection', account: null, targetId: 'garbage', outcome: 'NotFoundError' });
    });
  });

  describe('trackDatadogActionConnection', () => {
    it('OK, with the global id of the adopted connection', async () => {
      const connectionId = await createAtSimulator(env.sim, unique('Audit adopted'), { type: 'Gemini', credentials: { type: 'GeminiAPIKey', api_key: 'outside-key' } });
      await expectOneRow(() => env.gql(TRACK, { account: ACCOUNT, connectionId }), {
        operation: 'trackDatadogActionConnection',
        account: ACCOUNT,
        targetId: connectionGid(ACCOUNT, connectionId),
        outcome: 'OK',
      });
    });

    it('NotFoundError', async () => {
      const rows = await appended(() => env.gql(TRACK, { account: ACCOUNT, connectionId: MISSING_UUID }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ operation: 'trackDatadogActionConnection', account: ACCOUNT, outcome: 'NotFoundError' });
    });
  });

  describe('app key registrations', () => {
    it('registerDatadogAppKey OK, unregisterDatadogAppKey OK then NotFoundError', async () => {
      const appKeyId = randomUUID();
      await expectOneRow(() => env.gql(REGISTER, { account: ACCOUNT, appKeyId }), { operation: 'registerDatadogAppKey', account: ACCOUNT, targetId: appKeyId, outcome: 'OK' });
      await expectOneRow(() => env.gql(UNREGISTER, { account: ACCOUNT, appKeyId }), { operation: 'unregisterDatadogAppKey', account: ACCOUNT, targetId: appKeyId, outcome: 'OK' });
      await expectOneRow(() => env.gql(UNREGISTER, { account: ACCOUNT, appKeyId }), {
        operation: 'unregisterDatadogAppKey',
        account: ACCOUNT,
        targetId: appKeyId,
        outcome: 'NotFoundError',
      });
    });
  });

  describe('reads', () => {
    it('append nothing', async () => {
      const { id } = await createOpenAi();
      const rows = await appended(async () => {
        await env.gql(GET, { id });
        await env.gql(LIST, { filter: { accounts: [ACCOUNT] } });
        await env.gql(APP_KEYS, { account: ACCOUNT });
      });
      expect(rows).toEqual([]);
    });

    it('one request with two mutations appends two rows, in order', async () => {
      const a = randomUUID();
      const b = randomUUID();
      const rows = await appended(() =>
        env.gql(
          `mutation($a: String!, $b: String!) {
            first: registerDatadogAppKey(input: { account: "${ACCOUNT}", appKeyId: $a }) { __typename }
            second: registerDatadogAppKey(input: { account: "${ACCOUNT}", appKeyId: $b }) { __typename }
          }`,
          { a, b },
        ),
      );
      expect(rows.map((r) => [r.operation, r.targetId, r.outcome])).toEqual([
        ['registerDatadogAppKey', a, 'OK'],
        ['registerDatadogAppKey', b, 'OK'],
      ]);
    });
  });
});

describe('extensions.vendorCalls', () => {
  const ACCOUNT = 'dd-calls';
  const KEYS = { apiKey: 'calls-api-key-3f9d0c', appKey: 'calls-app-key-8e21b7' };
  const CONNECTION_ROUTE = `${API_PATHS.connections}/{connection_id}`;
  const APP_KEY_ROUTE = `${API_PATHS.appKeys}/{app_key_id}`;
  const CALL_KEYS = ['account', 'attempts', 'cached', 'durationMs', 'method', 'route', 'status', 'vendor'];

  let env: DatadogEnv;
  let quiet: DatadogEnv;

  beforeAll(async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    env = await startDatadogEnv({ accounts: [ACCOUNT, 'dd-calls-retry'], keys: KEYS, extraAccounts: [datadogAccount('dd-calls-refused', refused)] });
    quiet = await startDatadogEnv({ accounts: ['dd-calls-quiet'], exposeVendorCalls: false });
  });
  afterAll(async () => {
    await env?.close();
    await quiet?.close();
  });
  afterEach(() => {
    env.sim.server.clearFaults();
    env.sim.server.clearRequests();
  });

  /** The calls of a response, each checked to carry only the documented keys. */
  function callsOf(response: GqlResponse): Record<string, unknown>[] {
    const calls = list(at(response.extensions, 'vendorCalls')).map((c) => obj(c));
    for (const call of calls) {
      expect(Object.keys(call).sort()).toEqual(CALL_KEYS);
      expect(call['vendor']).toBe('datadog');
      expect(typeof call['durationMs']).toBe('number');
      expect(call['durationMs']).toBeGreaterThanOrEqual(0);
      expect(typeof call['cached']).toBe('boolean');
      // A read served from the request's cache made no call: no status, no attempt.
      if (call['cached'] === true) expect(call).toMatchObject({ status: null, attempts: 0 });
      expect(text(call['route'])).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}|\?/);
    }
    // Never a header name or value, a credential or a body.
    const serialized = JSON.stringify(calls);
    for (const forbidden of [KEYS.apiKey, KEYS.appKey, 'dd-api-key', 'DD-API-KEY', 'content-type', 'action_connection', 'attributes']) {
      expect(serialized).not.toContain(forbidden);
    }
    return calls;
  }

  /** The calls that went to Datadog (cache hits left out), with the fields worth comparing. */
  const essentials = (calls: Record<string, unknown>[]) =>
    calls.filter((c) => c['cached'] === false).map(({ account, method, route, status, attempts }) => ({ account, method, route, status, attempts }));

  describe('each call', () => {
    it('lists each call of create, read, update and delete with its route template and status', async () => {
      const name = unique('Calls');
      const created = await env.gql(CREATE, { input: { account: ACCOUNT, name, integration: { okta: { domain: 'acme.okta.com', apiToken: unique('okta-token') } } } });
      const id = text(at(field(created), 'connection', 'id'));
      const connectionId = text(at(field(created), 'connection', 'connectionId'));
      expect(essentials(callsOf(created))).toEqual([{ account: ACCOUNT, method: 'POST', route: API_PATHS.connections, status: 201, attempts: 1 }]);

      const read = await env.gql(GET, { id });
      expect(essentials(callsOf(read))).toEqual([{ account: ACCOUNT, method: 'GET', route: CONNECTION_ROUTE, status: 200, attempts: 1 }]);
      expect(JSON.stringify(read.extensions)).not.toContain(connectionId);
      expect(JSON.stringify(read.extensions)).not.toContain(name);

      const updated = await env.gql(UPDATE, { input: { id, integration: { okta: { domain: 'eu.okta.com' } } } });
      expect(essentials(callsOf(updated))).toEqual([
        { account: ACCOUNT, method: 'GET', route: CONNECTION_ROUTE, status: 200, attempts: 1 },
        { account: ACCOUNT, method: 'PATCH', route: CONNECTION_ROUTE, status: 200, attempts: 1 },
      ]);

      const deleted = await env.gql(DELETE, { id });
      expect(essentials(callsOf(deleted))).toEqual([{ account: ACCOUNT, method: 'DELETE', route: CONNECTION_ROUTE, status: 204, attempts: 1 }]);
      const again = await env.gql(DELETE, { id });
      expect(essentials(callsOf(again))).toEqual([{ account: ACCOUNT, method: 'DELETE', route: CONNECTION_ROUTE, status: 404, attempts: 1 }]);
    });

    it('app key calls: list without its query string, register, unregister', async () => {
      const listed = await env.gql(APP_KEYS, { account: ACCOUNT, first: 5 });
      expect(essentials(callsOf(listed))).toEqual([{ account: ACCOUNT, method: 'GET', route: API_PATHS.appKeys, status: 200, attempts: 1 }]);
      expect(JSON.stringify(listed.extensions)).not.toContain('page');
      const appKeyId = randomUUID();
      const registered = await env.gql(REGISTER, { account: ACCOUNT, appKeyId });
      expect(essentials(callsOf(registered))).toEqual([{ account: ACCOUNT, method: 'PUT', route: APP_KEY_ROUTE, status: 201, attempts: 1 }]);
      const unregistered = await env.gql(UNREGISTER, { account: ACCOUNT, appKeyId });
      expect(essentials(callsOf(unregistered))).toEqual([{ account: ACCOUNT, method: 'DELETE', route: APP_KEY_ROUTE, status: 204, attempts: 1 }]);
      expect(JSON.stringify([registered.extensions, unregistered.extensions])).not.toContain(appKeyId);
    });

    it('a call that got no answer has a null status; input refused before any call lists none', async () => {
      const refused = await env.gql(APP_KEYS, { account: 'dd-calls-refused' });
      const calls = callsOf(refused);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ account: 'dd-calls-refused', method: 'GET', route: API_PATHS.appKeys, status: null });
      expect(calls[0]?.['attempts']).toBeGreaterThanOrEqual(1);
      const invalid = await env.gql(CREATE, { input: { account: ACCOUNT, name: 'x', integration: { aws: { accountId: '1', role: 'r' } } } });
      expect(callsOf(invalid)).toEqual([]);
    });

    it('attempts counts a retried read; durationMs covers the time spent', async () => {
      env.sim.server.addFault({ match: { method: 'GET', path: API_PATHS.appKeys }, times: 1, response: { status: 503, body: { errors: ['Service Unavailable'] } } });
      const retried = await env.gql(APP_KEYS, { account: 'dd-calls-retry' });
      expect(field(retried)['__typename']).toBe('DatadogAppKeyRegistrationPage');
      expect(essentials(callsOf(retried))).toEqual([{ account: 'dd-calls-retry', method: 'GET', route: API_PATHS.appKeys, status: 200, attempts: 2 }]);
      env.sim.server.addFault({ match: { method: 'GET', path: API_PATHS.appKeys }, times: 1, delayMs: 200 });
      const slow = callsOf(await env.gql(APP_KEYS, { account: ACCOUNT }));
      expect(slow[0]?.['durationMs']).toBeGreaterThanOrEqual(190);
    });

    it('one vendor call per connection per request, however often the query names it', async () => {
      const created = field(await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Calls batched'), integration: { notion: { apiToken: unique('notion') } } } }));
      const id = text(at(created, 'connection', 'id'));
      env.sim.server.clearRequests();
      const response = await env.gql(
        `query($id: ID!) {
          a: connection(id: $id) { __typename }
          b: connection(id: $id) { ... on DatadogActionConnection { name } }
          c: node(id: $id) { id }
          d: nodes(ids: [$id, $id]) { id }
        }`,
        { id },
      );
      expect(response.errors).toBeUndefined();
      const calls = callsOf(response);
      expect(essentials(calls)).toEqual([{ account: ACCOUNT, method: 'GET', route: CONNECTION_ROUTE, status: 200, attempts: 1 }]);
      // Any other mention of the id was served from the request's cache, and says so.
      for (const call of calls.filter((c) => c['cached'] !== false)) expect(call).toMatchObject({ account: ACCOUNT, method: 'GET', route: CONNECTION_ROUTE, cached: true });
      expect(requestsOf(env.sim)).toHaveLength(1);
    });

    it('`connections` reads each tracked connection once, concurrently listed as separate calls', async () => {
      const account = ACCOUNT;
      await env.gql(CREATE, { input: { account, name: unique('Calls listed'), integration: { fastly: { apiKey: unique('fastly') } } } });
      // One tracked id that Datadog no longer has (deleted outside Patchbay).
      await env.h.store.trackDatadogConnection(account, MISSING_UUID);
      const tracked = await env.h.store.listTrackedDatadogConnections(account);
      expect(tracked.length).toBeGreaterThanOrEqual(2);
      env.sim.server.clearRequests();
      const response = await env.gql(LIST, { filter: { accounts: [account] } });
      const page = field(response, 'connections');
      const calls = callsOf(response).filter((c) => c['cached'] === false);
      expect(calls).toHaveLength(tracked.length);
      expect(new Set(calls.map((c) => `${String(c['method'])} ${String(c['route'])}`))).toEqual(new Set([`GET ${CONNECTION_ROUTE}`]));
      expect(
        requestsOf(env.sim)
          .map((r) => r.path)
          .sort(),
      ).toEqual(tracked.map((t) => `${API_PATHS.connections}/${t.connectionId}`).sort());
      expect(calls.map((c) => c['status']).sort()).toEqual([...Array<number>(tracked.length - 1).fill(200), 404]);
      // The tracked id Datadog no longer has is dropped from the list, not failed.
      expect(page['failures']).toEqual([]);
      expect(page['totalCount']).toBe(tracked.length - 1);
    });

    it('is absent when the gateway does not expose vendor calls', async () => {
      const response = await quiet.gql(GET, { id: connectionGid('dd-calls-quiet', quiet.sim.seedConnectionIds[0] ?? MISSING_UUID) });
      expect(response.extensions?.['vendorCalls']).toBeUndefined();
      expect(response.raw).not.toContain('vendorCalls');
    });
  });
});
