import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';
import { gql, writeChronosphereConfig } from './support.js';

/*
 * Issue 13 acceptance: a 10 s `LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE` held by another
 * session. What is truthful for /readyz: the database answers, so the replica stays in the load
 * balancer (200: the lock holds every replica alike, and taking them all out would also stop the
 * reads that need no store), and the body says the store is `degraded` and names the locked
 * table; the check runs on a connection of its own and answers within its bound. Reads of a
 * vendor that needs no store answer during the lock; the vendor writes made during it answer once the vendor has written,
 * during the lock or not (their audit row and idempotency outcome, refused by `lock_timeout`, are tried again
 * within the request deadline, then wait in the record spool) and every one of them has exactly one audit row afterwards.
 */

const TOKEN = 'cs-audit-lock-token-5d2e';
const LOCK_MS = 10_000;
const WRITES = 4;

const LIST = `query { chronosphereExternalConnections(account: "cs", first: 5) { __typename ... on ChronosphereExternalConnectionPage { nodes { slug } } } }`;
const CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) {
  createChronosphereExternalConnection(input: $input) { __typename ... on ChronosphereExternalConnectionPayload { connection { slug } } ... on Error { message } }
}`;

describe.skipIf(PG_URL === '')('a 10 s lock on the audit table', () => {
  let dir: string;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let sim: ChronosphereSimulator;
  let gateway: GatewayProcess;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-audit-lock-'));
    schema = await freshSchema('patchbay_audit_lock');
    sim = createChronosphereSimulator({ apiToken: TOKEN });
    const baseUrl = await sim.server.listen();
    const config = join(dir, 'patchbay.yaml');
    await writeChronosphereConfig(config, baseUrl, TOKEN, ['  requestDeadlineMs: 20000', '  store:', '    lockTimeoutMs: 500']);
    gateway = startGatewayProcess({ PATCHBAY_CONFIG: config, PATCHBAY_DATABASE_URL: schema.url });
    url = await gateway.url;
  }, 30_000);

  afterAll(async () => {
    gateway?.child.kill('SIGKILL');
    await sim?.server.close();
    await schema?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps /readyz truthful, serves reads that need no store, and loses no audit row', async () => {
    const before = await fetch(new URL('/readyz', url));
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ status: 'ready', storeCheck: { status: 'ok', lockedTables: [] } });

    const locker = new pg.Client({ connectionString: schema.url });
    await locker.connect();
    let locked = true;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE');
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          locked = false;
          void locker.query('COMMIT').then(() => resolve());
        }, LOCK_MS),
      );

      // Writes start while the table is locked. Each answers once the vendor has written: its audit row
      // and idempotency outcome wait for the lock (lock_timeout retries) or in the record spool.
      const writes = Array.from({ length: WRITES }, (_, i) =>
        gql(url, CREATE, { input: { account: 'cs', slug: `lock-write-${i}`, name: `Lock write ${i}`, target: { slack: { token: `xoxb-lock-${i}` } } } }),
      );

      // /readyz answers during the lock, says the store is degraded and which table, and keeps the replica ready.
      const ready = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(5_000) });
      const readyBody = (await ready.json()) as { status: string; store: boolean; storeCheck: { status: string; lockedTables: string[]; pool: { size: number; waiting: number } } };
      expect(locked).toBe(true);
      expect(ready.status).toBe(200);
      expect(readyBody.status).toBe('ready');
      expect(readyBody.storeCheck.status).toBe('degraded');
      expect(readyBody.storeCheck.lockedTables).toContain('audit_log');
      expect(readyBody.storeCheck.pool.size).toBe(10);

      // Reads of a vendor that needs no store answer while the lock is held.
      for (let i = 0; i < 3; i++) {
        const read = await gql(url, LIST);
        expect(read.errors).toBeUndefined();
        expect(read.data?.['chronosphereExternalConnections']?.__typename).toBe('ChronosphereExternalConnectionPage');
      }
      expect(locked).toBe(true);

      const results = await Promise.all(writes);
      await released;
      for (const [i, result] of results.entries()) {
        expect(result.errors).toBeUndefined();
        expect(result.data?.['createChronosphereExternalConnection']).toEqual({ __typename: 'ChronosphereExternalConnectionPayload', connection: { slug: `lock-write-${i}` } });
      }
    } finally {
      await locker.end();
    }

    // Every write reached the vendor and has its audit row.
    for (let i = 0; i < WRITES; i++) expect(sim.slugs()).toContain(`lock-write-${i}`);
    const check = new pg.Client({ connectionString: schema.url });
    await check.connect();
    try {
      const audited = () => check.query<{ target_id: string; outcome: string }>("SELECT target_id, outcome FROM audit_log WHERE operation = 'createChronosphereExternalConnection' ORDER BY id");
      // Spooled records reach the table after the lock, within the spool's backoff (bounded wait).
      let rows = await audited();
      for (let tries = 0; rows.rows.length < WRITES && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        rows = await audited();
      }
      expect(rows.rows).toHaveLength(WRITES);
      expect(rows.rows.every((row) => row.outcome === 'OK')).toBe(true);
    } finally {
      await check.end();
    }
    const after = await fetch(new URL('/readyz', url));
    expect(await after.json()).toMatchObject({ status: 'ready', storeCheck: { status: 'ok', lockedTables: [] } });
  }, 25_000);
});
