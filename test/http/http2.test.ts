import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/core/config/load.js';
import { createDispatcher } from '../../src/core/http/dispatcher.js';
import { VendorHttp } from '../../src/core/http/vendor-http.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { parseConfigText } from '../../src/server/config.js';

/*
 * Issue 12, scope 2: HTTP/2 to vendors that serve it (`gateway.vendorHttp.allowH2`). A local TLS
 * server on 127.0.0.1 speaks both HTTP/2 and HTTP/1.1 (ALPN chooses), with a self-signed
 * certificate committed as a fixture (test/http/fixtures, CN and SAN 127.0.0.1, not a secret of
 * anyone's). It records the protocol of every request and counts TLS connections: with allowH2 the
 * calls arrive as HTTP/2 and share one connection; without it, HTTP/1.1, as before.
 */

const CERT = readFileSync(new URL('./fixtures/localhost-cert.pem', import.meta.url), 'utf8');
const KEY = readFileSync(new URL('./fixtures/localhost-key.pem', import.meta.url), 'utf8');
const API_KEY = 'h2-canary-api-key-7c1e';

let server: Http2SecureServer;
/** The same answers from a TLS server that only speaks HTTP/1.1 (no h2 in its ALPN list). */
let h1Server: HttpsServer;
let baseUrl = '';
let h1BaseUrl = '';
const versions: string[] = [];
const keysSeen: string[] = [];
let connections = 0;

beforeAll(async () => {
  const handle = (
    request: { httpVersion: string; url?: string | undefined; headers: Record<string, unknown> },
    response: { writeHead(status: number, headers: Record<string, string>): unknown; end(body: string): unknown },
  ) => {
    versions.push(request.httpVersion);
    keysSeen.push(String(request.headers['dd-api-key']));
    // A short delay so that concurrent calls overlap and HTTP/1.1 needs a socket each.
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { id: String(request.url), protocol: request.httpVersion } }));
    }, 30);
  };
  const countConnection = () => {
    connections += 1;
  };
  server = createSecureServer({ cert: CERT, key: KEY, allowHTTP1: true }, handle);
  server.on('secureConnection', countConnection);
  h1Server = createHttpsServer({ cert: CERT, key: KEY }, handle);
  h1Server.on('secureConnection', countConnection);
  for (const listener of [server, h1Server]) {
    listener.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listener.once('listening', () => resolve()));
  }
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h1BaseUrl = `https://127.0.0.1:${(h1Server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const listener of [server, h1Server]) await new Promise<void>((resolve) => listener.close(() => resolve()));
});

function transport(allowH2: boolean | undefined, url = baseUrl) {
  const dispatcher = createDispatcher({ ca: CERT, denyRanges: [], connectTimeoutMs: 2_000, ...(allowH2 === undefined ? {} : { allowH2 }) });
  const http = new VendorHttp({
    vendor: 'datadog',
    vendorName: 'Datadog',
    account: 'h2',
    baseUrl: url,
    dispatcher,
    auth: { headers: () => ({ 'DD-API-KEY': API_KEY }) },
    parseError: () => ({}),
    logger: createMemoryLogger(),
    callTimeoutMs: 5_000,
  });
  return { http, close: () => dispatcher.close() };
}

const answer = z.object({ data: z.object({ id: z.string(), protocol: z.string() }) });

/**
 * One GET (which opens the connection), then `count` concurrent GETs; returns what the server saw
 * for those and the protocols in the parsed answers.
 */
async function calls(allowH2: boolean | undefined, count: number, url = baseUrl): Promise<{ versions: string[]; connections: number; protocols: string[] }> {
  const { http, close } = transport(allowH2, url);
  const get = (i: number) => http.request({}, { method: 'GET', route: '/api/v2/actions/connections/{id}', params: { id: String(i) }, schema: answer });
  try {
    await get(0);
    versions.length = 0;
    keysSeen.length = 0;
    connections = 0;
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => get(i + 1)));
    return { versions: [...versions], connections, protocols: answers.map((a) => a.body.data.protocol) };
  } finally {
    await close();
  }
}

describe('HTTP/2 to vendors (gateway.vendorHttp.allowH2)', () => {
  it('when allowed, a TLS vendor that offers h2 gets every call over HTTP/2, concurrent calls multiplexed on the open connection', async () => {
    const seen = await calls(true, 8);
    expect(seen.versions).toEqual(Array(8).fill('2.0'));
    expect(seen.protocols).toEqual(Array(8).fill('2.0'));
    // No new connection for the 8 concurrent calls: they share the first one's.
    expect(seen.connections).toBe(0);
    expect(keysSeen).toEqual(Array(8).fill(API_KEY));
  });

  it('when not allowed (the default), the same server is spoken to over HTTP/1.1, a socket per concurrent call', async () => {
    for (const allowH2 of [false, undefined]) {
      const seen = await calls(allowH2, 8);
      expect(seen.versions).toEqual(Array(8).fill('1.1'));
      expect(seen.protocols).toEqual(Array(8).fill('1.1'));
      // One socket per call in flight: 7 more were opened besides the first.
      expect(seen.connections).toBeGreaterThan(0);
    }
  });

  it('when allowed but the vendor only speaks HTTP/1.1, calls stay on HTTP/1.1 with a socket each (nothing is pipelined)', async () => {
    const seen = await calls(true, 8, h1BaseUrl);
    expect(seen.versions).toEqual(Array(8).fill('1.1'));
    expect(seen.protocols).toEqual(Array(8).fill('1.1'));
    expect(seen.connections).toBeGreaterThan(0);
  });

  it('the config key defaults to false and takes only a boolean', () => {
    const defaults = parseConfigText('{"accounts": []}', 'json', {});
    expect(defaults.gateway.vendorHttp.allowH2).toBe(false);
    const on = parseConfigText('{"accounts": [], "gateway": {"vendorHttp": {"allowH2": true}}}', 'json', {});
    expect(on.gateway.vendorHttp.allowH2).toBe(true);
    const bad = (() => {
      try {
        parseConfigText('{"accounts": [], "gateway": {"vendorHttp": {"allowH2": "yes"}}}', 'json', {});
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).message).toContain('gateway.vendorHttp.allowH2');
    expect((bad as ConfigError).message).toContain('must be true or false');
  });
});
