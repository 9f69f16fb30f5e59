import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CORTEX_SEED_CONFIGURATION } from '../../src/simulators/cortex/seed.js';
import { createCortexSimulator, type CortexSimulator } from '../../src/simulators/cortex/simulator.js';

const KEY = 'cortex-sim-key-5e1a';
const AUTH = { authorization: `Bearer ${KEY}` };
const BASE = '/api/v1/pagerduty';
const NEW_TOKEN = 'Zt8nQw3xLp6RvB2mK9Ha';

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

function caller(sim: CortexSimulator) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<Reply> => {
    const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${sim.server.baseUrl}${path}`, init);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
}

/** Asserts Cortex's `ErrorResponse` shape and returns its members. */
function errorBody(reply: Reply): { type: unknown; message: unknown; httpStatus: unknown; requestId: unknown } {
  expect(reply.headers.get('content-type')).toContain('application/json');
  const body = reply.json as Record<string, unknown>;
  expect(body['type']).toBeTypeOf('string');
  expect(body['message']).toBeTypeOf('string');
  expect(body['requestId']).toMatch(/^[0-9a-f-]{36}$/);
  return { type: body['type'], message: body['message'], httpStatus: body['httpStatus'], requestId: body['requestId'] };
}

describe('Cortex simulator: PagerDuty configuration', () => {
  let sim: CortexSimulator;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    sim = createCortexSimulator();
    await sim.server.listen();
    call = caller(sim);
  });
  afterAll(() => sim.server.close());
  beforeEach(() => sim.server.reset());

  it('serves the seeded configuration with the token reduced to its last four characters', async () => {
    const reply = await call('GET', `${BASE}/default-configuration`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('application/json');
    expect(reply.json).toEqual({ isTokenReadonly: true, lastFour: CORTEX_SEED_CONFIGURATION.token.slice(-4) });
    expect(reply.text).not.toContain(CORTEX_SEED_CONFIGURATION.token);
  });

  it('answers 404 NOT_FOUND on every route once nothing is configured', async () => {
    const deleted = await call('DELETE', `${BASE}/configurations`);
    expect(deleted.status).toBe(200);
    // The removed configuration comes back (the contract leaves removed vs remaining open).
    expect(deleted.json).toEqual({ configurations: [{ isTokenReadonly: true, lastFour: CORTEX_SEED_CONFIGURATION.token.slice(-4) }] });
    expect(sim.storedConfiguration()).toBeNull();
    for (const [method, path] of [
      ['GET', `${BASE}/default-configuration`],
      ['POST', `${BASE}/configuration/validate`],
      ['DELETE', `${BASE}/configurations`],
    ] as const) {
      const reply = await call(method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(errorBody(reply)).toMatchObject({ type: 'NOT_FOUND', httpStatus: 404 });
    }
  });

  it('adds a configuration with POST only when none exists (409 CONFLICT otherwise)', async () => {
    const conflict = await call('POST', `${BASE}/configuration`, { token: NEW_TOKEN, isTokenReadonly: false });
    expect(conflict.status).toBe(409);
    expect(errorBody(conflict).type).toBe('CONFLICT');
    expect(sim.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);

    await call('DELETE', `${BASE}/configurations`);
    const added = await call('POST', `${BASE}/configuration`, { token: NEW_TOKEN, isTokenReadonly: false });
    expect(added.status).toBe(200);
    expect(added.json).toEqual({ configurations: [{ isTokenReadonly: false, lastFour: 'K9Ha' }] });
    expect(added.text).not.toContain(NEW_TOKEN);
    expect(sim.storedConfiguration()).toEqual({ token: NEW_TOKEN, isTokenReadonly: false });
    expect((await call('GET', `${BASE}/default-configuration`)).json).toEqual({ isTokenReadonly: false, lastFour: 'K9Ha' });
  });

  it('replaces with PUT, and stores a configuration when none existed', async () => {
    const replaced = await call('PUT', `${BASE}/configuration`, { token: NEW_TOKEN, isTokenReadonly: false });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toEqual({ configurations: [{ isTokenReadonly: false, lastFour: 'K9Ha' }] });
    expect(sim.storedConfiguration()).toEqual({ token: NEW_TOKEN, isTokenReadonly: false });

    await call('DELETE', `${BASE}/configurations`);
    const stored = await call('PUT', `${BASE}/configuration`, { token: 'Pq2wE4rT6yU8iO0pA1sD', isTokenReadonly: true });
    expect(stored.status).toBe(200);
    expect(sim.storedConfiguration()).toEqual({ token: 'Pq2wE4rT6yU8iO0pA1sD', isTokenReadonly: true });
  });

  it('refuses malformed or incomplete request bodies with 400 and changes nothing', async () => {
    const cases: [unknown, string][] = [
      ['{"token": "abc', 'BAD_REQUEST'],
      [[], 'BAD_REQUEST'],
      [{ isTokenReadonly: true }, 'BAD_REQUEST'],
      [{ token: NEW_TOKEN }, 'BAD_REQUEST'],
      [{ token: NEW_TOKEN, isTokenReadonly: 'yes' }, 'BAD_REQUEST'],
      [{ token: 42, isTokenReadonly: true }, 'BAD_REQUEST'],
      [{ token: '   ', isTokenReadonly: true }, 'ILLEGAL_ARGUMENT_ERROR'],
    ];
    for (const method of ['POST', 'PUT']) {
      for (const [body, type] of cases) {
        const reply = await call(method, `${BASE}/configuration`, body);
        expect(reply.status, `${method} ${JSON.stringify(body)}`).toBe(400);
        expect(errorBody(reply)).toMatchObject({ type, httpStatus: 400 });
      }
    }
    expect(sim.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);
  });

  it('validates the stored token: valid without alias, invalid with a message', async () => {
    const valid = await call('POST', `${BASE}/configuration/validate`);
    expect(valid.status).toBe(200);
    expect(valid.json).toEqual({ configurations: [{ isValid: true }] });

    await call('PUT', `${BASE}/configuration`, { token: 'invalid-pd-token-0001', isTokenReadonly: true });
    const invalid = await call('POST', `${BASE}/configuration/validate`);
    expect(invalid.status).toBe(200);
    const results = (invalid.json as { configurations: Record<string, unknown>[] }).configurations;
    expect(results).toHaveLength(1);
    expect(results[0]?.['isValid']).toBe(false);
    expect(results[0]?.['message']).toMatch(/PagerDuty rejected the API token/);
    expect(invalid.text).not.toContain('invalid-pd-token-0001');
  });

  it('has no alias routes and no GET on /configurations (the CLI routes are not real)', async () => {
    for (const [method, path] of [
      ['GET', `${BASE}/configurations`],
      ['GET', `${BASE}/configuration/default`],
      ['PUT', `${BASE}/configuration/default`],
      ['POST', `${BASE}/configuration/validate/default`],
      ['GET', `${BASE}/configuration`],
    ] as const) {
      const reply = await call(method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(errorBody(reply).type).toBe('NOT_FOUND');
    }
  });

  it('requires a bearer token, answering 401 with a challenge', async () => {
    for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: `Basic ${KEY}` }, { authorization: KEY }]) {
      const reply = await call('GET', `${BASE}/default-configuration`, undefined, headers);
      expect(reply.status, JSON.stringify(headers)).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await call('GET', `${BASE}/default-configuration`, undefined, { authorization: `bearer ${KEY}` })).status).toBe(200);
  });

  it('logs header names, never their values', async () => {
    await call('GET', `${BASE}/default-configuration`);
    const logged = sim.server.requests.at(-1);
    expect(logged).toMatchObject({ method: 'GET', path: `${BASE}/default-configuration` });
    expect(logged?.headerNames).toContain('authorization');
    expect(JSON.stringify(sim.server.requests)).not.toContain(KEY);
  });

  it('injects faults through the shared control surface, and reset clears them', async () => {
    const added = await fetch(`${sim.server.baseUrl}/__simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ match: { method: 'GET', path: 'default-configuration' }, times: 1, response: { status: 503, body: { type: 'INTEGRATION_UNAVAILABLE', message: 'down' } } }),
    });
    expect(added.status).toBe(201);
    expect((await call('GET', `${BASE}/default-configuration`)).status).toBe(503);
    expect((await call('GET', `${BASE}/default-configuration`)).status).toBe(200);
    sim.server.addFault({ match: { path: 'default-configuration' }, response: { status: 500 } });
    await fetch(`${sim.server.baseUrl}/__simulator/reset`, { method: 'POST' });
    expect((await call('GET', `${BASE}/default-configuration`)).status).toBe(200);
    expect(sim.server.requests).toHaveLength(1);
  });
});

