import { MockAgent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, VendorAuthError, VendorContractError } from '../../src/core/errors.js';
import { MONGODB_DEMO_GROUP_IDS } from '../../src/simulators/mongodb/seed.js';
import { createMongoDbSimulator, type MongoDbSimulator, type StoredIntegration } from '../../src/simulators/mongodb/simulator.js';
import type { MongoDbIntegrationType } from '../../src/vendors/mongodb/catalogue.js';
import { parseMongoDbError } from '../../src/vendors/mongodb/errors.js';
import { buildIntegrationBody } from '../../src/vendors/mongodb/input.js';
import type { MongoDbIntegration } from '../../src/vendors/mongodb/map.js';
import { makeClient } from './client-kit.js';
import { EMPTY_GROUP, TYPES, resolvedInput, secretsOf, wireBody } from './fixtures.js';

const PUBLIC_KEY = 'client-public';
const PRIVATE_KEY = 'client-private-7d2f';
const PAYMENTS = MONGODB_DEMO_GROUP_IDS.paymentsProd;

let sim: MongoDbSimulator;
let kit: ReturnType<typeof makeClient>;

function seed(): Map<string, StoredIntegration[]> {
  const groups = new Map<string, StoredIntegration[]>();
  for (const [id, integrations] of [
    [PAYMENTS, []],
    [EMPTY_GROUP, []],
  ] as const)
    groups.set(id, [...integrations]);
  return groups;
}

/** The settings a write of `wireBody(type, tag)` must map to: values kept, secrets as hints only. */
function expectMapped(type: MongoDbIntegrationType, integration: MongoDbIntegration, tag: string): void {
  const body = wireBody(type, tag);
  expect(integration).toMatchObject({ kind: 'mongodb', groupId: EMPTY_GROUP, type, vendorIntegrationId: sim.integrationId(EMPTY_GROUP, type), createdAt: null });
  expect(integration.vendorIntegrationId).toMatch(/^[0-9a-f]{24}$/);
  const secrets = secretsOf(type, body);
  for (const [field, value] of Object.entries(secrets)) {
    const hint = integration.secrets.find((s) => s.field === field);
    if (type === 'PROMETHEUS' && field === 'password') {
      // Never returned; set because the vendor requires it.
      expect(hint).toEqual({ field, isSet: true, lastFour: null });
    } else {
      expect(hint).toEqual({ field, isSet: true, lastFour: value.slice(-4) });
    }
  }
  expect(JSON.stringify(integration)).not.toContain(tag);
  const s = integration.settings;
  switch (s.type) {
    case 'SLACK':
      expect([s.teamName, s.channelName]).toEqual(['Ops Team', 'db-alerts']);
      break;
    case 'OPS_GENIE':
      expect(s.region).toBe('EU');
      break;
    case 'VICTOR_OPS':
      expect(s.routingKey).toBe('db-oncall');
      break;
    case 'WEBHOOK':
      expect(s.urlOrigin).toBe('https://hooks.example.com');
      expect([s.bodyTemplate.isSet, s.headersTemplate.isSet]).toEqual([false, false]);
      break;
    case 'MICROSOFT_TEAMS':
      expect(s.urlOrigin).toBe('https://contoso.webhook.office.com');
      break;
    case 'PROMETHEUS':
      expect(s).toMatchObject({ username: 'prom', listenAddress: '0.0.0.0:9216', serviceDiscovery: 'http', scheme: 'https', enabled: true, tlsPemPath: '/etc/ssl/prom.pem' });
      break;
    case 'PAGER_DUTY':
      // Served as recorded: none was sent, so the vendor's default.
      expect(s.region).toBe('US');
      break;
    default:
      throw new Error(`unexpected settings ${s.type}`);
  }
}

