import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultGatewayConfig, type GatewayConfig } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/config/load.js';
import { isAllowedHost } from '../../src/server/browser-safety.js';
import { parseConfigText } from '../../src/server/config.js';
import { startFleet, type Fleet } from '../inventory/support.js';
import { startHarness, type Harness } from '../support/harness.js';

/*
 * Browser safety (issue 9, point 3): what a page in a victim's browser could make Patchbay do.
 * Every refused request is checked against the simulators' request logs: nothing reached a vendor.
 */

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet();
});
afterAll(async () => {
  await fleet.close();
});
beforeEach(() => {
  for (const { simulator } of fleet.simulators) simulator.server.clearRequests();
});

/** Requests that reached any simulator. */
function vendorTraffic(): number {
  return fleet.simulators.reduce((sum, { simulator }) => sum + simulator.server.requests.length, 0);
}

/** A query that calls every vendor when it runs. */
const EVERY_VENDOR = '{ connections { totalCount } }';

/** A gateway over the fleet's accounts with these `gateway.http` settings. */
function harnessWith(http: Partial<GatewayConfig['http']>): Promise<Harness> {
  const gateway = defaultGatewayConfig();
  return startHarness({ accounts: fleet.accounts, store: fleet.store, gateway: { http: { ...gateway.http, ...http } } });
}

async function send(h: Harness, init: RequestInit, url = 'http://patchbay.test/graphql'): Promise<Response> {
  return await h.runtime.yoga.fetch(url, init);
}

describe('CSRF: only JSON bodies are executed', () => {
  it('the JSON POST every client sends still runs (and calls the vendors)', async () => {
    const response = await send(fleet.h, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ query: EVERY_VENDOR }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { connections: { totalCount: expect.any(Number) } } });
    expect(vendorTraffic()).toBeGreaterThan(0);
  });

  it('the GraphQL-over-HTTP draft’s application/graphql+json is executed too', async () => {
    const response = await send(fleet.h, { method: 'POST', headers: { 'content-type': 'application/graphql+json' }, body: JSON.stringify({ query: '{ accounts { key } }' }) });
    expect(response.status).toBe(200);
  });

  it('a form-encoded POST (what a cross-site <form> sends) is refused with 415 before it runs', async () => {
    const response = await send(fleet.h, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent(EVERY_VENDOR)}` });
    expect(response.status).toBe(415);
    expect(await response.text()).not.toContain('totalCount');
    expect(vendorTraffic()).toBe(0);
  });

  it('a multipart POST is refused with 415 before it runs', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: EVERY_VENDOR }));
    form.set('map', '{}');
    const response = await send(fleet.h, { method: 'POST', body: form });
    expect(response.status).toBe(415);
    expect(vendorTraffic()).toBe(0);
  });

  it.each([['text/plain'], ['application/graphql']])('a %s POST is refused with 415', async (type) => {
    const body = type === 'application/graphql' ? EVERY_VENDOR : JSON.stringify({ query: EVERY_VENDOR });
    const response = await send(fleet.h, { method: 'POST', headers: { 'content-type': type }, body });
    expect(response.status).toBe(415);
    expect(vendorTraffic()).toBe(0);
  });

  it('a mutation over GET is refused (405) and reaches no vendor', async () => {
    const mutation = 'mutation { deleteCortexPagerDutyConfiguration(input: { account: "cortex-demo" }) { __typename } }';
    const response = await send(fleet.h, { method: 'GET', headers: { accept: 'application/json' } }, `http://patchbay.test/graphql?query=${encodeURIComponent(mutation)}`);
    expect(response.status).toBe(405);
    expect(vendorTraffic()).toBe(0);
  });
});

