import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMongoDbSimulator } from '../../src/simulators/mongodb/simulator.js';
import { Conformance, DigestSession, type ConformanceRequest, expectConforms } from './conformance.js';

/*
 * Every answer of the Cloud Manager simulator against cloud-manager-v1.0-integrations.derived.openapi.yaml:
 * list (paging), read one, create (POST), replace (PUT) and delete each integration type, with
 * HTTP Digest, and the error paths (400, 401, 404, 409, 429). The Digest challenges are judged too.
 */

const API = '/api/public/v1.0';
const GROUPS = { payments: '65f1a2b3c4d5e6f708192a3b', search: '65f1a2b3c4d5e6f708192a3c', staging: '65f1a2b3c4d5e6f708192a3d' } as const;
const UNKNOWN_GROUP = '65f1a2b3c4d5e6f708192aff';
const RATE_LIMIT = 80;

const sim = createMongoDbSimulator({ rateLimit: { limit: RATE_LIMIT } });
const check = new Conformance('mongodb', () => sim.server.baseUrl);
const digest = new DigestSession(check, 'conformance-public-key', 'conformance-private-key');

beforeAll(async () => {
  await sim.server.listen();
});
afterAll(async () => {
  await sim.server.close();
});

const integrations = (group: string): string => `${API}/groups/${group}/integrations`;
const one = (group: string, type: string): string => `${integrations(group)}/${type}`;

/** A request body of each writable type, as Patchbay's input builder writes them. */
const BODIES: Readonly<Record<string, Record<string, unknown>>> = {
  PAGER_DUTY: { type: 'PAGER_DUTY', serviceKey: 'R0b8Kx2mQ7vN4pL9sT3wY6zA1cE5gH9k' },
  SLACK: { type: 'SLACK', apiToken: 'xoxb-conformance-2847561930', teamName: 'Acme Platform', channelName: 'db-alerts' },
  OPS_GENIE: { type: 'OPS_GENIE', apiKey: '0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e4422', region: 'US' },
  VICTOR_OPS: { type: 'VICTOR_OPS', apiKey: 'b7c6d5e4-f3a2-4b1c-8d9e-0f1a2b3c2d22', routingKey: 'db-oncall' },
  WEBHOOK: { type: 'WEBHOOK', url: 'https://incident-bot.acme.example/hooks/mongodb/conformance', secret: 'whsec-conformance-5e8a' },
  MICROSOFT_TEAMS: { type: 'MICROSOFT_TEAMS', microsoftTeamsWebhookUrl: 'https://acme.webhook.office.com/webhookb2/conformance/IncomingWebhook/1/2' },
  PROMETHEUS: {
    type: 'PROMETHEUS',
    username: 'prom-scraper',
    password: 'conformance-prom-pass',
    listenAddress: '0.0.0.0:9216',
    serviceDiscovery: 'file',
    scheme: 'https',
    enabled: true,
    tlsPemPath: '/etc/mongodb-mms/prometheus.pem',
    tlsPemPassword: 'conformance-pem-pass',
  },
};

function send(request: ConformanceRequest) {
  return digest.send(request);
}

describe('reads', () => {
  it('lists every project, page by page, and reads every listed integration (200)', async () => {
    for (const group of Object.values(GROUPS)) {
      const listed = await send({ method: 'GET', path: integrations(group) });
      expectConforms(listed, 200);
      const results = (listed.json as { results?: { type?: unknown }[] }).results ?? [];
      for (const integration of results) expectConforms(await send({ method: 'GET', path: one(group, String(integration.type)) }), 200);
    }
    expectConforms(await send({ method: 'GET', path: integrations(GROUPS.payments), query: { pageNum: 1, itemsPerPage: 2 } }), 200);
    expectConforms(await send({ method: 'GET', path: integrations(GROUPS.payments), query: { pageNum: 2, itemsPerPage: 2 } }), 200);
  });

  it('refuses bad paging, types and project ids (400) and answers what is not there (404)', async () => {
    expectConforms(await send({ method: 'GET', path: integrations(GROUPS.payments), query: { itemsPerPage: 0 } }), 400);
    expectConforms(await send({ method: 'GET', path: integrations(GROUPS.payments), query: { pageNum: 'first' } }), 400);
    expectConforms(await send({ method: 'GET', path: one(GROUPS.payments, 'CARRIER_PIGEON') }), 400);
    expectConforms(await send({ method: 'GET', path: integrations('not-a-group-id') }), 400);
    expectConforms(await send({ method: 'GET', path: integrations(UNKNOWN_GROUP) }), 404);
    expectConforms(await send({ method: 'GET', path: one(GROUPS.staging, 'PAGER_DUTY') }), 404);
  });
});