beforeAll(async () => {
  sim = createMongoDbSimulator({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, groups: seed(), allowSlackCreate: true });
  await sim.server.listen();
});
afterAll(async () => {
  await kit.close();
  await sim.server.close();
});
beforeEach(async () => {
  sim.server.reset();
  if (kit) await kit.close();
  kit = makeClient({ baseUrl: `${sim.server.baseUrl}${sim.basePath}`, groupIds: [PAYMENTS, EMPTY_GROUP], publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
});

describe('Digest handshake', () => {
  it('takes one 401 challenge on the first call, then reuses the nonce with nc 2, 3, …', async () => {
    await kit.client.listIntegrations(kit.scope, PAYMENTS);
    expect(sim.digestLog.map((e) => e.outcome)).toEqual(['challenged', 'accepted']);
    await kit.client.listIntegrations(kit.scope, EMPTY_GROUP);
    await kit.client.listIntegrations(kit.scope, PAYMENTS);
    const accepted = sim.digestLog.filter((e) => e.outcome === 'accepted');
    expect(accepted.map((e) => e.nc)).toEqual(['00000001', '00000002', '00000003']);
    expect(new Set(accepted.map((e) => e.nonce)).size).toBe(1);
    expect(new Set(accepted.map((e) => e.cnonce)).size).toBe(3);
    expect(sim.server.requests).toHaveLength(4);
    expect(kit.calls.map((c) => c.attempts)).toEqual([2, 1, 1]);
  });

  it('answers a stale nonce again without failing the call', async () => {
    await kit.client.listIntegrations(kit.scope, PAYMENTS);
    sim.expireNonces();
    sim.clearDigestLog();
    await expect(kit.client.listIntegrations(kit.scope, PAYMENTS)).resolves.toMatchObject({ groupId: PAYMENTS });
    expect(sim.digestLog.map((e) => [e.outcome, e.nc])).toEqual([
      ['stale', '00000002'],
      ['accepted', '00000001'],
    ]);
    expect(sim.digestLog[0]?.nonce).not.toBe(sim.digestLog[1]?.nonce);
  });

  it('gives VendorAuthError for a wrong private key, after at most one resend', async () => {
    const wrong = makeClient({ baseUrl: `${sim.server.baseUrl}${sim.basePath}`, groupIds: [PAYMENTS], publicKey: PUBLIC_KEY, privateKey: 'not-the-key' });
    try {
      await expect(wrong.client.listIntegrations(wrong.scope, PAYMENTS)).rejects.toBeInstanceOf(VendorAuthError);
      expect(sim.server.requests).toHaveLength(2);
      await expect(wrong.client.listIntegrations(wrong.scope, PAYMENTS)).rejects.toBeInstanceOf(VendorAuthError);
      expect(sim.server.requests.length).toBeLessThanOrEqual(4);
      expect(wrong.logger.lines.join('\n')).not.toContain('not-the-key');
    } finally {
      await wrong.close();
    }
  });
});

describe('every operation for every type', () => {
  it.each(TYPES)('%s: create, get, list, upsert, delete', async (type) => {
    const built = buildIntegrationBody(resolvedInput(type, 'made'));
    const created = await kit.client.createIntegration(kit.scope, EMPTY_GROUP, built);
    expectMapped(type, created.integration, 'made');
    expect(created.complete).toBe(true);
    expect(created.group.integrations.map((i) => i.type)).toEqual([type]);

    expectMapped(type, await kit.client.getIntegration(kit.scope, EMPTY_GROUP, type), 'made');
    const listed = await kit.client.listIntegrations(kit.scope, EMPTY_GROUP);
    expect(listed.integrations.map((i) => i.type)).toEqual([type]);

    const replaced = await kit.client.upsertIntegration(kit.scope, EMPTY_GROUP, buildIntegrationBody(resolvedInput(type, 'again')));
    expectMapped(type, replaced.integration, 'again');
    const { type: _type, ...fields } = wireBody(type, 'again');
    expect(sim.storedIntegration(EMPTY_GROUP, type)).toEqual({ type, fields });

    await kit.client.deleteIntegration(kit.scope, EMPTY_GROUP, type);
    await expect(kit.client.getIntegration(kit.scope, EMPTY_GROUP, type)).rejects.toBeInstanceOf(NotFoundError);
    await expect(kit.client.deleteIntegration(kit.scope, EMPTY_GROUP, type)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('paging', () => {
  it('reads pageNum after pageNum until every integration is read', async () => {
    for (const type of ['PAGER_DUTY', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK', 'MICROSOFT_TEAMS'] as const) {
      await kit.client.upsertIntegration(kit.scope, PAYMENTS, buildIntegrationBody(resolvedInput(type, 'page')));
    }
    const small = makeClient({ baseUrl: `${sim.server.baseUrl}${sim.basePath}`, groupIds: [PAYMENTS], publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, client: { pageSize: 2 } });
    try {
      sim.server.clearRequests();
      const group = await small.client.listIntegrations(small.scope, PAYMENTS);
      expect(group.integrations.map((i) => i.type)).toEqual(['PAGER_DUTY', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK', 'MICROSOFT_TEAMS']);
      const pages = sim.server.requests.filter((r) => r.headerNames.includes('authorization')).map((r) => r.query);
      expect(pages).toEqual([
        { pageNum: '1', itemsPerPage: '2' },
        { pageNum: '2', itemsPerPage: '2' },
        { pageNum: '3', itemsPerPage: '2' },
      ]);
    } finally {
      await small.close();
    }
  });

  it('gives up with VendorContractError when the vendor keeps saying there is more', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://endless.example')
      .intercept({ method: 'GET', path: (p: string) => p.startsWith(`/api/public/v1.0/groups/${PAYMENTS}/integrations?`) })
      .reply(200, {
        links: [],
        results: [
          { type: 'PAGER_DUTY', serviceKey: '******7890' },
          { type: 'SLACK', apiToken: '******7890' },
        ],
        totalCount: 1000,
      })
      .persist();
    const endless = makeClient({ baseUrl: 'https://endless.example/api/public/v1.0', groupIds: [PAYMENTS], dispatcher: agent, client: { pageSize: 2, maxPages: 3 } });
    try {
      await expect(endless.client.listIntegrations(endless.scope, PAYMENTS)).rejects.toBeInstanceOf(VendorContractError);
      expect(endless.calls).toHaveLength(3);
    } finally {
      await endless.close();
    }
  });

  it('stops after one request when the first page holds everything', async () => {
    sim.server.clearRequests();
    await kit.client.listIntegrations(kit.scope, EMPTY_GROUP);
    expect(sim.digestLog.filter((e) => e.outcome === 'accepted')).toHaveLength(1);
  });
});

describe('tolerated alternatives', () => {
  it('treats INTEGRATION_NOT_CONFIGURED under another status (undocumented) as NotFoundError', async () => {
    await kit.client.listIntegrations(kit.scope, PAYMENTS);
    sim.server.addFault({
      match: { method: 'GET', path: '/integrations/SLACK$' },
      times: 1,
      response: { status: 400, body: { detail: 'Integration not configured.', error: 400, errorCode: 'INTEGRATION_NOT_CONFIGURED', parameters: [], reason: 'Bad Request' } },
    });
    await expect(kit.client.getIntegration(kit.scope, PAYMENTS, 'SLACK')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads the written type on its own when the write answer is cut short by paging', async () => {
    await kit.client.upsertIntegration(kit.scope, EMPTY_GROUP, buildIntegrationBody(resolvedInput('OPS_GENIE', 'cut')));
    sim.server.addFault({
      match: { method: 'PUT', path: '/integrations/OPS_GENIE$' },
      times: 1,
      response: { status: 200, body: { links: [], results: [{ type: 'PAGER_DUTY', serviceKey: '******7890' }], totalCount: 2 } },
    });
    const result = await kit.client.upsertIntegration(kit.scope, EMPTY_GROUP, buildIntegrationBody(resolvedInput('OPS_GENIE', 'cut')));
    expect(result.complete).toBe(false);
    expect(result.integration.type).toBe('OPS_GENIE');
    expect(sim.server.requests.at(-1)?.method).toBe('GET');
  });

  it('calls a complete write answer without the written type a contract breach', async () => {
    await kit.client.listIntegrations(kit.scope, PAYMENTS);
    sim.server.addFault({
      match: { method: 'PUT', path: '/integrations/OPS_GENIE$' },
      times: 1,
      response: { status: 200, body: { links: [], results: [], totalCount: 0 } },
    });
    await expect(kit.client.upsertIntegration(kit.scope, EMPTY_GROUP, buildIntegrationBody(resolvedInput('OPS_GENIE', 'x')))).rejects.toBeInstanceOf(VendorContractError);
  });

  it('reads a listed integration of a known type with a wrongly typed field as an item failure, never as half an object', async () => {
    await kit.client.listIntegrations(kit.scope, PAYMENTS);
    sim.server.addFault({
      match: { method: 'GET', path: '/integrations$' },
      times: 1,
      response: {
        status: 200,
        body: {
          links: [],
          results: [
            { type: 'PAGER_DUTY', serviceKey: 42 },
            { type: 'VICTOR_OPS', apiKey: '******1c11' },
          ],
          totalCount: 2,
        },
      },
    });
    const group = await kit.client.listIntegrations(kit.scope, PAYMENTS);
    expect(group.integrations.map((i) => i.type)).toEqual(['VICTOR_OPS']);
    expect(group.failures).toHaveLength(1);
    expect(group.failures[0]).toMatchObject({ vendorId: 'PAGER_DUTY', index: 0 });
    expect(group.failures[0]?.error).toBeInstanceOf(VendorContractError);
    expect(group.failures[0]?.error.message).toContain('serviceKey: invalid_type');
  });

  it('calls a known type with a wrongly typed field a contract breach when it is read on its own', async () => {
    await kit.client.upsertIntegration(kit.scope, EMPTY_GROUP, buildIntegrationBody(resolvedInput('PAGER_DUTY', 'one')));
    sim.server.addFault({ match: { method: 'GET', path: '/integrations/PAGER_DUTY$' }, times: 1, response: { status: 200, body: { type: 'PAGER_DUTY', serviceKey: 42 } } });
    await expect(kit.client.getIntegration(kit.scope, EMPTY_GROUP, 'PAGER_DUTY')).rejects.toBeInstanceOf(VendorContractError);
  });

  it('keeps paging past a page with a broken integration, and counts it towards totalCount', async () => {
    await kit.client.listIntegrations(kit.scope, PAYMENTS);
    const small = makeClient({ baseUrl: kit.client.account.baseUrl, groupIds: [PAYMENTS], publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, client: { pageSize: 1 } });
    try {
      sim.server.addFault({
        match: { method: 'GET', path: '/integrations$' },
        times: 1,
        response: { status: 200, body: { links: [], results: [{ type: 'PROMETHEUS', enabled: 'true' }], totalCount: 2 } },
      });
      sim.server.addFault({
        match: { method: 'GET', path: '/integrations$' },
        times: 1,
        response: { status: 200, body: { links: [], results: [{ type: 'OPS_GENIE', apiKey: '******3311', region: 'EU' }], totalCount: 2 } },
      });
      const group = await small.client.listIntegrations(small.scope, PAYMENTS);
      expect(group.integrations.map((i) => i.type)).toEqual(['OPS_GENIE']);
      expect(group.failures.map((f) => f.vendorId)).toEqual(['PROMETHEUS']);
    } finally {
      await small.close();
    }
  });

  it('reads the error code of an ApiError whose other members have unexpected shapes', () => {
    expect(parseMongoDbError(404, { errorCode: 'GROUP_NOT_FOUND', error: '404', parameters: 'x', detail: 7 })).toEqual({ vendorCode: 'GROUP_NOT_FOUND', summary: 'GROUP_NOT_FOUND', fieldErrors: [] });
    expect(parseMongoDbError(404, { errorCode: 404 })).toEqual({ vendorCode: null, summary: null, fieldErrors: [] });
    expect(parseMongoDbError(404, '<html>')).toEqual({});
  });

  it('refuses ids that do not fit in a path before any request', async () => {
    sim.server.clearRequests();
    await expect(kit.client.listIntegrations(kit.scope, '../../admin')).rejects.toThrow(/project id/);
    await expect(kit.client.getIntegration(kit.scope, PAYMENTS, 'SLACK/../x')).rejects.toThrow(/integration type/);
    expect(sim.server.requests).toHaveLength(0);
  });
});
