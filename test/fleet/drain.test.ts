import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { startGatewayProcess } from '../support/gateway-process.js';
import { writeChronosphereConfig } from './support.js';

/*
 * Issue 13 scope 5: on SIGTERM readiness fails first ("draining", 503) while the replica still
 * serves; only after gateway.shutdown.drainDelayMs does it stop accepting, drain and exit.
 */

const TOKEN = 'cs-drain-token-81f0';

describe('SIGTERM', () => {
  let dir: string;
  let sim: ChronosphereSimulator;
  let config: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-drain-'));
    sim = createChronosphereSimulator({ apiToken: TOKEN });
    const baseUrl = await sim.server.listen();
    config = join(dir, 'patchbay.yaml');
    await writeChronosphereConfig(config, baseUrl, TOKEN, ['  shutdown:', '    drainDelayMs: 2000', '    graceMs: 3000']);
  });
  afterAll(async () => {
    await sim.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers /readyz 503 "draining" at once, keeps serving until the drain delay ends, then stops accepting and exits 0', async () => {
    const gateway = startGatewayProcess({ PATCHBAY_CONFIG: config, PATCHBAY_DATA_DIR: join(dir, 'data') });
    try {
      const url = await gateway.url;
      expect((await fetch(new URL('/readyz', url))).status).toBe(200);
      gateway.child.kill('SIGTERM');
      // The signal arrives asynchronously: poll, bounded.
      let ready: Response | null = null;
      for (let i = 0; i < 100; i++) {
        ready = await fetch(new URL('/readyz', url));
        if (ready.status === 503) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(ready?.status).toBe(503);
      expect(await ready?.json()).toEqual({ status: 'draining', accounts: 1 });
      // Still serving while load balancers take the replica out.
      const read = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ accounts { key } }' }) });
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual({ data: { accounts: [{ key: 'cs' }] } });
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
      expect(await gateway.exit).toBe(0);
      const output = gateway.output();
      const failing = output.indexOf('readiness now fails');
      const draining = output.indexOf('draining: no new connections');
      expect(failing).toBeGreaterThan(-1);
      expect(draining).toBeGreaterThan(failing);
      expect(output.indexOf('"stopped"')).toBeGreaterThan(draining);
      await expect(fetch(new URL('/healthz', url))).rejects.toThrow();
    } finally {
      gateway.child.kill('SIGKILL');
    }
  }, 30_000);
});
