import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { closedPort, countKeys, NO_REDIS, REDIS_URL, redisReachable, testPrefix } from '../support/redis.js';
import { gql, until } from './support.js';

/*
 * Issue 13 scope 2, acceptance: two gateway processes (each with its own embedded store) on one
 * Redis. A static limit of 60 a minute is 60 a minute for the fleet, measured at the simulator;
 * one 429 with Retry-After seen through replica A holds replica B too. And a gateway whose Redis
 * is unreachable still answers, and says it decides alone.
 */

const reachable = await redisReachable();
const run = testPrefix('fleet');
const HEALTH = '{ accounts { key health { status } } }';

interface HealthData {
  readonly accounts?: { key: string; health: { status: string } }[];
}

const times = (sim: ChronosphereSimulator) => sim.server.requests.map((request) => Date.parse(request.time));

describe.skipIf(!reachable)(`two replicas on one Redis ${reachable ? '' : NO_REDIS}`, () => {
  let dir: string;
  /** The account with `maxRequestsPerMinute: 60`. */
  let limited: ChronosphereSimulator;
  /** An account with no static limit, for the 429. */
  let held: ChronosphereSimulator;
  let env: Record<string, string>;
  const gateways: GatewayProcess[] = [];
  let urls: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-fleet-'));
    limited = createChronosphereSimulator();
    held = createChronosphereSimulator();
    await Promise.all([limited.server.listen(), held.server.listen()]);
    const config = join(dir, 'patchbay.yaml');
    await writeFile(
      config,
      [
        'accounts:',
        '  - id: limited',
        '    vendor: chronosphere',
        `    baseUrl: ${limited.server.baseUrl}`,
        '    apiToken: fleet-token-limited',
        '    maxRequestsPerMinute: 60',
        '  - id: held',
        '    vendor: chronosphere',
        `    baseUrl: ${held.server.baseUrl}`,
        '    apiToken: fleet-token-held',
        'gateway:',
        '  requestDeadlineMs: 4000',
        '  limits:',
        '    requestsPerMinute: 100000',
        'auth:',
        '  mode: none',
        '',
      ].join('\n'),
    );
    env = { PATCHBAY_CONFIG: config, PATCHBAY_REDIS_URL: REDIS_URL, PATCHBAY_REDIS_PREFIX: run.prefix, PATCHBAY_REDIS_TIMEOUT_MS: '500' };
    for (const name of ['a', 'b']) gateways.push(startGatewayProcess({ ...env, PATCHBAY_DATA_DIR: join(dir, `data-${name}`) }));
    urls = await Promise.all(gateways.map((gateway) => gateway.url));
  }, 60_000);

  afterAll(async () => {
    for (const gateway of gateways) gateway.child.kill('SIGTERM');
    await Promise.all(gateways.map((gateway) => gateway.exit));
    await Promise.all([limited?.server.close(), held?.server.close()]);
    await rm(dir, { recursive: true, force: true });
    await run.cleanUp();
    expect(await countKeys(run.prefix)).toBe(0);
  }, 30_000);

  it('both replicas report the shared limits connected in /readyz', async () => {
    for (const url of urls) {
      const ready = await fetch(url.replace(/\/graphql$/, '/readyz'));
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { sharedLimits: unknown }).sharedLimits).toMatchObject({ backend: 'redis', state: 'connected' });
    }
  });

  it('a static limit of 60 a minute lets at most about 60 a minute reach the vendor from both replicas together', async () => {
    limited.server.clearRequests();
    const stopAt = Date.now() + 7_000;
    let answered = 0;
    // Three callers on each replica, as fast as their answers come back.
    const callers = urls.flatMap((url) =>
      [1, 2, 3].map(async () => {
        while (Date.now() < stopAt) {
          const answer = await gql<HealthData>(url, HEALTH);
          expect(answer.errors).toBeUndefined();
          answered += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    await Promise.all(callers);
    const seen = times(limited);
    const spanSeconds = ((seen.at(-1) ?? 0) - (seen[0] ?? 0)) / 1000;
    // One a second for the fleet: n calls need n − 1 seconds; one call of slack for clock reading.
    expect(seen.length).toBeLessThanOrEqual(Math.floor(spanSeconds) + 2);
    // Traffic really ran, on both replicas, and the vendor was not starved either.
    expect(answered).toBeGreaterThan(10);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    // Spaced out, not in bursts (a wide margin: a busy process may send a slot's call late, and the next on time).
    const gaps = seen.slice(1).map((time, i) => time - (seen[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
  }, 25_000);

  it("one 429 with Retry-After seen by replica A holds replica B: B's calls wait for the window, then go spread out", async () => {
    const [a, b] = urls as [string, string];
    held.server.clearRequests();
    held.server.addFault({ match: { method: 'GET' }, times: 1, response: { status: 429, headers: { 'retry-after': '2' }, body: { code: 8, message: 'rate limited' } } });
    const first = gql<HealthData>(a, HEALTH);
    await until(() => held.server.requests.length >= 1, 5_000);
    const limitedAt = times(held)[0] ?? 0;
    // B asks three times at once, right after A's 429.
    const answers = await Promise.all([gql<HealthData>(b, HEALTH), gql<HealthData>(b, HEALTH), gql<HealthData>(b, HEALTH), first]);
    // Every call waited and then answered (none refused); an answer read while the shared hold was
    // still being cleared may say DEGRADED (rate-limited), never FAILING.
    for (const answer of answers) expect(['HEALTHY', 'DEGRADED']).toContain(answer.data?.accounts?.find((account) => account.key === 'held')?.health.status);
    const after = times(held).slice(1);
    // A's own resend and B's three calls, none of them inside the 2 s window (wide margin for the clock).
    expect(after.length).toBe(4);
    for (const time of after) expect(time - limitedAt).toBeGreaterThanOrEqual(1_500);
    // Let go one after the other, not in one instant.
    expect(new Set(after).size).toBeGreaterThanOrEqual(3);
  }, 25_000);
});

describe('a replica whose Redis is unreachable', () => {
  it('still answers, and reports that it decides alone in /readyz, /metrics and one log line, never the Redis URL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchbay-fleet-down-'));
    const sim = createChronosphereSimulator();
    await sim.server.listen();
    const config = join(dir, 'patchbay.yaml');
    await writeFile(config, `accounts:\n  - id: limited\n    vendor: chronosphere\n    baseUrl: ${sim.server.baseUrl}\n    apiToken: fleet-token\n    maxRequestsPerMinute: 60\nauth:\n  mode: none\n`);
    const password = 'canary-redis-password-0001';
    const gateway = startGatewayProcess({
      PATCHBAY_CONFIG: config,
      PATCHBAY_DATA_DIR: join(dir, 'data'),
      PATCHBAY_REDIS_URL: `redis://:${password}@127.0.0.1:${await closedPort()}`,
      PATCHBAY_REDIS_TIMEOUT_MS: '100',
    });
    try {
      const url = await gateway.url;
      const started = Date.now();
      const answer = await gql<HealthData>(url, HEALTH);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.accounts).toEqual([{ key: 'limited', health: { status: 'HEALTHY' } }]);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(sim.server.requests).toHaveLength(1);

      const ready = await fetch(url.replace(/\/graphql$/, '/readyz'));
      const readyText = await ready.text();
      expect(ready.status).toBe(200);
      expect((JSON.parse(readyText) as { sharedLimits: unknown }).sharedLimits).toMatchObject({ backend: 'redis', state: 'degraded', reason: 'ECONNREFUSED' });
      const metrics = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
      expect(metrics).toContain('patchbay_shared_limits_state{backend="redis",state="degraded"} 1');
      expect(metrics).toMatch(/patchbay_shared_limits_local_decisions_total [1-9]/);
      const warnings = gateway
        .output()
        .split('\n')
        .filter((line) => line.includes('"level":"warn"') && line.includes('shared limits'));
      expect(warnings).toHaveLength(1);
      for (const text of [gateway.output(), readyText, metrics]) expect(text).not.toContain(password);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exit;
      await sim.server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 25_000);
});
