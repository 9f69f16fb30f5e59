import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { Conformance, type ConformanceRequest, type Exchange, expectConforms } from './conformance.js';

/*
 * Every answer of the Chronosphere simulator against swagger-configv1-external-connections.json:
 * list (token paging, slug/name/type filters), read, create, update (PUT with `create_if_missing`
 * and `dry_run`), delete, and their error paths (400, 401, 404, 409).
 */

const CONNECTIONS = '/api/v1/config/external-connections';
const TOKEN = 'conformance-api-token';

const sim = createChronosphereSimulator({ apiToken: TOKEN, defaultPageSize: 3 });
const check = new Conformance('chronosphere', () => sim.server.baseUrl);

beforeAll(async () => {
  await sim.server.listen();
});
afterAll(async () => {
  await sim.server.close();
});

function call(request: ConformanceRequest): Promise<Exchange> {
  return check.send({ ...request, headers: { 'API-Token': TOKEN, ...request.headers } });
}

/** One connection of each type block, as Patchbay's input builder writes them. */
const BLOCKS: Readonly<Record<string, Record<string, unknown>>> = {
  slack: { api_url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
  pagerduty: { events: { api_key: 'pd-events-key-0c1d2e3f', version: 'PAGERDUTY_EVENTS_VERSION_V2' } },
  webhook: { url: 'https://hooks.example.com/chronosphere', http_config: { bearer_token: 'wh-bearer-8f14e4', tls_config: { insecure_skip_verify: false } } },
  victor_ops: { api_key: 'vo-key-5e8a1f', api_url: 'https://alert.victorops.com/integrations/generic/20131114/alert' },
  ops_genie: { api_key: 'og-key-7a1c9e', api_url: 'https://api.eu.opsgenie.com', http_config: { basic_auth: { username: 'chrono', password: 'og-pass-3b5d' } } },
  cloudflare: { api_token: 'cfat_conformance0c1d2e3f' },
  mongodb_atlas: { client_id: 'mdb_sa_id_0c1d2e', client_secret: 'mdb_sa_sk_8f14e4' },
  sendgrid: { api_key: 'SG.conformance.0c1d2e3f' },
  datadog: { api_key: 'dd-api-8f14e45f', app_key: 'dd-app-5e8a1f0b', site: 'datadoghq.eu' },
};

function connection(slug: string, block: string): Record<string, unknown> {
  return { slug, name: `Conformance ${block}`, [block]: BLOCKS[block] ?? {} };
}

function slugsOf(exchange: Exchange): string[] {
  const listed = (exchange.json as { external_connections?: { slug?: unknown }[] } | undefined)?.external_connections ?? [];
  return listed.map((c) => String(c.slug));
}

describe('list and read', () => {
  it('lists page by page until the token runs out, and reads every listed connection (200)', async () => {
    const slugs: string[] = [];
    let token = '';
    for (let page = 0; page < 20; page += 1) {
      const listed = await call({ method: 'GET', path: CONNECTIONS, query: token ? { 'page.max_size': 2, 'page.token': token } : { 'page.max_size': 2 } });
      expectConforms(listed, 200);
      slugs.push(...slugsOf(listed));
      token = String((listed.json as { page?: { next_token?: unknown } }).page?.next_token ?? '');
      if (token === '') break;
    }
    expect(slugs.length).toBeGreaterThan(2);
    expectConforms(await call({ method: 'GET', path: CONNECTIONS }), 200);
    for (const slug of slugs) expectConforms(await call({ method: 'GET', path: `${CONNECTIONS}/${slug}` }), 200);
  });

  it('filters by slugs, names and connection types (200)', async () => {
    const first = slugsOf(await call({ method: 'GET', path: CONNECTIONS }))[0] ?? '';
    expectConforms(await call({ method: 'GET', path: CONNECTIONS, query: { slugs: [first, 'no-such-slug'] } }), 200);
    expectConforms(await call({ method: 'GET', path: CONNECTIONS, query: { names: ['nobody'] } }), 200);
    expectConforms(await call({ method: 'GET', path: CONNECTIONS, query: { connection_types: ['PAGERDUTY', 'WEBHOOK'] } }), 200);
  });

  it('refuses bad paging and filters (400) and answers unknown slugs (404)', async () => {
    expectConforms(await call({ method: 'GET', path: CONNECTIONS, query: { 'page.token': 'not a token' } }), 400);
    expectConforms(await call({ method: 'GET', path: CONNECTIONS, query: { connection_types: ['CARRIER_PIGEON'] } }), 400);
    expectConforms(await call({ method: 'GET', path: CONNECTIONS, query: { 'page.max_size': 'ten' } }), 400);
    expectConforms(await call({ method: 'GET', path: `${CONNECTIONS}/no-such-slug` }), 404);
  });
});

describe('writes', () => {
  for (const block of Object.keys(BLOCKS)) {
    it(`creates, replaces and deletes a ${block} connection (200)`, async () => {
      const slug = `conformance-${block.replace(/_/g, '-')}`;
      expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: { external_connection: connection(slug, block) } }), 200);
      expectConforms(await call({ method: 'PUT', path: `${CONNECTIONS}/${slug}`, json: { external_connection: { ...connection(slug, block), name: `Renamed ${block}` } } }), 200);
      expectConforms(await call({ method: 'GET', path: `${CONNECTIONS}/${slug}` }), 200);
      expectConforms(await call({ method: 'DELETE', path: `${CONNECTIONS}/${slug}` }), 200);
    });
  }

  it('keeps a secret given back as the redaction placeholder (200)', async () => {
    const slug = 'conformance-placeholder';
    expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: { external_connection: connection(slug, 'sendgrid') } }), 200);
    const kept = { slug, name: 'Placeholder kept', sendgrid: { api_key: '**REDACTED**' } };
    expectConforms(await call({ method: 'PUT', path: `${CONNECTIONS}/${slug}`, json: { external_connection: kept } }), 200);
  });

  it('answers dry runs and upserts (200)', async () => {
    expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: { external_connection: connection('conformance-dry', 'slack'), dry_run: true } }), 200);
    const upsert = { external_connection: connection('conformance-upsert', 'datadog'), create_if_missing: true };
    expectConforms(await call({ method: 'PUT', path: `${CONNECTIONS}/conformance-upsert`, json: upsert }), 200);
    expectConforms(await call({ method: 'PUT', path: `${CONNECTIONS}/conformance-upsert`, json: { ...upsert, dry_run: true } }), 200);
  });

  it('refuses invalid writes (400), a taken slug (409) and unknown slugs (404)', async () => {
    expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: { external_connection: { slug: 'conformance-bad', name: '' } } }), 400);
    expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: { external_connection: { ...connection('conformance-bad', 'slack'), unknown_field: 1 } } }), 400);
    expectConforms(await call({ method: 'POST', path: CONNECTIONS, json: { external_connection: connection('conformance-upsert', 'slack') } }), 409);
    expectConforms(await call({ method: 'PUT', path: `${CONNECTIONS}/conformance-upsert`, json: { external_connection: { slug: 'conformance-upsert', name: 'No block' } } }), 400);
    expectConforms(await call({ method: 'PUT', path: `${CONNECTIONS}/no-such-slug`, json: { external_connection: connection('no-such-slug', 'slack') } }), 404);
    expectConforms(await call({ method: 'DELETE', path: `${CONNECTIONS}/no-such-slug` }), 404);
  });

  it('refuses to delete a connection a notification policy uses (400)', async () => {
    sim.usePolicy('conformance-upsert', 'conformance-policy');
    expectConforms(await call({ method: 'DELETE', path: `${CONNECTIONS}/conformance-upsert` }), 400);
    sim.releasePolicies('conformance-upsert');
    expectConforms(await call({ method: 'DELETE', path: `${CONNECTIONS}/conformance-upsert` }), 200);
  });
});

describe('refusals', () => {
  it('refuses a missing or wrong API token on every operation (401)', async () => {
    const requests: ConformanceRequest[] = [
      { method: 'GET', path: CONNECTIONS },
      { method: 'POST', path: CONNECTIONS, json: { external_connection: connection('conformance-401', 'slack') } },
      { method: 'GET', path: `${CONNECTIONS}/conformance-401` },
      { method: 'PUT', path: `${CONNECTIONS}/conformance-401`, json: { external_connection: connection('conformance-401', 'slack') } },
      { method: 'DELETE', path: `${CONNECTIONS}/conformance-401` },
    ];
    for (const request of requests) {
      expectConforms(await check.send(request), 401);
      expectConforms(await check.send({ ...request, headers: { 'API-Token': 'wrong-token' } }), 401);
    }
  });
});

describe('coverage', () => {
  it('reached every documented operation', () => {
    expect(check.unexercisedOperations()).toEqual([]);
  });

  it('met every deviation listed for Chronosphere', () => {
    expect(check.unmetDeviations()).toEqual([]);
  });
});
