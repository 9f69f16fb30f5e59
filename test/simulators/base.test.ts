import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorServer } from '../../src/simulators/base.js';

let server: SimulatorServer;
let resets = 0;

beforeAll(async () => {
  server = new SimulatorServer({ vendor: 'cortex', reset: () => (resets += 1), requestLogLimit: 3 });
  server.route('GET', '/things/{id}', (request) => ({ status: 200, body: { id: request.params['id'] } }));
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

describe('SimulatorServer', () => {
  it('keeps only the newest entries of its request log', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e']) await fetch(`${server.baseUrl}/things/${id}`);
    expect(server.requests.map((r) => r.path)).toEqual(['/things/c', '/things/d', '/things/e']);
  });

  it('applies a probabilistic fault only when chance says so', async () => {
    server.clearRequests();
    const rolls = [0.05, 0.95];
    server.random = () => rolls.shift() ?? 1;
    server.addFault({ probability: 0.1, response: { status: 503, body: { error: 'injected' } } });
    expect((await fetch(`${server.baseUrl}/things/x`)).status).toBe(503);
    expect((await fetch(`${server.baseUrl}/things/y`)).status).toBe(200);
    server.clearFaults();
  });

  it('an applied-reset fault does the work and then drops the connection', async () => {
    server.addFault({ match: { method: 'GET' }, times: 1, action: 'applied-reset' });
    await expect(fetch(`${server.baseUrl}/things/z`)).rejects.toThrow();
    expect(server.requests.at(-1)?.path).toBe('/things/z');
    expect((await fetch(`${server.baseUrl}/things/z`)).status).toBe(200);
  });

  it('POST /__simulator/reset restores the seed and clears log and faults', async () => {
    const before = resets;
    server.addFault({ response: { status: 500 } });
    expect((await fetch(`${server.baseUrl}/__simulator/reset`, { method: 'POST' })).status).toBe(204);
    expect(resets).toBe(before + 1);
    expect((await fetch(`${server.baseUrl}/things/q`)).status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });
});
