import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountEntry } from '../../src/app/accounts.js';
import { createRequestContext } from '../../src/app/context.js';
import { ANONYMOUS } from '../../src/core/auth/authenticator.js';
import { InputValidationError } from '../../src/core/errors.js';
import type { DatadogClient } from '../../src/vendors/datadog/client.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';
import { CREATE, DELETE, UPDATE, at, field, requestsOf, startDatadogEnv, text, unique, type DatadogEnv } from './support.js';

/*
 * Key custody (issue 14), Datadog's part: a write through Patchbay stores a keyed fingerprint per
 * secret field (named as the connection's hints name it), never the value; an update (a PATCH)
 * replaces the fingerprints of what it sent and drops those of what it deleted; a delete drops
 * them all. The custody writer rotates one secret with a PATCH of that field alone.
 */

const ACCOUNT = 'dd-custody';
/** Every secret of this file carries the canary, so one search finds any of them. */
const CANARY = `canary${randomBytes(8).toString('hex')}`;
const sent: string[] = [];

let env: DatadogEnv;

function secret(label: string): string {
  const value = `${CANARY}-${label}-${randomBytes(6).toString('hex')}`;
  sent.push(value);
  return value;
}

function gidOf(payload: Record<string, unknown>): string {
  return text(at(payload, 'connection', 'id'));
}

function connectionIdOf(payload: Record<string, unknown>): string {
  return text(at(payload, 'connection', 'connectionId'));
}

async function fingerprints(gid: string) {
  return env.h.store.listFingerprints([gid]);
}

/** How many times `value` occurs in the simulator's stored connection (secrets included). */
function occurrences(connectionId: string, value: string): number {
  return JSON.stringify(env.sim.storedConnection(connectionId)).split(value).length - 1;
}

function expectNoCanary(haystack: string, where: string): void {
  expect(haystack.includes(CANARY), `the canary in ${where}`).toBe(false);
}

beforeAll(async () => {
  env = await startDatadogEnv({ accounts: [ACCOUNT] });
});

afterAll(async () => {
  // Whatever the tests did, no secret reached the store's rows, the audit log or the log lines.
  const rows = JSON.stringify(await env.h.store.listFingerprints());
  const audit = JSON.stringify(await env.h.store.listAudit({ limit: 500 }));
  await env?.close();
  expectNoCanary(rows, 'fingerprint rows');
  expectNoCanary(audit, 'audit rows');
  expectNoCanary(env.h.logger.lines.join('\n'), 'log lines');
});

beforeEach(() => {
  env.sim.server.clearRequests();
});

