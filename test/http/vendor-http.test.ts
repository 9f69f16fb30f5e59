import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  CircuitOpenError,
  ConflictError,
  NotFoundError,
  OutcomeUnknownError,
  VendorAuthError,
  VendorContractError,
  VendorError,
  VendorRateLimitedError,
  VendorUnavailableError,
  VendorValidationError,
  type PatchbayError,
} from '../../src/core/errors.js';
import { createDispatcher } from '../../src/core/http/dispatcher.js';
import { DEFAULT_BREAKER, type Clock } from '../../src/core/http/resilience.js';
import { VendorHttp, type AuthStrategy, type CallScope, type HttpMethod, type VendorCallRecord, type VendorErrorParser, type VendorHttpOptions } from '../../src/core/http/vendor-http.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { lenientEnum, looseNumber, tolerantList } from '../../src/core/http/tolerant.js';

/*
 * Unit tests of the vendor HTTP layer against a real node:http server on 127.0.0.1: request
 * building, auth, status and transport failures → the typed catalogue, parsing at the boundary,
 * deadlines, body cap, secret scrubbing and the per-call record. Time that the layer waits on
 * purpose (backoff, rate-limit windows) runs on an injected clock; deadlines run on real time.
 */

// ---------------------------------------------------------------------------------------------
// A programmable upstream

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Reply = (request: Seen, res: ServerResponse) => void;

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const raw =
  (status: number, text: string, headers: Record<string, string> = {}): Reply =>
  (_, res) => {
    res.writeHead(status, headers);
    res.end(text);
  };
/** Never answers. */
const hang: Reply = () => {};
/** Drops the connection without answering. */
const drop: Reply = (_, res) => {
  res.socket?.destroy();
};

class Upstream {
  readonly seen: Seen[] = [];
  private queue: Reply[] = [];
  private fallback: Reply = json(200, { ok: true });
  private server: Server | null = null;
  url = '';

  /** The next requests get these replies, in order; later ones get `always`. */
  reply(...replies: Reply[]): void {
    this.queue.push(...replies);
  }

  always(reply: Reply): void {
    this.fallback = reply;
  }