describe('CORS: closed unless an origin is listed', () => {
  const preflight = (origin: string): RequestInit => ({
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
  });

  it('by default a cross-origin preflight gets no CORS allowance, and a cross-origin answer none either', async () => {
    const answer = await send(fleet.h, preflight('https://evil.example'));
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await send(fleet.h, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ accounts { key } }' }) });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a configured origin is allowed (without credentials); any other still is not', async () => {
    const h = await harnessWith({ corsOrigins: ['https://console.example.com'] });
    try {
      const allowed = await send(h, preflight('https://console.example.com'));
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
      expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      const other = await send(h, preflight('https://evil.example'));
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const post = await send(h, { method: 'POST', headers: { origin: 'https://console.example.com', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ accounts { key } }' }) });
      expect(post.status).toBe(200);
      expect(post.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    } finally {
      await h.close();
    }
  });
});

describe('allowed hosts (DNS rebinding)', () => {
  it('matches a host on any port, or a host:port exactly', () => {
    expect(isAllowedHost('Patchbay.Example.com:4000', ['patchbay.example.com'])).toBe(true);
    expect(isAllowedHost('patchbay.example.com:4001', ['patchbay.example.com:4000'])).toBe(false);
    expect(isAllowedHost('patchbay.example.com:4000', ['patchbay.example.com:4000'])).toBe(true);
    expect(isAllowedHost('[::1]:4000', ['[::1]'])).toBe(true);
    expect(isAllowedHost('evil.example', ['patchbay.example.com'])).toBe(false);
  });

  describe('over real HTTP, where the Host header is what the client sent', () => {
    let h: Harness;
    let server: Server;
    let port: number;
    beforeAll(async () => {
      h = await harnessWith({ allowedHosts: ['patchbay.internal', '127.0.0.1'] });
      server = createServer(h.runtime.yoga);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await h.close();
    });

    function post(host: string, path = '/graphql'): Promise<{ status: number; body: string }> {
      const body = JSON.stringify({ query: EVERY_VENDOR });
      return new Promise((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port, path, method: path === '/graphql' ? 'POST' : 'GET', headers: { host, 'content-type': 'application/json' } }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on('error', reject);
        request.end(path === '/graphql' ? body : undefined);
      });
    }

    it('refuses a request for another host name with 421, before it runs', async () => {
      const refused = await post(`rebound.evil.example:${port}`);
      expect(refused.status).toBe(421);
      expect(vendorTraffic()).toBe(0);
    });

    it('serves the allowed names, and probes under any name', async () => {
      expect((await post(`patchbay.internal:${port}`)).status).toBe(200);
      expect((await post(`127.0.0.1:${port}`)).status).toBe(200);
      expect((await post(`10.1.2.3:${port}`, '/healthz')).status).toBe(200);
    });
  });

  it('without allowedHosts any host is served (the default)', async () => {
    const response = await send(
      fleet.h,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ accounts { key } }' }) },
      'http://anything.example/graphql',
    );
    expect(response.status).toBe(200);
  });
});

describe('config: gateway.http and gateway.limits', () => {
  it('default to no CORS origin, any host and the production limits', () => {
    const { gateway } = parseConfigText('accounts: []\n', 'yaml', {});
    expect(gateway.http).toEqual({ corsOrigins: [], allowedHosts: [] });
    expect(gateway.limits).toMatchObject({ maxDepth: 12, maxAliases: 30, maxMutations: 10, maxIds: 100, costLimit: 200, requestsPerMinute: 600 });
    expect(gateway.introspection).toBeUndefined();
  });

  it('take origins and hosts, and refuse an origin with a path without quoting it', () => {
    const yaml = 'accounts: []\ngateway:\n  http:\n    corsOrigins: [https://console.example.com]\n    allowedHosts: [Patchbay.Example.com:4000]\n  limits:\n    costLimit: 50\n';
    expect(parseConfigText(yaml, 'yaml', {}).gateway).toMatchObject({
      http: { corsOrigins: ['https://console.example.com'], allowedHosts: ['patchbay.example.com:4000'] },
      limits: { costLimit: 50, maxIds: 100 },
    });
    try {
      parseConfigText('accounts: []\ngateway:\n  http:\n    corsOrigins: [https://console.example.com/secret-path]\n', 'yaml', {});
      expect.unreachable('a path in an origin must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).toContain('gateway.http.corsOrigins');
      expect(String(error)).not.toContain('secret-path');
    }
  });
});
