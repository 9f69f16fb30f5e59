import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCortexSimulator, type CortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';

/*
 * A health probe that answers "not found" means the account points at the wrong place (a base URL
 * without the API's path, a project that does not exist): FAILING, not HEALTHY. A vendor for which
 * "nothing there yet" is a healthy state (a Cortex workspace without a PagerDuty configuration)
 * says so in its own probe.
 */

let datadog: DatadogSimulator;
let cortex: CortexSimulator;
let h: Harness;

beforeAll(async () => {
  datadog = createDatadogSimulator();
  cortex = createCortexSimulator({ seeded: false, forbiddenTokens: ['refused-token'] });
  const [dd, cx] = await Promise.all([datadog.server.listen(), cortex.server.listen()]);
  h = await startHarness({
    accounts: [
      { id: 'dd-right', vendor: 'datadog', baseUrl: dd, apiKey: 'k', appKey: 'a' },
      { id: 'dd-wrong-path', vendor: 'datadog', baseUrl: `${dd}/not-the-api`, apiKey: 'k', appKey: 'a' },
      { id: 'cortex-empty', vendor: 'cortex', baseUrl: cx, token: 'cortex-token' },
      { id: 'cortex-refused', vendor: 'cortex', baseUrl: cx, token: 'refused-token' },
    ],
  });
});
afterAll(async () => {
  await h.close();
  await Promise.all([datadog.server.close(), cortex.server.close()]);
});

describe('health probes that find nothing', () => {
  it('a base URL that answers 404 is FAILING with a NotFoundError that says to check it; an empty Cortex workspace is HEALTHY', async () => {
    const result = await h.gql(`{ accounts { key health { status error { __typename message } } } }`);
    expect(result.errors).toBeUndefined();
    const byKey = Object.fromEntries((result.data?.['accounts'] as { key: string; health: unknown }[]).map((a) => [a.key, a.health]));
    expect(byKey['dd-right']).toEqual({ status: 'HEALTHY', error: null });
    expect(byKey['dd-wrong-path']).toMatchObject({ status: 'FAILING', error: { __typename: 'NotFoundError' } });
    expect((byKey['dd-wrong-path'] as { error: { message: string } }).error.message).toMatch(/check its baseUrl/);
    expect(byKey['cortex-empty']).toEqual({ status: 'HEALTHY', error: null });
  });
});

describe('/readyz', () => {
  it('stays ready while vendors fail, and its body names the accounts whose probe was not healthy (a 404 base URL, refused credentials)', async () => {
    type Ready = { status: string; store: boolean; vendors: { healthy: number; notHealthy: { account: string; vendor: string; status: string; error: string | null }[] } | null };
    const readyz = async (): Promise<{ status: number; body: Ready }> => {
      const response = await h.runtime.yoga.fetch('http://patchbay.test/readyz');
      return { status: response.status, body: (await response.json()) as Ready };
    };
    // The first poll answers at once and starts the first round of probes; later polls report it.
    let ready = await readyz();
    for (let i = 0; i < 100 && ready.body.vendors === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ready = await readyz();
    }
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', store: true });
    expect(ready.body.vendors?.healthy).toBe(2);
    expect(ready.body.vendors?.notHealthy).toEqual([
      { account: 'dd-wrong-path', vendor: 'datadog', status: 'FAILING', error: 'NotFoundError' },
      { account: 'cortex-refused', vendor: 'cortex', status: 'FAILING', error: 'VendorAuthError' },
    ]);
    // A fresh round is not started on every poll: the vendors are asked once per round.
    const probes = datadog.server.requests.length;
    await readyz();
    await readyz();
    expect(datadog.server.requests.length).toBe(probes);
  });
});
