import { createServer, type Server, type Socket } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorUnavailableError } from '../../src/core/errors.js';
import { createDispatcher } from '../../src/core/http/dispatcher.js';
import { createDenyList, DEFAULT_DENY_RANGES, EGRESS_DENIED, guardedLookup, insecureUrlProblem, type Resolve } from '../../src/core/http/egress.js';
import { VendorHttp } from '../../src/core/http/vendor-http.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { ConfigError } from '../../src/core/config/load.js';
import { parseConfigText } from '../../src/server/config.js';

/*
 * Issue 9, point 7: where credentials may go. Plain http only to this machine unless an account
 * allows it, and never to an address in a denied range, checked on the address a connection is
 * opened to. No traffic leaves 127.0.0.1: made-up names resolve through an injected resolver, and
 * the denied address in the end-to-end cases is 127.0.0.1 itself, put on the deny-list, with a
 * listener there that counts the sockets it gets (none).
 */

describe('the deny-list', () => {
  const defaults = createDenyList(DEFAULT_DENY_RANGES);

  it('by default denies link-local and metadata addresses, in every spelling, and nothing else', () => {
    for (const address of ['169.254.169.254', '169.254.0.1', 'fe80::1', 'FE80::abcd:1', '::ffff:169.254.169.254', 'fd00:ec2::254', '100.100.100.200']) {
      expect(defaults.denies(address), address).toBe(true);
    }
    for (const address of ['127.0.0.1', '10.0.0.1', '8.8.8.8', '::1', '2001:db8::1', '100.100.100.201', 'not-an-address']) {
      expect(defaults.denies(address), address).toBe(false);
    }
  });

  it('a lookup refuses a name when any of its addresses is denied, and never connects to answer it', async () => {
    const resolve: Resolve = async (host) =>
      host === 'metadata.patchbay.invalid'
        ? [
            { address: '10.0.0.5', family: 4 },
            { address: '169.254.169.254', family: 4 },
          ]
        : [{ address: '10.0.0.6', family: 4 }];
    const lookup = guardedLookup(defaults, resolve);
    const ask = (host: string, all: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((done) => {
        lookup(host, { all }, (error, address) => done({ error, address }));
      });
    expect((await ask('metadata.patchbay.invalid', false)).error?.code).toBe(EGRESS_DENIED);
    expect((await ask('metadata.patchbay.invalid', true)).error?.code).toBe(EGRESS_DENIED);
    expect(await ask('api.patchbay.invalid', false)).toEqual({ error: null, address: '10.0.0.6' });
    expect(await ask('api.patchbay.invalid', true)).toEqual({ error: null, address: [{ address: '10.0.0.6', family: 4 }] });
  });
});

describe('base URLs that may carry credentials', () => {
  it('https anywhere; plain http only to loopback hosts, or when the account allows it', () => {
    for (const url of ['https://api.example.com', 'http://127.0.0.1:4010', 'http://127.9.8.7', 'http://localhost:3000', 'http://[::1]:8080']) {
      expect(insecureUrlProblem(new URL(url), false), url).toBeNull();
    }
    expect(insecureUrlProblem(new URL('http://api.example.com'), false)).toContain('https');
    expect(insecureUrlProblem(new URL('http://10.0.0.8:8080'), false)).toContain('https');
    expect(insecureUrlProblem(new URL('http://api.example.com'), true)).toBeNull();
  });

  it('the config file refuses http to another host unless the account sets allowInsecureHttp, and checks deny ranges', () => {
    const account = (extra: Record<string, unknown>) => ({ accounts: [{ id: 'cx', vendor: 'cortex', baseUrl: 'http://cortex.internal.example:8080', token: 'tok', ...extra }] });
    let error: unknown;
    try {
      parseConfigText(JSON.stringify(account({})), 'json', {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([expect.objectContaining({ path: 'accounts[0].baseUrl', message: expect.stringContaining('https') })]);
    expect(parseConfigText(JSON.stringify(account({ allowInsecureHttp: true })), 'json', {}).accounts[0]?.baseUrl).toBe('http://cortex.internal.example:8080');
    const ranges = parseConfigText(JSON.stringify({ accounts: [], gateway: { egress: { denyRanges: ['10.0.0.0/8', 'fd00::/8'] } } }), 'json', {});
    expect(ranges.gateway.egress.denyRanges).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(() => parseConfigText(JSON.stringify({ accounts: [], gateway: { egress: { denyRanges: ['10.0.0.0/33'] } } }), 'json', {})).toThrow(/gateway\.egress\.denyRanges\[0\]/);
  });
});

describe('a connection to a denied address is refused before any socket', () => {
  let listener: Server;
  let port = 0;
  let sockets = 0;
  const open = new Set<Socket>();

  beforeAll(async () => {
    listener = createServer((socket) => {
      sockets += 1;
      open.add(socket);
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const address = listener.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    port = address.port;
  });
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });

  /** Maps the made-up host to 127.0.0.1, and counts the lookups. */
  const lookups: string[] = [];
  const resolve: Resolve = async (host) => {
    lookups.push(host);
    if (host !== 'metadata.patchbay.invalid') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return [{ address: '127.0.0.1', family: 4 }];
  };

  function http(denyRanges: readonly string[], baseUrl: string): { http: VendorHttp; close: () => Promise<void> } {
    const dispatcher = createDispatcher({ denyRanges, resolve });
    const transport = new VendorHttp({
      vendor: 'datadog',
      vendorName: 'Datadog',
      account: 'egress',
      baseUrl,
      dispatcher,
      auth: { headers: () => ({ 'DD-API-KEY': 'egress-test-key' }) },
      parseError: () => ({}),
      logger: createMemoryLogger(),
      callTimeoutMs: 2_000,
    });
    return { http: transport, close: () => dispatcher.close() };
  }

  it('a made-up name that resolves to a denied address: refused at connect time, with no socket and no resend', async () => {
    const { http: transport, close } = http(['127.0.0.1/32'], `http://metadata.patchbay.invalid:${port}`);
    try {
      const error = await transport.request({}, { method: 'GET', route: '/latest/meta-data/' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VendorUnavailableError);
      expect((error as VendorUnavailableError).message).toContain('gateway.egress.denyRanges');
      expect(lookups.filter((host) => host === 'metadata.patchbay.invalid')).toHaveLength(1);
      expect(sockets).toBe(0);
    } finally {
      await close();
    }
  });

  it('an address literal in a denied range is refused too (no lookup happens for one)', async () => {
    const { http: transport, close } = http(['127.0.0.1/32'], `http://127.0.0.1:${port}`);
    try {
      await expect(transport.request({}, { method: 'GET', route: '/' })).rejects.toBeInstanceOf(VendorUnavailableError);
      expect(sockets).toBe(0);
    } finally {
      await close();
    }
  });

  it('the same name and address go through when the range is not denied (the control)', async () => {
    const { http: transport, close } = http(DEFAULT_DENY_RANGES, `http://metadata.patchbay.invalid:${port}`);
    try {
      await expect(transport.request({}, { method: 'GET', route: '/' })).resolves.toMatchObject({ status: 200 });
      expect(sockets).toBe(1);
    } finally {
      await close();
    }
  });
});