describe('Cortex simulator: configured key, permissions and rate limit', () => {
  let clock = 1_700_000_000_000;
  let sim: CortexSimulator;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    sim = createCortexSimulator({ token: KEY, forbiddenTokens: ['no-permission'], rateLimitPerMinute: 3, now: () => clock, seeded: false });
    await sim.server.listen();
    call = caller(sim);
  });
  afterAll(() => sim.server.close());
  beforeEach(() => sim.server.reset());

  it('starts (and resets) empty when not seeded', () => {
    expect(sim.storedConfiguration()).toBeNull();
  });

  it('accepts only the configured key, and answers 403 FORBIDDEN to a key without the permission', async () => {
    const wrong = await call('GET', `${BASE}/default-configuration`, undefined, { authorization: 'Bearer someone-else' });
    expect(wrong.status).toBe(401);
    expect((await call('GET', `${BASE}/default-configuration`)).status).toBe(404);
    const forbidden = await call('PUT', `${BASE}/configuration`, { token: NEW_TOKEN, isTokenReadonly: true }, { authorization: 'Bearer no-permission' });
    expect(forbidden.status).toBe(403);
    expect(errorBody(forbidden)).toMatchObject({ type: 'FORBIDDEN', httpStatus: 403 });
    expect(sim.storedConfiguration()).toBeNull();
  });

  it('limits each key per minute with a problem+json 429, Retry-After and retryAfter', async () => {
    const open = createCortexSimulator({ rateLimitPerMinute: 2, now: () => clock });
    await open.server.listen();
    try {
      const hit = caller(open);
      clock = 1_700_000_000_000;
      expect((await hit('GET', `${BASE}/default-configuration`)).status).toBe(200);
      clock += 15_000;
      expect((await hit('GET', `${BASE}/default-configuration`)).status).toBe(200);
      const limited = await hit('GET', `${BASE}/default-configuration`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toBe('application/problem+json');
      expect(limited.headers.get('retry-after')).toBe('45');
      expect(limited.json).toEqual({
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Rate limit of 2 requests per minute exceeded.',
        instance: `${BASE}/default-configuration`,
        retryAfter: 45,
      });
      // Another key has its own window.
      expect((await hit('GET', `${BASE}/default-configuration`, undefined, { authorization: 'Bearer other-key' })).status).toBe(200);
      clock += 45_000;
      expect((await hit('GET', `${BASE}/default-configuration`)).status).toBe(200);
    } finally {
      await open.server.close();
    }
  });
});
