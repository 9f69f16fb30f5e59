import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewaySchema } from '../../src/core/config/schema.js';
import { RIG_TIMEOUT_MS, observedGateway, parseExposition, startRig, total, type GatewayOptions, type ObservedGateway, type Rig } from './support.js';

const SCRAPE_TOKEN = 'scrape-token-0f3a9b7c2d51e486';

let rig: Rig;
const opened: ObservedGateway[] = [];

/** A gateway over the Cortex account only; closed after the test. */
function gateway(options: Omit<GatewayOptions, 'accounts'> = {}): ObservedGateway {
  const made = observedGateway(rig, { ...options, accounts: (base) => base.filter((account) => account.vendor === 'cortex') });
  opened.push(made);
  return made;
}

beforeAll(async () => {
  rig = await startRig();
}, RIG_TIMEOUT_MS);
afterAll(async () => {
  await rig.close();
});
beforeEach(() => {
  rig.reset();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((made) => made.close()));
});

describe('the metrics endpoint, by default', () => {
  let fleet: ObservedGateway;
  beforeEach(() => {
    fleet = gateway();
  });

  it('answers GET /metrics without GraphQL credentials, while GraphQL itself needs them', async () => {
    expect((await fleet.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).status).toBe(401);
    const scrape = await fleet.request('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('cache-control')).toBe('no-store');
    expect(total(parseExposition(scrape.raw), 'patchbay_http_responses_total', { path: '/graphql', status: '401' })).toBe(1);
    expect(total(parseExposition(scrape.raw), 'patchbay_graphql_requests_total', { operation: 'none', outcome: 'rejected' })).toBe(1);
  });

  it('answers HEAD without a body and refuses other methods with 405', async () => {
    const head = await fleet.request('/metrics', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.raw).toBe('');
    const post = await fleet.request('/metrics', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('shows an open circuit and counts the attempts it refused', async () => {
    const breaker = gateway({ resilience: { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { consecutiveFailures: 1, halfOpenAfterMs: 600_000 } } });
    breaker.sim('cortex').server.addFault({ match: { method: 'GET' }, response: { status: 503, body: { message: 'down' } }, times: 1 });
    const query = '{ connections(first: 5) { failures { error { __typename } } } }';
    expect((await breaker.gql(query)).json.data).toEqual({ connections: { failures: [{ error: { __typename: 'VendorUnavailableError' } }] } });
    expect((await breaker.gql(query)).json.data).toEqual({ connections: { failures: [{ error: { __typename: 'CircuitOpenError' } }] } });
    const samples = parseExposition((await breaker.request('/metrics')).raw);
    const account = { vendor: 'cortex', account: breaker.account('cortex') };
    expect(total(samples, 'patchbay_vendor_breaker_state', { ...account, state: 'OPEN' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_breaker_state', { ...account, state: 'CLOSED' })).toBe(0);
    expect(total(samples, 'patchbay_vendor_breaker_rejections_total', account)).toBe(1);
    expect(total(samples, 'patchbay_vendor_request_errors_total', { ...account, error: 'CircuitOpenError' })).toBe(1);
    expect(total(samples, 'patchbay_vendor_requests_total', { ...account, status_class: 'none' })).toBe(1);
  });

  it('keeps each gateway series apart: two gateways in one process never share a registry', async () => {
    const other = gateway();
    await other.gql('query OnlyHere { __typename }');
    const mine = parseExposition((await fleet.request('/metrics')).raw);
    const theirs = parseExposition((await other.request('/metrics')).raw);
    expect(total(theirs, 'patchbay_graphql_requests_total', { operation: 'OnlyHere' })).toBe(1);
    expect(total(mine, 'patchbay_graphql_requests_total', { operation: 'OnlyHere' })).toBe(0);
  });
});

describe('gateway.metrics', () => {
  it('with a token: 401 without it or with another, the scrape with it; the token shows nowhere', async () => {
    const fleet = gateway({ gateway: { metrics: { enabled: true, path: '/internal/metrics', token: SCRAPE_TOKEN } } });
    expect((await fleet.request('/internal/metrics')).status).toBe(401);
    const wrong = await fleet.request('/internal/metrics', { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    const scrape = await fleet.request('/internal/metrics', { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(scrape.raw).toContain('patchbay_http_responses_total{path="/internal/metrics",status="401"} 2');
    expect(scrape.raw).not.toContain(SCRAPE_TOKEN);
    expect(fleet.logs.join('\n')).not.toContain(SCRAPE_TOKEN);
    // The default path is not served when another is configured (and needs GraphQL credentials like any unknown path).
    expect((await fleet.request('/metrics')).status).not.toBe(200);
  });

  it('disabled: the path is not served', async () => {
    const fleet = gateway({ gateway: { metrics: { enabled: false, path: '/metrics' } } });
    const answer = await fleet.request('/metrics');
    expect(answer.status).not.toBe(200);
    expect(answer.raw).not.toContain('patchbay_');
  });

  it('defaults to on at /metrics without a token, and refuses a path the gateway already serves or a malformed one', () => {
    expect(gatewaySchema.parse({}).metrics).toEqual({ enabled: true, path: '/metrics' });
    for (const path of ['/graphql', '/healthz', '/readyz', 'metrics', '/metrics?x=1', '/a b', '/metrics/']) {
      const parsed = gatewaySchema.safeParse({ metrics: { path } });
      expect(parsed.success, path).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['metrics', 'path']);
    }
    expect(gatewaySchema.safeParse({ metrics: { token: '' } }).success).toBe(false);
    expect(gatewaySchema.safeParse({ metrics: { extra: true } }).success).toBe(false);
  });
});