describe('writes', () => {
  it('creates an integration and refuses a second of the same type (200, 409)', async () => {
    expectConforms(await send({ method: 'POST', path: one(GROUPS.staging, 'PAGER_DUTY'), json: BODIES['PAGER_DUTY'] }), 200);
    expectConforms(await send({ method: 'POST', path: one(GROUPS.staging, 'PAGER_DUTY'), json: BODIES['PAGER_DUTY'] }), 409);
  });

  for (const [type, body] of Object.entries(BODIES)) {
    it(`replaces and deletes a ${type} integration (200, 204)`, async () => {
      // Slack can only be reconfigured through the API, so it is replaced where it exists and kept.
      const group = type === 'SLACK' ? GROUPS.payments : GROUPS.search;
      expectConforms(await send({ method: 'PUT', path: one(group, type), json: body, query: { itemsPerPage: 100 } }), 200);
      expectConforms(await send({ method: 'GET', path: one(group, type) }), 200);
      if (type === 'SLACK') return;
      expectConforms(await send({ method: 'DELETE', path: one(group, type) }), 204);
      expectConforms(await send({ method: 'DELETE', path: one(group, type) }), 404);
    });
  }

  it('refuses invalid writes (400)', async () => {
    expectConforms(await send({ method: 'POST', path: one(GROUPS.payments, 'OPS_GENIE'), json: { type: 'OPS_GENIE', region: 'US' } }), 400);
    expectConforms(await send({ method: 'PUT', path: one(GROUPS.payments, 'OPS_GENIE'), json: { type: 'OPS_GENIE', apiKey: 'k', region: 'APAC' } }), 400);
    expectConforms(await send({ method: 'PUT', path: one(GROUPS.payments, 'WEBHOOK'), json: { type: 'PAGER_DUTY', serviceKey: 'k' } }), 400);
    expectConforms(await send({ method: 'POST', path: one(GROUPS.search, 'SLACK'), json: BODIES['SLACK'] }), 400);
    expectConforms(await send({ method: 'PUT', path: one(GROUPS.staging, 'NEW_RELIC'), json: { type: 'NEW_RELIC', licenseKey: 'x' } }), 400);
    expectConforms(await send({ method: 'DELETE', path: one(GROUPS.payments, 'CARRIER_PIGEON') }), 400);
    expectConforms(await send({ method: 'PUT', path: one(UNKNOWN_GROUP, 'WEBHOOK'), json: BODIES['WEBHOOK'] }), 404);
  });
});

describe('refusals', () => {
  it('challenges requests without or with broken Digest credentials on every operation (401)', async () => {
    const requests: ConformanceRequest[] = [
      { method: 'GET', path: integrations(GROUPS.payments) },
      { method: 'GET', path: one(GROUPS.payments, 'WEBHOOK') },
      { method: 'POST', path: one(GROUPS.payments, 'WEBHOOK'), json: BODIES['WEBHOOK'] },
      { method: 'PUT', path: one(GROUPS.payments, 'WEBHOOK'), json: BODIES['WEBHOOK'] },
      { method: 'DELETE', path: one(GROUPS.payments, 'WEBHOOK') },
    ];
    for (const request of requests) {
      expectConforms(await check.send(request), 401);
      expectConforms(await check.send({ ...request, headers: { authorization: 'Digest username="x", realm="MMS Public API", nonce="forged", uri="/", response="0"' } }), 401);
    }
  });

  it('throttles a key past its budget (429)', async () => {
    const throttled = new DigestSession(check, 'conformance-throttled-key', 'conformance-private-key');
    for (let sent = 0; sent < RATE_LIMIT; sent += 1) expectConforms(await throttled.send({ method: 'GET', path: one(GROUPS.payments, 'WEBHOOK') }), 200);
    expectConforms(await throttled.send({ method: 'GET', path: integrations(GROUPS.payments) }), 429);
    expectConforms(await throttled.send({ method: 'GET', path: one(GROUPS.payments, 'WEBHOOK') }), 429);
    expectConforms(await throttled.send({ method: 'POST', path: one(GROUPS.payments, 'WEBHOOK'), json: BODIES['WEBHOOK'] }), 429);
    expectConforms(await throttled.send({ method: 'PUT', path: one(GROUPS.payments, 'WEBHOOK'), json: BODIES['WEBHOOK'] }), 429);
    expectConforms(await throttled.send({ method: 'DELETE', path: one(GROUPS.payments, 'WEBHOOK') }), 429);
  });
});

describe('coverage', () => {
  it('reached every documented operation', () => {
    expect(check.unexercisedOperations()).toEqual([]);
  });

  it('met every deviation listed for Cloud Manager', () => {
    expect(check.unmetDeviations()).toEqual([]);
  });
});
