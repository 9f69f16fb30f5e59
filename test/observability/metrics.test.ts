import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CI_KEY, RIG_TIMEOUT_MS, parseExposition, startObservedFleet, total, type ObservedFleet, type Sample } from './support.js';

const CONNECTIONS = '/api/v1/config/external-connections';

const INVENTORY = `query Inventory {
  connections(first: 100) {
    totalCount
    nodes { __typename ... on VendorConnection { id name } }
    failures { account { key } error { __typename message } }
    itemFailures { account { key } vendorId error { __typename message } }
  }
}`;

const CREATE = `mutation CreateHook($input: CreateChronosphereExternalConnectionInput!) {
  createChronosphereExternalConnection(input: $input) {
    __typename
    ... on ChronosphereExternalConnectionPayload { connection { id slug } }
    ... on Error { message }
  }
}`;

/** Label values a series may carry: account keys, vendor ids, route templates, codes, numbers. No quote, space, or anything an id would need. */
const SAFE_LABEL_VALUE = /^[A-Za-z0-9_.:/{}+~-]{0,200}$/;

let fleet: ObservedFleet;
let scrape: string;
let samples: Sample[];
const canary = `SG.canary-${randomUUID()}`;
const slug = `obs-hook-${randomUUID().slice(0, 8)}`;
let createdId = '';

/**
 * The mixed workload the scrape is read after: a read that meets a 429 (the quota gate holds the
 * retry for the vendor's second), a write whose answer is lost (settled by a read-back), its
 * idempotent replay, a GraphQL error, a vendor outage, and two contract breaks (one broken list
 * item, one broken list).
 */
