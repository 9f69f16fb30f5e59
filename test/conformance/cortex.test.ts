import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { Conformance, type ConformanceRequest, type Exchange, expectConforms } from './conformance.js';

/*
 * Every answer of the Cortex simulator against openapi-pagerduty.yaml: read, add, replace,
 * validate and delete the workspace's PagerDuty configuration, and the error paths (400, 401,
 * 403, 404, 409, 429).
 */

const PAGERDUTY = '/api/v1/pagerduty';
const TOKEN = 'conformance-cortex-key';
const FORBIDDEN = 'conformance-read-only-key';
const THROTTLED = 'conformance-throttled-key';
const RATE_LIMIT = 200;

const sim = createCortexSimulator({ token: TOKEN, forbiddenTokens: [FORBIDDEN], rateLimitPerMinute: RATE_LIMIT });
const check = new Conformance('cortex', () => sim.server.baseUrl);

beforeAll(async () => {
  await sim.server.listen();
});
afterAll(async () => {
  await sim.server.close();
});

function call(request: ConformanceRequest, token = TOKEN): Promise<Exchange> {
  return check.send({ ...request, headers: { authorization: `Bearer ${token}`, ...request.headers } });
}

const read: ConformanceRequest = { method: 'GET', path: `${PAGERDUTY}/default-configuration` };
const add = (token: string, isTokenReadonly = true): ConformanceRequest => ({ method: 'POST', path: `${PAGERDUTY}/configuration`, json: { token, isTokenReadonly } });
const replace = (token: string, isTokenReadonly = false): ConformanceRequest => ({ method: 'PUT', path: `${PAGERDUTY}/configuration`, json: { token, isTokenReadonly } });
const validate: ConformanceRequest = { method: 'POST', path: `${PAGERDUTY}/configuration/validate` };
const remove: ConformanceRequest = { method: 'DELETE', path: `${PAGERDUTY}/configurations` };

describe('the configuration', () => {
  it('reads, validates, replaces and deletes the seeded configuration (200)', async () => {
    expectConforms(await call(read), 200);
    expectConforms(await call(validate), 200);
    expectConforms(await call(replace('u+Pq7sD2xRb3W9mTz4pYc')), 200);
    expectConforms(await call(remove), 200);
  });

  it('answers a workspace without a configuration (404)', async () => {
    expectConforms(await call(read), 404);
    expectConforms(await call(validate), 404);
    expectConforms(await call(remove), 404);
  });

  it('adds a configuration, refuses a second one (200, 409) and validates a refused token (200)', async () => {
    expectConforms(await call(add('invalid-pd-key-0c1d2e')), 200);
    expectConforms(await call(add('y_NbAkKc66ryYTWUXYEu')), 409);
    expectConforms(await call(validate), 200);
  });

  it('refuses malformed and incomplete bodies (400)', async () => {
    expectConforms(await call({ method: 'POST', path: `${PAGERDUTY}/configuration`, json: { token: 'only-a-token' } }), 400);
    expectConforms(await call({ method: 'PUT', path: `${PAGERDUTY}/configuration`, json: { token: '   ', isTokenReadonly: true } }), 400);
    expectConforms(await call({ method: 'PUT', path: `${PAGERDUTY}/configuration`, json: ['not', 'an', 'object'] }), 400);
  });
});

describe('refusals', () => {
  const every = [read, add('y_NbAkKc66ryYTWUXYEu'), replace('y_NbAkKc66ryYTWUXYEu'), validate, remove];

  it('refuses a missing or unknown API key on every operation (401)', async () => {
    for (const request of every) {
      expectConforms(await check.send(request), 401);
      expectConforms(await call(request, 'not-a-workspace-key'), 401);
    }
  });

  it('refuses a key without the integration permission on every operation (403)', async () => {
    for (const request of every) expectConforms(await call(request, FORBIDDEN), 403);
  });

  it('throttles a key past its requests per minute on every operation (429)', async () => {
    // Windows are counted per key before the key is checked: the warm-up answers are 401s, judged like any other.
    for (let sent = 0; sent < RATE_LIMIT; sent += 1) expectConforms(await call(read, THROTTLED), 401);
    for (const request of every) expectConforms(await call(request, THROTTLED), 429);
  });
});

describe('coverage', () => {
  it('reached every documented operation', () => {
    expect(check.unexercisedOperations()).toEqual([]);
  });

  it('met every deviation listed for Cortex', () => {
    expect(check.unmetDeviations()).toEqual([]);
  });
});