describe('fingerprints of writes through Patchbay', () => {
  it('a create stores one row per secret field, named as the hints name them, and no value', async () => {
    const token = secret('token');
    const header = secret('header');
    const body = secret('body');
    const response = await env.gql(CREATE, {
      input: {
        account: ACCOUNT,
        name: unique('Custody HTTP'),
        integration: {
          http: {
            baseUrl: 'https://api.example.com',
            tokens: [{ name: 'apiKey', value: token }],
            headers: [{ name: 'X-Api-Key', value: header }],
            body: { content: body, contentType: 'application/json' },
          },
        },
      },
    });
    expectNoCanary(response.raw, 'the create answer');
    const created = field(response);
    const gid = gidOf(created);
    const hints = (at(created, 'connection', 'secrets') as { field: string }[]).map((hint) => hint.field).sort();
    const rows = await fingerprints(gid);
    expect(rows.map((row) => row.field)).toEqual(['body.content', 'headers.X-Api-Key', 'tokens.apiKey']);
    // The rows are named as the connection's hints: that is what previews and secretUsages compare.
    expect(hints).toEqual(rows.map((row) => row.field));
    const key = env.h.runtime.deps.custodyKey;
    const byField = new Map(rows.map((row) => [row.field, row]));
    expect(key.matches(token, byField.get('tokens.apiKey')?.fingerprint ?? '')).toBe(true);
    expect(key.matches(header, byField.get('headers.X-Api-Key')?.fingerprint ?? '')).toBe(true);
    expect(key.matches(body, byField.get('body.content')?.fingerprint ?? '')).toBe(true);
    for (const row of rows) {
      expect(row).toMatchObject({ connectionId: gid, account: ACCOUNT, vendor: 'datadog', service: 'HTTP' });
      expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
    expectNoCanary(JSON.stringify(rows), 'fingerprint rows');
  });

  it('an update replaces the fingerprint of a secret it sends, drops one it deletes, and keeps the others', async () => {
    const oldToken = secret('old-token');
    const header = secret('header');
    const other = secret('other-token');
    const created = field(
      await env.gql(CREATE, {
        input: {
          account: ACCOUNT,
          name: unique('Custody update'),
          integration: {
            http: {
              baseUrl: 'https://api.example.com',
              tokens: [
                { name: 'apiKey', value: oldToken },
                { name: 'other', value: other },
              ],
              headers: [{ name: 'X-Api-Key', value: header }],
            },
          },
        },
      }),
    );
    const gid = gidOf(created);
    const before = new Map((await fingerprints(gid)).map((row) => [row.field, row.fingerprint]));
    expect([...before.keys()]).toEqual(['headers.X-Api-Key', 'tokens.apiKey', 'tokens.other']);
    const newToken = secret('new-token');
    const updated = await env.gql(UPDATE, { input: { id: gid, integration: { http: { tokens: [{ name: 'apiKey', value: newToken }], headers: [{ name: 'X-Api-Key', deleted: true }] } } } });
    expectNoCanary(updated.raw, 'the update answer');
    expect(field(updated)['__typename']).toBe('DatadogActionConnectionPayload');
    const after = await fingerprints(gid);
    expect(after.map((row) => row.field)).toEqual(['tokens.apiKey', 'tokens.other']);
    const key = env.h.runtime.deps.custodyKey;
    expect(key.matches(newToken, after[0]?.fingerprint ?? '')).toBe(true);
    expect(after[1]?.fingerprint).toBe(before.get('tokens.other'));
  });

  it('a catalogue secret is fingerprinted under its camelCase field; a change of credential variant clears the old ones', async () => {
    const token = secret('cf-token');
    const created = field(await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Custody Cloudflare'), integration: { cloudflare: { apiToken: { apiToken: token } } } } }));
    const gid = gidOf(created);
    expect((await fingerprints(gid)).map((row) => row.field)).toEqual(['apiToken']);
    const globalKey = secret('cf-global');
    const updated = field(await env.gql(UPDATE, { input: { id: gid, integration: { cloudflare: { globalApiKey: { authEmail: 'ops@example.com', globalApiKey: globalKey } } } } }));
    expect(updated['__typename']).toBe('DatadogActionConnectionPayload');
    const rows = await fingerprints(gid);
    expect(rows.map((row) => row.field)).toEqual(['globalApiKey']);
    expect(env.h.runtime.deps.custodyKey.matches(globalKey, rows[0]?.fingerprint ?? '')).toBe(true);
  });

  it('an update that sends no secret leaves the fingerprints as they are', async () => {
    const token = secret('openai');
    const gid = gidOf(field(await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Custody OpenAI'), integration: { openAi: { apiToken: token } } } })));
    const before = await fingerprints(gid);
    expect(field(await env.gql(UPDATE, { input: { id: gid, name: unique('Custody OpenAI renamed') } }))['__typename']).toBe('DatadogActionConnectionPayload');
    expect((await fingerprints(gid)).map((row) => [row.field, row.fingerprint])).toEqual(before.map((row) => [row.field, row.fingerprint]));
  });

  it('a delete drops every fingerprint of the connection', async () => {
    const gid = gidOf(field(await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Custody delete'), integration: { openAi: { apiToken: secret('delete') } } } })));
    expect(await fingerprints(gid)).toHaveLength(1);
    expect(field(await env.gql(DELETE, { id: gid }))['__typename']).toBe('DeletedConnectionPayload');
    expect(await fingerprints(gid)).toEqual([]);
  });
});

describe('custody.rotate and requiredWith against the simulator', () => {
  function request() {
    const context = createRequestContext(env.h.runtime.deps, undefined, ANONYMOUS);
    const entry = context.deps.accounts.get(ACCOUNT) as AccountEntry<DatadogClient>;
    return { context, entry };
  }

  async function createHttp(values: { token: string; other: string; header: string; body: string }) {
    const created = field(
      await env.gql(CREATE, {
        input: {
          account: ACCOUNT,
          name: unique('Custody rotate'),
          tags: ['team:custody'],
          integration: {
            http: {
              baseUrl: 'https://rotate.example.com',
              tokens: [
                { name: 'apiKey', value: values.token },
                { name: 'other', value: values.other },
              ],
              headers: [{ name: 'X-Api-Key', value: values.header }],
              urlParameters: [{ name: 'region', value: 'eu1' }],
              body: { content: values.body, contentType: 'application/json' },
            },
          },
        },
      }),
    );
    return { gid: gidOf(created), connectionId: connectionIdOf(created) };
  }

  it('requiredWith is empty for every secret field: a PATCH of one field leaves the others as they are', async () => {
    const { connectionId } = await createHttp({ token: secret('t'), other: secret('o'), header: secret('h'), body: secret('b') });
    const { context, entry } = request();
    const current = await datadogRuntime.read(context, entry, { account: ACCOUNT, connectionId });
    expect(current.secrets.map((hint) => hint.field).sort()).toEqual(['body.content', 'headers.X-Api-Key', 'tokens.apiKey', 'tokens.other', 'urlParameters.region']);
    for (const hint of current.secrets) expect(datadogRuntime.custody.requiredWith(current, hint.field)).toEqual([]);
  });

  it('rotating a token PATCHes that token alone: the new value is stored exactly once, everything else untouched', async () => {
    const values = { token: secret('token'), other: secret('other'), header: secret('header'), body: secret('body') };
    const { connectionId } = await createHttp(values);
    const before = env.sim.storedConnection(connectionId);
    const { context, entry } = request();
    const key = { account: ACCOUNT, connectionId };
    const current = await datadogRuntime.read(context, entry, key);
    const fresh = secret('fresh');
    env.sim.server.clearRequests();
    const rotated = await datadogRuntime.custody.rotate(context, entry, key, current, 'tokens.apiKey', fresh, new Map());
    expect(requestsOf(env.sim).filter((r) => r.method !== 'GET')).toEqual([{ method: 'PATCH', path: `/api/v2/actions/connections/${connectionId}`, query: {} }]);
    expect(occurrences(connectionId, fresh)).toBe(1);
    expect(occurrences(connectionId, values.token)).toBe(0);
    const after = env.sim.storedConnection(connectionId);
    if (after?.integration.kind !== 'http' || before?.integration.kind !== 'http') throw new Error('not an HTTP connection');
    expect(after.integration.tokens).toEqual([
      { name: 'apiKey', type: 'SECRET', value: fresh },
      { name: 'other', type: 'SECRET', value: values.other },
    ]);
    expect({ ...after, integration: { ...after.integration, tokens: [] }, updatedAt: 0 }).toEqual({ ...before, integration: { ...before.integration, tokens: [] }, updatedAt: 0 });
    // Datadog (as simulated) reads tokens back without their value: the hint says set, with no tail.
    expect(rotated.secrets.find((hint) => hint.field === 'tokens.apiKey')).toEqual({ field: 'tokens.apiKey', isSet: true, lastFour: null });
  });

  it('rotating a header shows the new tail in the hint read back (the simulator echoes header values)', async () => {
    const values = { token: secret('token'), other: secret('other'), header: secret('header'), body: secret('body') };
    const { connectionId } = await createHttp(values);
    const { context, entry } = request();
    const key = { account: ACCOUNT, connectionId };
    const current = await datadogRuntime.read(context, entry, key);
    const fresh = secret('fresh-header');
    const rotated = await datadogRuntime.custody.rotate(context, entry, key, current, 'headers.X-Api-Key', fresh, new Map());
    expect(occurrences(connectionId, fresh)).toBe(1);
    expect(occurrences(connectionId, values.header)).toBe(0);
    expect(occurrences(connectionId, values.token)).toBe(1);
    expect(rotated.secrets.find((hint) => hint.field === 'headers.X-Api-Key')).toEqual({ field: 'headers.X-Api-Key', isSet: true, lastFour: fresh.slice(-4) });
    // The request's loaders hold the connection as written.
    const reread = await datadogRuntime.read(context, entry, key);
    expect(reread).toBe(rotated);
  });

  it('rotating the body content keeps its content type (Datadog replaces the body object)', async () => {
    const values = { token: secret('token'), other: secret('other'), header: secret('header'), body: secret('body') };
    const { connectionId } = await createHttp(values);
    const { context, entry } = request();
    const key = { account: ACCOUNT, connectionId };
    const fresh = secret('fresh-body');
    await datadogRuntime.custody.rotate(context, entry, key, await datadogRuntime.read(context, entry, key), 'body.content', fresh, new Map());
    const after = env.sim.storedConnection(connectionId);
    if (after?.integration.kind !== 'http') throw new Error('not an HTTP connection');
    expect(after.integration.body).toEqual({ content: fresh, content_type: 'application/json' });
    expect(occurrences(connectionId, fresh)).toBe(1);
  });

  it('rotating a catalogue secret PATCHes that field alone; the plain fields stay', async () => {
    const created = field(
      await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Custody Datadog'), integration: { datadog: { datacenter: 'us1', apiKey: secret('dd-api'), appKey: secret('dd-app') } } } }),
    );
    const connectionId = connectionIdOf(created);
    const before = env.sim.storedConnection(connectionId);
    const { context, entry } = request();
    const key = { account: ACCOUNT, connectionId };
    const current = await datadogRuntime.read(context, entry, key);
    expect(datadogRuntime.custody.requiredWith(current, 'apiKey')).toEqual([]);
    const fresh = secret('dd-api-new');
    await datadogRuntime.custody.rotate(context, entry, key, current, 'apiKey', fresh, new Map());
    const after = env.sim.storedConnection(connectionId);
    if (after?.integration.kind !== 'fields' || before?.integration.kind !== 'fields') throw new Error('not a catalogue connection');
    expect(after.integration.fields).toEqual({ ...before.integration.fields, api_key: fresh });
    expect(occurrences(connectionId, fresh)).toBe(1);
  });

  it('a field the connection does not have is refused before anything is sent', async () => {
    const created = field(await env.gql(CREATE, { input: { account: ACCOUNT, name: unique('Custody refuse'), integration: { openAi: { apiToken: secret('refuse') } } } }));
    const connectionId = connectionIdOf(created);
    const { context, entry } = request();
    const key = { account: ACCOUNT, connectionId };
    const current = await datadogRuntime.read(context, entry, key);
    env.sim.server.clearRequests();
    await expect(datadogRuntime.custody.rotate(context, entry, key, current, 'tokens.apiKey', secret('nope'), new Map())).rejects.toBeInstanceOf(InputValidationError);
    expect(requestsOf(env.sim).filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