  reset(): void {
    this.seen.length = 0;
    this.queue = [];
    this.fallback = json(200, { ok: true });
    this.server?.closeAllConnections();
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.seen.push(seen);
        (this.queue.shift() ?? this.fallback)(seen, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    this.server = server;
    this.url = `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// The layer under test

/** Advances instead of sleeping; `now` follows real time plus what was "slept". */
class TestClock implements Clock {
  offset = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return Date.now() + this.offset;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.offset += ms;
  }
}

const errorBody = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  fields: z.array(z.object({ path: z.array(z.string()), message: z.string() })).optional(),
});

/** Bodies the test parser was given. */
const parsedBodies: unknown[] = [];

const parseError: VendorErrorParser = (_status, body) => {
  parsedBodies.push(body);
  const parsed = errorBody.safeParse(body);
  if (!parsed.success) return {};
  return { vendorCode: parsed.data.code ?? null, summary: parsed.data.message ?? null, fieldErrors: parsed.data.fields ?? [] };
};

const staticAuth: AuthStrategy = { headers: () => ({ authorization: 'Bearer unit-test-token' }) };

const upstream = new Upstream();
const dispatcher = createDispatcher({ connectTimeoutMs: 1_000 });
let logger = createMemoryLogger();
let clock = new TestClock();

function layer(over: Partial<VendorHttpOptions> = {}): VendorHttp {
  return new VendorHttp({
    vendor: 'datadog',
    vendorName: 'Datadog',
    account: 'unit',
    baseUrl: upstream.url,
    dispatcher,
    auth: staticAuth,
    parseError,
    logger,
    clock,
    random: () => 0.5,
    callTimeoutMs: 2_000,
    ...over,
  });
}

/** A scope that collects the call records. */
function recordingScope(extra: Omit<CallScope, 'record'> = {}): { scope: CallScope; records: VendorCallRecord[] } {
  const records: VendorCallRecord[] = [];
  return { scope: { ...extra, record: (call) => records.push(call) }, records };
}

async function failure(promise: Promise<unknown>): Promise<PatchbayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error as PatchbayError;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const okSchema = z.object({ ok: z.boolean() });

beforeAll(async () => {
  await upstream.listen();
});
afterAll(async () => {
  await upstream.close();
  await dispatcher.close();
});
beforeEach(() => {
  upstream.reset();
  parsedBodies.length = 0;
  logger = createMemoryLogger();
  clock = new TestClock();
});

// ---------------------------------------------------------------------------------------------

describe('building the request', () => {
  it('joins the base path, fills and encodes route parameters, and writes the query', async () => {
    const http = layer({ baseUrl: `${upstream.url}/base/` });
    await http.request(
      {},
      {
        method: 'GET',
        route: '/things/{id}/sub/{other}',
        params: { id: 'a/b c', other: 'ü?' },
        query: { 'page[size]': 2, tag: ['x', 'y'], skipped: undefined, flag: true },
        schema: okSchema,
      },
    );
    expect(upstream.seen.map((s) => s.url)).toEqual(['/base/things/a%2Fb%20c/sub/%C3%BC%3F?page%5Bsize%5D=2&tag=x&tag=y&flag=true']);
  });

  it('refuses a route whose parameter is missing, without sending anything', async () => {
    await expect(layer().request({}, { method: 'GET', route: '/things/{id}' })).rejects.toThrow(/missing parameter id/);
    expect(upstream.seen).toEqual([]);
  });

  it('sends accept, the auth headers (asked with method and path), extra headers and a JSON body', async () => {
    const asked: unknown[] = [];
    const auth: AuthStrategy = {
      headers: (request) => {
        asked.push(request);
        return { 'DD-API-KEY': 'k1', 'DD-APPLICATION-KEY': 'k2' };
      },
    };
    await layer({ auth }).request({}, { method: 'POST', route: '/things', query: { q: '1' }, json: { a: 1 }, headers: { 'x-extra': 'yes' }, schema: okSchema });
    const [seen] = upstream.seen;
    expect(seen?.headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json', 'dd-api-key': 'k1', 'dd-application-key': 'k2', 'x-extra': 'yes' });
    expect(seen?.body).toBe('{"a":1}');
    expect(asked).toEqual([{ method: 'POST', pathAndQuery: '/things?q=1' }]);
  });

  it('sends a form body url-encoded, and no body when there is none', async () => {
    const http = layer();
    await http.request({}, { method: 'POST', route: '/token', form: { grant_type: 'client_credentials', scope: 'a b' }, schema: okSchema });
    await http.request({}, { method: 'DELETE', route: '/things/1' });
    expect(upstream.seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(upstream.seen[0]?.body).toBe('grant_type=client_credentials&scope=a+b');
    expect(upstream.seen[1]?.body).toBe('');
    expect(upstream.seen[1]?.headers['content-type']).toBeUndefined();
  });
});

describe('a successful answer', () => {
  it('is parsed with the schema (unknown keys dropped), whatever the JSON content type', async () => {
    upstream.reply(json(200, { ok: true, extra: 'dropped' }, { 'content-type': 'application/vnd.api+json', 'x-request-id': 'abc' }));
    const response = await layer().request({}, { method: 'GET', route: '/x', schema: okSchema });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
    expect(response.headers['x-request-id']).toBe('abc');
  });

  it('without a schema has no body (204)', async () => {
    upstream.reply(raw(204, ''));
    await expect(layer().request({}, { method: 'DELETE', route: '/x' })).resolves.toMatchObject({ status: 204, body: undefined });
  });

  it('counts only okStatuses when given: another 2xx is a contract error', async () => {
    upstream.reply(json(200, { ok: true }));
    const error = await failure(layer().request({}, { method: 'PUT', route: '/x', schema: okSchema, okStatuses: [201] }));
    expect(error).toBeInstanceOf(VendorContractError);
    expect(error).toMatchObject({ facts: { httpStatus: 200 } });
  });
});

describe('an answer that breaks the contract → VendorContractError, details only in the log', () => {
  it('a body that is not JSON', async () => {
    upstream.reply(raw(200, '<html>internal-marker-1</html>', { 'content-type': 'text/html' }));
    const error = await failure(layer().request({}, { method: 'GET', route: '/x/{id}', params: { id: '7' }, schema: okSchema }));
    expect(error).toBeInstanceOf(VendorContractError);
    expect(error.message).not.toContain('internal-marker-1');
    expect(logger.lines).toHaveLength(1);
    expect(JSON.parse(logger.lines[0] ?? '{}')).toMatchObject({ level: 'warn', message: 'vendor answer breaks its contract', route: '/x/{id}', status: 200, issues: ['body is not JSON'] });
  });

  it('a body of the wrong shape: the log names the paths, never the values', async () => {
    upstream.reply(json(200, { ok: 'value-marker-2' }));
    const error = await failure(layer().request({}, { method: 'GET', route: '/x', schema: okSchema }));
    expect(error).toBeInstanceOf(VendorContractError);
    expect(error.message).not.toContain('value-marker-2');
    expect(logger.lines.join('\n')).toContain('ok: invalid_type');
    expect(logger.lines.join('\n')).not.toContain('value-marker-2');
  });

  it('an empty body where one is expected', async () => {
    upstream.reply(raw(200, ''));
    expect(await failure(layer().request({}, { method: 'GET', route: '/x', schema: okSchema }))).toBeInstanceOf(VendorContractError);
  });

  it('a body larger than the cap is not read whole, and not retried', async () => {
    upstream.always(raw(200, JSON.stringify({ ok: true, pad: 'x'.repeat(10_000) }), { 'content-type': 'application/json' }));
    const error = await failure(layer({ maxBodyBytes: 1_000 }).request({}, { method: 'GET', route: '/x', schema: okSchema }));
    expect(error).toBeInstanceOf(VendorContractError);
    expect(error.message).toContain('1000 bytes');
    expect(upstream.seen).toHaveLength(1);
  });
});

describe('a tolerant list: one broken item never costs the others', () => {
  const item = z.object({ id: z.string(), name: z.string() });
  const listSchema = z.object({ data: tolerantList(item, { idField: 'id', what: 'thing' }), meta: z.object({ total: looseNumber }).nullish() });

  it('returns the good items and one typed failure per broken item, named by its id, logged by path only', async () => {
    upstream.reply(
      json(
        200,
        { data: [{ id: 'a', name: 'A' }, { id: 'b', name: null, token: 'value-marker-3' }, { name: 'no id' }, { id: 'c', name: 'C' }, 'not-an-object'], meta: { total: '5' } },
        { 'x-request-id': 'req-9' },
      ),
    );
    const response = await layer().request({}, { method: 'GET', route: '/things', schema: listSchema });
    expect(response.body.data.items).toEqual([
      { id: 'a', name: 'A' },
      { id: 'c', name: 'C' },
    ]);
    expect(response.body.meta?.total).toBe(5);
    const failures = response.body.data.failures;
    expect(failures.map((f) => [f.vendorId, f.index])).toEqual([
      ['b', 1],
      [null, 2],
      [null, 4],
    ]);
    for (const failure of failures) {
      expect(failure.error).toBeInstanceOf(VendorContractError);
      expect(failure.error.facts).toMatchObject({ vendor: 'datadog', account: 'unit', httpStatus: 200, vendorRequestId: 'req-9' });
    }
    expect(failures[0]?.error.message).toBe('Datadog sent thing "b" (item 2 of its answer) that does not match its contract (name: invalid_type); Patchbay left it out and kept the rest.');
    expect(failures[1]?.error.message).toContain('a thing whose id it could not read');
    const log = logger.lines.join('\n');
    expect(logger.lines).toHaveLength(3);
    expect(log).toContain('[1].name: invalid_type');
    expect(log).not.toContain('value-marker-3');
  });

  it('never names an item by an id that carries a secret or is not a plain id', async () => {
    upstream.reply(
      json(200, {
        data: [
          { id: 'unit-test-token', name: 1 },
          { id: 'has spaces <b>', name: 2 },
        ],
      }),
    );
    const response = await layer({ secrets: ['unit-test-token'] }).request({}, { method: 'GET', route: '/things', schema: listSchema });
    expect(response.body.data.failures.map((f) => f.vendorId)).toEqual([null, null]);
    expect(response.body.data.failures.map((f) => f.error.message).join(' ')).not.toContain('unit-test-token');
  });

  it('a list that is not an array still breaks the whole answer', async () => {
    upstream.reply(json(200, { data: { id: 'a' } }));
    expect(await failure(layer().request({}, { method: 'GET', route: '/things', schema: listSchema }))).toBeInstanceOf(VendorContractError);
  });
});

describe('lenient vendor enums', () => {
  it('read a known value as itself and anything else as the unknown member', () => {
    const kind = lenientEnum(['A', 'B'], 'UNKNOWN');
    expect(kind.parse('A')).toBe('A');
    expect(kind.parse('C')).toBe('UNKNOWN');
  });
});

describe('an error status → the typed catalogue', () => {
  const body = { code: 'E_CODE', message: 'short summary', fields: [{ path: ['data', 'name'], message: 'too long' }], internal: 'stack-marker-3' };
  const cases: [number, new (...args: never[]) => PatchbayError, boolean | null][] = [
    [400, VendorValidationError, false],
    [422, VendorValidationError, false],
    [401, VendorAuthError, false],
    [403, VendorAuthError, false],
    [407, VendorAuthError, false],
    [404, NotFoundError, null],
    [409, ConflictError, false],
    [429, VendorRateLimitedError, true],
    [500, VendorUnavailableError, true],
    [502, VendorUnavailableError, true],
    [503, VendorUnavailableError, true],
    [504, VendorUnavailableError, true],
    [302, VendorContractError, false],
    [418, VendorContractError, false],
  ];

  it.each(cases.map(([status, type, retryable]) => [status, type.name, type, retryable] as const))('%i → %s', async (status, _name, type, retryable) => {
    // POST: never retried, so each status is seen once.
    upstream.reply(json(status, body, { 'x-request-id': 'req-42', 'retry-after': '7', location: `${upstream.url}/elsewhere` }));
    const error = await failure(layer().request({}, { method: 'POST', route: '/things', json: {}, schema: okSchema }));
    expect(error).toBeInstanceOf(type);
    expect(error.message).not.toContain('stack-marker-3');
    expect(upstream.seen).toHaveLength(1);
    if (retryable === null) {
      // A vendor 404 keeps the vendor's code, so two kinds of "not found" stay apart.
      expect(error).toMatchObject({ vendorCode: 'E_CODE' });
      return;
    }
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({
      retryable,
      facts: { vendor: 'datadog', account: 'unit', httpStatus: status, vendorCode: 'E_CODE', vendorRequestId: 'req-42', retryAfterSeconds: 7 },
    });
  });

  it('400 carries the parsed field errors and the summary', async () => {
    upstream.reply(json(400, body));
    const error = await failure(layer().request({}, { method: 'POST', route: '/things', json: {} }));
    expect(error).toBeInstanceOf(VendorValidationError);
    expect(error).toMatchObject({ message: 'Datadog refused the input: short summary', fieldErrors: [{ path: ['data', 'name'], message: 'too long' }] });
  });

  it('gives the parser undefined when the error body is not JSON', async () => {
    upstream.reply(raw(400, 'Bad Request'));
    expect(await failure(layer().request({}, { method: 'POST', route: '/x', json: {} }))).toBeInstanceOf(VendorValidationError);
    expect(parsedBodies).toEqual([undefined]);
  });

  it('takes the request id from the first configured header that looks like one', async () => {
    upstream.reply(json(404, {}, { 'x-datadog-request-id': 'dd-1', 'x-request-id': 'generic-2' }));
    upstream.reply(json(409, {}, { 'x-datadog-request-id': 'not one; it has spaces', 'x-request-id': 'generic-3' }));
    const http = layer({ requestIdHeaders: ['x-datadog-request-id', 'x-request-id'] });
    await failure(http.request({}, { method: 'POST', route: '/x', json: {} }));
    expect(await failure(http.request({}, { method: 'POST', route: '/x', json: {} }))).toMatchObject({ facts: { vendorRequestId: 'generic-3' } });
    upstream.reply(json(409, {}, { 'x-datadog-request-id': 'dd-4' }));
    expect(await failure(http.request({}, { method: 'POST', route: '/x', json: {} }))).toMatchObject({ facts: { vendorRequestId: 'dd-4' } });
  });

  it('does not follow a redirect', async () => {
    upstream.reply(raw(307, '', { location: `${upstream.url}/moved` }));
    expect(await failure(layer().request({}, { method: 'GET', route: '/x', schema: okSchema }))).toBeInstanceOf(VendorContractError);
    expect(upstream.seen.map((s) => s.url)).toEqual(['/x']);
  });
});

describe('secrets the request carried', () => {
  it('are replaced wherever the vendor error repeats them', async () => {
    const secret = 'sekrit-value-9f8e7d';
    upstream.reply(json(400, { code: `code ${secret}`, message: `the key ${secret} is wrong`, fields: [{ path: ['credentials', secret], message: `${secret}!` }] }));
    const error = await failure(layer().request({}, { method: 'POST', route: '/x', json: {}, sensitive: [secret, 'abc'] }));
    expect(error).toMatchObject({
      message: 'Datadog refused the input: the key [redacted] is wrong',
      facts: { vendorCode: 'code [redacted]' },
      fieldErrors: [{ path: ['credentials', '[redacted]'], message: '[redacted]!' }],
    });
    expect(JSON.stringify(error)).not.toContain(secret);
  });

  it("the account's own secrets too, and every string the parser picked is one short line", async () => {
    const accountSecret = 'account-secret-5c4b3a';
    upstream.reply(
      json(400, {
        code: 'E\u0000CODE',
        message: `line one\n\tline two ${accountSecret} ${'x'.repeat(400)}`,
        fields: [{ path: ['a'], message: `bad\r\nvalue ${accountSecret}` }],
      }),
    );
    const error = await failure(layer({ secrets: [accountSecret] }).request({}, { method: 'POST', route: '/x', json: {} }));
    expect(error).toBeInstanceOf(VendorValidationError);
    expect(error.message).toMatch(/^Datadog refused the input: line one line two \[redacted\] x+\.\.\.$/);
    expect(error.message).toHaveLength('Datadog refused the input: '.length + 200);
    expect(error).toMatchObject({ facts: { vendorCode: 'E CODE' }, fieldErrors: [{ path: ['a'], message: 'bad value [redacted]' }] });
    expect(JSON.stringify(error)).not.toContain(accountSecret);
  });
});

describe('auth refusals', () => {
  it('sends once more with fresh headers when the strategy asks to', async () => {
    let n = 0;
    const challenges: unknown[] = [];
    const auth: AuthStrategy = {
      headers: () => ({ authorization: `Bearer token-${++n}` }),
      onRefused: (challenge) => {
        challenges.push(challenge.status);
        return true;
      },
    };
    upstream.reply(json(401, {}, { 'www-authenticate': 'Bearer' }), json(200, { ok: true }));
    const { scope, records } = recordingScope();
    await expect(layer({ auth }).request(scope, { method: 'POST', route: '/x', json: {}, schema: okSchema })).resolves.toMatchObject({ body: { ok: true } });
    expect(upstream.seen.map((s) => s.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(challenges).toEqual([401]);
    expect(records).toMatchObject([{ status: 200, attempts: 2 }]);
  });

  it('gives up after one more try, or at once when the strategy declines; never on a 403', async () => {
    let asked = 0;
    const auth: AuthStrategy = {
      headers: () => ({}),
      onRefused: () => {
        asked += 1;
        return asked <= 1;
      },
    };
    upstream.always(json(401, {}));
    expect(await failure(layer({ auth }).request({}, { method: 'GET', route: '/x' }))).toBeInstanceOf(VendorAuthError);
    expect(upstream.seen).toHaveLength(2);
    upstream.reset();
    upstream.always(json(401, {}));
    expect(await failure(layer({ auth }).request({}, { method: 'GET', route: '/x' }))).toBeInstanceOf(VendorAuthError);
    expect(upstream.seen).toHaveLength(1);
    upstream.reset();
    upstream.always(json(403, {}));
    const before = asked;
    expect(await failure(layer({ auth }).request({}, { method: 'GET', route: '/x' }))).toBeInstanceOf(VendorAuthError);
    expect(asked).toBe(before);
  });
});

describe('retries', () => {
  it.each(['GET', 'PUT', 'DELETE'] as const)('a %s is sent again after a 503, after a backoff', async (method) => {
    upstream.reply(json(503, {}), raw(204, ''));
    const { scope, records } = recordingScope();
    await expect(layer().request(scope, { method, route: '/x' })).resolves.toMatchObject({ status: 204 });
    expect(upstream.seen).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(200);
    expect(records).toMatchObject([{ method, status: 204, attempts: 2 }]);
  });

  it.each(['POST', 'PATCH'] as const)('a %s is never sent twice after an answer', async (method) => {
    upstream.always(json(503, {}));
    expect(await failure(layer().request({}, { method, route: '/x', json: {} }))).toBeInstanceOf(VendorUnavailableError);
    expect(upstream.seen).toHaveLength(1);
  });

  it('a 500 is not retried; a 503 that persists is tried three times in all', async () => {
    upstream.always(json(500, {}));
    expect(await failure(layer().request({}, { method: 'GET', route: '/x' }))).toMatchObject({ facts: { httpStatus: 500 } });
    expect(upstream.seen).toHaveLength(1);
    upstream.reset();
    upstream.always(json(503, {}));
    const { scope, records } = recordingScope();
    expect(await failure(layer().request(scope, { method: 'GET', route: '/x' }))).toMatchObject({ facts: { httpStatus: 503 } });
    expect(upstream.seen).toHaveLength(3);
    expect(records).toMatchObject([{ status: 503, attempts: 3 }]);
  });

  it('after a 429, a read waits for the window the vendor names, then goes again', async () => {
    upstream.reply(json(429, {}, { 'retry-after': '2' }), json(200, { ok: true }));
    await expect(layer().request({}, { method: 'GET', route: '/x', schema: okSchema })).resolves.toMatchObject({ body: { ok: true } });
    expect(upstream.seen).toHaveLength(2);
    expect(clock.sleeps.some((ms) => ms >= 1_900 && ms <= 2_000)).toBe(true);
  });

  it('a 429 window longer than the deadline fails at once, with the wait', async () => {
    upstream.always(json(429, {}, { 'x-ratelimit-reset': '120' }));
    const error = await failure(layer().request({ deadline: Date.now() + 5_000 }, { method: 'GET', route: '/x' }));
    expect(error).toBeInstanceOf(VendorRateLimitedError);
    expect(error).toMatchObject({ retryable: true, facts: { retryAfterSeconds: 120 } });
    expect(upstream.seen).toHaveLength(1);
  });
});

describe('transport failures and deadlines', () => {
  async function closedUrl(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${address.port}`;
  }

  it('connection refused → VendorUnavailableError, even for a POST (nothing was sent)', async () => {
    const baseUrl = await closedUrl();
    for (const method of ['GET', 'POST'] as const) {
      const { scope, records } = recordingScope();
      // A layer each: both retry a refused connection, and five faults in a row open the breaker.
      const error = await failure(layer({ baseUrl }).request(scope, { method, route: '/x', json: {} }));
      expect(error).toBeInstanceOf(VendorUnavailableError);
      expect(error).toMatchObject({ retryable: true, facts: { httpStatus: null } });
      expect(records).toMatchObject([{ method, status: null }]);
    }
    expect(logger.lines.some((line) => line.includes('"code":"ECONNREFUSED"'))).toBe(true);
  });

  it('no answer before the call timeout → VendorUnavailableError for a read, OutcomeUnknownError for a POST', async () => {
    upstream.always(hang);
    const http = layer({ callTimeoutMs: 200 });
    let started = Date.now();
    const read = await failure(http.request({}, { method: 'GET', route: '/x' }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(read).toBeInstanceOf(VendorUnavailableError);
    expect(read.message).toContain('deadline');
    started = Date.now();
    const write = await failure(http.request({}, { method: 'POST', route: '/x', json: {} }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(write).toBeInstanceOf(OutcomeUnknownError);
    expect(write).toMatchObject({ retryable: false, check: expect.stringContaining('Read the resource back') });
    expect(upstream.seen.map((s) => s.method)).toEqual(['GET', 'POST']);
  });

  it('the call timeout covers the whole body, even one that keeps trickling in', async () => {
    upstream.always((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":true,"pad":"');
      const timer = setInterval(() => res.write('x'), 30);
      res.on('close', () => clearInterval(timer));
      setTimeout(() => {
        clearInterval(timer);
        res.end('"}');
      }, 3_000);
    });
    const started = Date.now();
    const error = await failure(layer({ callTimeoutMs: 300 }).request({}, { method: 'GET', route: '/x', schema: okSchema }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(VendorUnavailableError);
  });

  it("the request's deadline shortens the call timeout; a passed deadline sends nothing", async () => {
    upstream.always(hang);
    const started = Date.now();
    expect(await failure(layer({ callTimeoutMs: 10_000 }).request({ deadline: Date.now() + 200 }, { method: 'GET', route: '/x' }))).toBeInstanceOf(VendorUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_500);
    upstream.reset();
    const late = await failure(layer().request({ deadline: Date.now() - 1 }, { method: 'GET', route: '/x' }));
    expect(late).toBeInstanceOf(VendorUnavailableError);
    expect(upstream.seen).toEqual([]);
  });

  it('a dropped connection → OutcomeUnknownError for a POST, VendorUnavailableError for a read', async () => {
    upstream.always(drop);
    expect(await failure(layer().request({}, { method: 'POST', route: '/x', json: {} }))).toBeInstanceOf(OutcomeUnknownError);
    expect(upstream.seen).toHaveLength(1);
    expect(await failure(layer().request({}, { method: 'GET', route: '/x' }))).toBeInstanceOf(VendorUnavailableError);
  });

  it('once the client has gone away, no call starts: neither a read nor a write', async () => {
    const gone = new AbortController();
    gone.abort();
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const error = await failure(layer().request({ signal: gone.signal }, { method, route: '/x', ...(method === 'POST' ? { json: {} } : {}), schema: okSchema }));
      expect(error).toBeInstanceOf(VendorUnavailableError);
      expect(error.message).toContain('went away');
    }
    expect(upstream.seen).toHaveLength(0);
  });

  it('the client going away cancels a read but not a write that is on its way', async () => {
    upstream.always((_, res) => {
      setTimeout(() => json(200, { ok: true })(_, res), 600);
    });
    const readAbort = new AbortController();
    setTimeout(() => readAbort.abort(), 30);
    const started = Date.now();
    expect(await failure(layer().request({ signal: readAbort.signal }, { method: 'GET', route: '/x', schema: okSchema }))).toBeInstanceOf(VendorError);
    expect(Date.now() - started).toBeLessThan(500);
    const writeAbort = new AbortController();
    setTimeout(() => writeAbort.abort(), 30);
    await expect(layer().request({ signal: writeAbort.signal }, { method: 'POST', route: '/x', json: {}, schema: okSchema })).resolves.toMatchObject({ body: { ok: true } });
  });
});

describe('the call record', () => {
  it('one per request: route template, status, attempts, duration, and nothing else', async () => {
    upstream.reply(json(200, { ok: true }));
    const { scope, records } = recordingScope();
    // Its own pool: the shared one may still hold a keep-alive socket that `upstream.reset()` just
    // closed, and the resend that costs would make this call's `attempts` 2.
    const fresh = createDispatcher({ connectTimeoutMs: 1_000 });
    try {
      await layer({ dispatcher: fresh }).request(scope, { method: 'GET', route: '/things/{id}', params: { id: 'id-marker-5' }, query: { q: 'query-marker-6' }, schema: okSchema });
    } finally {
      await fresh.close();
    }
    expect(records).toEqual([{ vendor: 'datadog', account: 'unit', method: 'GET', route: '/things/{id}', status: 200, attempts: 1, durationMs: expect.any(Number), cached: false }]);
    expect(JSON.stringify(records)).not.toMatch(/marker|Bearer/);
  });
});

describe('the circuit breaker', () => {
  it('opens after repeated vendor faults and then answers without calling; 4xx do not count', async () => {
    const http = layer({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    upstream.always(json(404, {}));
    for (let i = 0; i < 3; i++) expect(await failure(http.request({}, { method: 'POST', route: '/x', json: {} }))).toBeInstanceOf(NotFoundError);
    // Not `reset()`: it drops the keep-alive sockets, and a POST sent on one is OutcomeUnknown.
    upstream.seen.length = 0;
    upstream.always(json(500, {}));
    for (let i = 0; i < 2; i++) expect(await failure(http.request({}, { method: 'POST', route: '/x', json: {} }))).toBeInstanceOf(VendorUnavailableError);
    const { scope, records } = recordingScope();
    const open = await failure(http.request(scope, { method: 'POST', route: '/x', json: {} }));
    expect(open).toBeInstanceOf(CircuitOpenError);
    expect(open).toMatchObject({ retryable: true });
    expect((open as CircuitOpenError).facts.retryAfterSeconds).toBeGreaterThan(0);
    expect(upstream.seen).toHaveLength(2);
    expect(records).toMatchObject([{ status: null, attempts: 0 }]);
  });

  // The default is a failure-rate breaker: five faults in a row are noise when they sit among
  // many successes (at 10% faults that happens once per ~110 000 calls, i.e. often under load).
  it('by default a minority of faults never opens it, however many come in a row', async () => {
    const http = layer({ breaker: DEFAULT_BREAKER });
    const ok = () => http.request({}, { method: 'GET', route: '/x', schema: okSchema });
    for (let round = 0; round < 3; round++) {
      upstream.reply(...Array.from({ length: 20 }, () => json(200, { ok: true })), ...Array.from({ length: 7 }, () => json(500, {})));
      for (let i = 0; i < 20; i++) await ok();
      for (let i = 0; i < 7; i++) expect(await failure(ok())).toBeInstanceOf(VendorUnavailableError);
    }
    expect(http.breakerState).toBe('CLOSED');
    await expect(ok()).resolves.toMatchObject({ body: { ok: true } });
    expect(upstream.seen).toHaveLength(3 * 27 + 1);
  });

  it('by default opens when most recent attempts are vendor faults (4xx and 429 are answers, not faults)', async () => {
    const http = layer({ breaker: { ...DEFAULT_BREAKER, halfOpenAfterMs: 60_000 } });
    upstream.reply(json(404, {}), json(429, {}, { 'retry-after': '0' }), json(400, {}));
    expect(await failure(http.request({}, { method: 'POST', route: '/x', json: {} }))).toBeInstanceOf(NotFoundError);
    expect(await failure(http.request({}, { method: 'POST', route: '/x', json: {} }))).toBeInstanceOf(VendorRateLimitedError);
    expect(await failure(http.request({}, { method: 'POST', route: '/x', json: {} }))).toBeInstanceOf(VendorValidationError);
    upstream.always(json(503, {}));
    // 3 answers and then faults: 1/4, 2/5 and 3/6 are not more than half; 4/7 is.
    for (let i = 0; i < 4; i++) expect(await failure(http.request({}, { method: 'POST', route: '/x', json: {} }))).toBeInstanceOf(VendorUnavailableError);
    expect(http.breakerState).toBe('OPEN');
    const open = await failure(http.request({}, { method: 'POST', route: '/x', json: {} }));
    expect(open).toBeInstanceOf(CircuitOpenError);
    expect((open as CircuitOpenError).facts.retryAfterSeconds).toBeGreaterThan(50);
    expect(upstream.seen).toHaveLength(7);
  });

  it('half-open sends one probe, answers everyone else at once, and closes on its success', async () => {
    const http = layer({ breaker: { ...DEFAULT_BREAKER, halfOpenAfterMs: 60_000 } });
    const read = () => http.request({}, { method: 'GET', route: '/x', schema: okSchema });
    upstream.always(json(500, {}));
    for (let i = 0; i < 5; i++) expect(await failure(read())).toBeInstanceOf(VendorUnavailableError);
    expect(await failure(read())).toBeInstanceOf(CircuitOpenError);
    expect(upstream.seen).toHaveLength(5);
    upstream.seen.length = 0;
    // The probe is slow; the vendor answers 500 to anything else, which must never be asked.
    upstream.reply((seen, res) => setTimeout(() => json(200, { ok: true })(seen, res), 300));
    // The breaker reads the injected clock: move it past halfOpenAfter.
    clock.offset += 61_000;
    const probe = read();
    await vi.waitFor(() => expect(http.breakerState).toBe('HALF_OPEN'));
    const started = performance.now();
    const others = await Promise.all(Array.from({ length: 10 }, () => failure(read())));
    expect(performance.now() - started).toBeLessThan(150);
    for (const other of others) {
      expect(other).toBeInstanceOf(CircuitOpenError);
      expect((other as CircuitOpenError).facts.retryAfterSeconds).toBe(1);
    }
    await expect(probe).resolves.toMatchObject({ body: { ok: true } });
    expect(upstream.seen).toHaveLength(1);
    expect(http.breakerState).toBe('CLOSED');
    upstream.always(json(200, { ok: true }));
    await expect(read()).resolves.toMatchObject({ body: { ok: true } });
    expect(upstream.seen).toHaveLength(2);
  });

  it('a failed probe opens it again, and the vendor is left alone', async () => {
    const http = layer({ breaker: { ...DEFAULT_BREAKER, halfOpenAfterMs: 60_000 } });
    const read = () => http.request({}, { method: 'GET', route: '/x', schema: okSchema });
    upstream.always(json(500, {}));
    for (let i = 0; i < 5; i++) await failure(read());
    clock.offset += 61_000;
    expect(await failure(read())).toBeInstanceOf(VendorUnavailableError);
    expect(upstream.seen).toHaveLength(6);
    expect(http.breakerState).toBe('OPEN');
    expect(await failure(read())).toBeInstanceOf(CircuitOpenError);
    expect(upstream.seen).toHaveLength(6);
  });
});

describe('methods', () => {
  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as HttpMethod[])('%s goes out as itself', async (method) => {
    upstream.reply(raw(204, ''));
    await layer().request({}, { method, route: '/m' });
    expect(upstream.seen.map((s) => s.method)).toEqual([method]);
  });
});