beforeAll(async () => {
  fleet = await startObservedFleet({
    resilience: { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
    // The two accounts the workload is about: other vendors' simulators add nothing to what is proven here.
    accounts: (base) => base.filter((account) => account.vendor === 'chronosphere' || account.vendor === 'cortex'),
  });
  const chrono = fleet.sim('chronosphere').server;
  const cortex = fleet.sim('cortex').server;

  chrono.addFault({ match: { method: 'GET', path: CONNECTIONS }, response: { status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } }, times: 1 });

  expect((await fleet.gql(INVENTORY)).status).toBe(200);
  const input = { account: fleet.account('chronosphere'), slug, name: 'Observed hook', target: { sendgrid: { apiKey: canary } }, idempotencyKey: `obs-${slug}` };
  chrono.addFault({ match: { method: 'POST', path: CONNECTIONS }, action: 'applied-reset', times: 1 });
  const created = await fleet.gql(CREATE, { input });
  expect(created.json.data?.['createChronosphereExternalConnection']).toMatchObject({ __typename: 'ChronosphereExternalConnectionPayload', connection: { slug } });
  createdId = String((created.json.data?.['createChronosphereExternalConnection'] as { connection: { id: string } }).connection.id);
  const replayed = await fleet.gql(CREATE, { input });
  expect(replayed.json.data).toEqual(created.json.data);

  expect((await fleet.gql('query Broken { noSuchField }')).json.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');

  cortex.addFault({ match: { method: 'GET' }, response: { status: 503, body: { message: 'down' } }, times: 2 });
  chrono.addFault({ match: { method: 'GET', path: CONNECTIONS }, response: { status: 200, body: { external_connections: [{ name: 'no slug here', sendgrid: { api_key: canary } }] } }, times: 1 });
  const degraded = await fleet.gql(INVENTORY);
  const connections = degraded.json.data?.['connections'] as { failures: { error: { __typename: string } }[]; itemFailures: { error: { __typename: string } }[] };
  expect(connections.failures.map((f) => f.error.__typename)).toContain('VendorUnavailableError');
  expect(connections.itemFailures.map((f) => f.error.__typename)).toEqual(['VendorContractError']);

  chrono.addFault({ match: { method: 'GET', path: CONNECTIONS }, response: { status: 200, body: { external_connections: { slug: 'not-a-list' } } }, times: 1 });
  await fleet.gql(INVENTORY);

  const answer = await fleet.request('/metrics');
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toContain('text/plain');
  scrape = answer.raw;
  samples = parseExposition(scrape);
}, RIG_TIMEOUT_MS);

afterAll(async () => {
  await fleet.close();
});

describe('GET /metrics after a mixed workload', () => {
  it('counts GraphQL requests by operation, type and outcome, with duration histograms', () => {
    expect(total(samples, 'patchbay_graphql_requests_total', { operation: 'Inventory', type: 'query', outcome: 'ok' })).toBe(1);
    expect(total(samples, 'patchbay_graphql_requests_total', { operation: 'Inventory', type: 'query', outcome: 'typed_error' })).toBe(2);
    expect(total(samples, 'patchbay_graphql_requests_total', { operation: 'CreateHook', type: 'mutation', outcome: 'ok' })).toBe(2);
    expect(total(samples, 'patchbay_graphql_requests_total', { operation: 'Broken', type: 'query', outcome: 'error' })).toBe(1);
    expect(total(samples, 'patchbay_graphql_request_duration_seconds_count', { operation: 'Inventory' })).toBe(3);
    expect(total(samples, 'patchbay_graphql_request_duration_seconds_bucket', { operation: 'Inventory', le: '+Inf' })).toBe(3);
    expect(total(samples, 'patchbay_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(total(samples, 'patchbay_graphql_errors_total', { code: 'VendorUnavailableError' })).toBe(1);
    expect(total(samples, 'patchbay_http_responses_total', { path: '/graphql', status: '200' })).toBeGreaterThanOrEqual(6);
  });

  it('counts vendor calls by vendor, account, route template and status class, with durations and errors', () => {
    const chrono = { vendor: 'chronosphere', account: fleet.account('chronosphere') };
    expect(total(samples, 'patchbay_vendor_requests_total', { ...chrono, method: 'GET', route: CONNECTIONS, status_class: '2xx' })).toBe(3);
    expect(total(samples, 'patchbay_vendor_requests_total', { ...chrono, method: 'POST', route: CONNECTIONS, status_class: 'none' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_request_duration_seconds_count', { ...chrono, method: 'GET', route: CONNECTIONS })).toBe(3);
    const cortex = { vendor: 'cortex', account: fleet.account('cortex') };
    expect(total(samples, 'patchbay_vendor_requests_total', { ...cortex, status_class: '5xx' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_request_errors_total', { ...cortex, error: 'VendorUnavailableError' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_request_errors_total', { ...chrono, error: 'OutcomeUnknownError' })).toBe(1);
    // Every account of the fleet was called and is a series of its own.
    for (const account of fleet.accounts) expect(total(samples, 'patchbay_vendor_requests_total', { account: account.id })).toBeGreaterThan(0);
  });

  it('counts retries, quota waits, outcome-unknown writes and their read-back, idempotency replays', () => {
    expect(total(samples, 'patchbay_vendor_retries_total', { vendor: 'cortex', reason: '503' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_retries_total', { vendor: 'chronosphere', method: 'GET', route: CONNECTIONS, reason: '429' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_quota_waits_total', { vendor: 'chronosphere' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_quota_wait_seconds_count', { vendor: 'chronosphere' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_quota_wait_seconds_sum', { vendor: 'chronosphere' })).toBeGreaterThan(0.5);
    expect(total(samples, 'patchbay_vendor_outcome_unknown_total', { vendor: 'chronosphere', method: 'POST', route: CONNECTIONS })).toBe(1);
    expect(total(samples, 'patchbay_write_settlements_total', { vendor: 'chronosphere', kind: 'create', result: 'confirmed' })).toBe(1);
    expect(total(samples, 'patchbay_idempotency_replays_total', { outcome: 'ok' })).toBe(1);
  });

  it('counts contract breaks of whole answers and of single list items', () => {
    const chrono = { vendor: 'chronosphere', route: CONNECTIONS };
    expect(total(samples, 'patchbay_vendor_contract_breaks_total', { ...chrono, kind: 'item' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_contract_breaks_total', { ...chrono, kind: 'body' })).toBe(1);
  });

  it('shows each account breaker state and quota block, and store query latency', () => {
    for (const account of fleet.accounts) {
      expect(total(samples, 'patchbay_vendor_breaker_state', { account: account.id, state: 'CLOSED' })).toBe(1);
      expect(total(samples, 'patchbay_vendor_breaker_state', { account: account.id, state: 'OPEN' })).toBe(0);
      expect(samples.some((s) => s.name === 'patchbay_vendor_quota_blocked_seconds' && s.labels['account'] === account.id)).toBe(true);
    }
    expect(total(samples, 'patchbay_store_query_duration_seconds_count', { operation: 'claimIdempotencyKey', outcome: 'ok' })).toBe(2);
    expect(total(samples, 'patchbay_store_query_duration_seconds_count', { operation: 'recordMutation' })).toBe(2);
    expect(total(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('keeps every label bounded: no id, no slug, no caller-chosen text, no secret anywhere in the scrape', () => {
    for (const sample of samples) {
      for (const [name, value] of Object.entries(sample.labels)) expect(`${name}=${value}`).toMatch(new RegExp(`^${name}=${SAFE_LABEL_VALUE.source.slice(1)}`));
    }
    const routes = new Set(samples.flatMap((s) => (s.labels['route'] === undefined ? [] : [s.labels['route']])));
    for (const route of routes) expect(route).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    expect(scrape).not.toContain(slug);
    expect(scrape).not.toContain(createdId);
    expect(scrape).not.toContain(canary);
    expect(scrape).not.toContain(CI_KEY);
    for (const secret of fleet.secrets) expect(scrape).not.toContain(secret);
  });
});

describe('operation names as labels', () => {
  it('keeps a name only when it is at most 64 plain characters and among the first 100; the rest are `other`', async () => {
    const long = `Q${'x'.repeat(64)}`;
    await fleet.gql(`query ${long} { __typename }`);
    for (let i = 0; i < 105; i++) await fleet.gql(`query Many${i} { __typename }`);
    await fleet.gql('{ __typename }');
    const after = parseExposition((await fleet.request('/metrics')).raw);
    const operations = new Set(after.filter((s) => s.name === 'patchbay_graphql_requests_total').map((s) => s.labels['operation']));
    expect(operations.has(long)).toBe(false);
    expect(operations.has('anonymous')).toBe(true);
    // Inventory, CreateHook, Broken, then Many0… up to the cap of 100 names; `anonymous` and `other` are not names.
    const names = [...operations].filter((name) => name !== 'other' && name !== 'anonymous');
    expect(names).toHaveLength(100);
    expect(total(after, 'patchbay_graphql_requests_total', { operation: 'other' })).toBe(1 + 105 - 97);
  });
});
