import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { adminQuery, PG_URL } from '../support/pg-schema.js';
import { gql, writeChronosphereConfig } from './support.js';

/*
 * Issue 13 scope 5: PgBouncer in transaction pooling in front of the store. Debian's PgBouncer
 * (1.18) refuses startup parameters it does not know, so the default settings cannot connect
 * through it: the start says so in one line with both ways out. With
 * `gateway.store.startupParameters: false` the gateway migrates, serves keyed writes (claim,
 * outcome and audit row) and answers /readyz through PgBouncer, with LISTEN on a direct
 * connection. Runs where a PostgreSQL test server and the pgbouncer binary are both present.
 */

const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((path) => existsSync(path)) ?? null;
const TOKEN = 'cs-pgbouncer-token-7a41';
const CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) {
  createChronosphereExternalConnection(input: $input) { __typename ... on ChronosphereExternalConnectionPayload { connection { slug } } ... on Error { message } }
}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe.skipIf(PG_URL === '' || PGBOUNCER === null)('the store behind PgBouncer (transaction pooling)', () => {
  const database = `patchbay_pgb_${randomBytes(5).toString('hex')}`;
  let dir: string;
  let bouncer: ChildProcess;
  let bouncerPid: number | null = null;
  let viaBouncer: string;
  let direct: string;
  let sim: ChronosphereSimulator;
  let baseUrl: string;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`);
    const server = new URL(PG_URL);
    const user = decodeURIComponent(server.username) || 'postgres';
    const port = await freePort();
    dir = await mkdtemp(join(tmpdir(), 'patchbay-pgbouncer-'));
    // PgBouncer will not run as root: as root it runs as the postgres user, which must read its files.
    await chmod(dir, 0o755);
    const ini = join(dir, 'pgbouncer.ini');
    await writeFile(join(dir, 'users.txt'), `"${user}" ""\n`);
    await writeFile(
      ini,
      [
        '[databases]',
        `${database} = host=${server.hostname} port=${server.port || '5432'} dbname=${database} user=${user}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = any',
        `auth_file = ${join(dir, 'users.txt')}`,
        'pool_mode = transaction',
        'default_pool_size = 5',
        `pidfile = ${join(dir, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
    );
    await chmod(ini, 0o644);
    await chmod(join(dir, 'users.txt'), 0o644);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      // It writes its pid file there.
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      await chown(dir, id('-u'), id('-g'));
    }
    bouncer = asRoot ? spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER ?? '', ini], { stdio: 'ignore' }) : spawn(PGBOUNCER ?? '', [ini], { stdio: 'ignore' });
    viaBouncer = `postgres://${user}@127.0.0.1:${port}/${database}`;
    const directUrl = new URL(PG_URL);
    directUrl.pathname = `/${database}`;
    directUrl.search = '';
    direct = directUrl.toString();
    // Bounded wait for PgBouncer to accept connections.
    for (let attempt = 0; ; attempt++) {
      const probe = new pg.Client({ connectionString: viaBouncer });
      try {
        await probe.connect();
        await probe.query('SELECT 1');
        await probe.end();
        break;
      } catch (error) {
        await probe.end().catch(() => undefined);
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    bouncerPid = Number((await readFile(join(dir, 'pgbouncer.pid'), 'utf8')).trim()) || null;
    sim = createChronosphereSimulator({ apiToken: TOKEN });
    baseUrl = await sim.server.listen();
  }, 30_000);

  afterAll(async () => {
    for (const gateway of gateways) gateway.child.kill('SIGKILL');
    await Promise.all(gateways.map((gateway) => gateway.exit));
    if (bouncerPid !== null) process.kill(bouncerPid, 'SIGTERM');
    bouncer?.kill('SIGTERM');
    await sim?.server.close();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await rm(dir, { recursive: true, force: true });
  });

  function configFile(name: string, store: readonly string[]): Promise<string> {
    return writeChronosphereConfig(join(dir, name), baseUrl, TOKEN, ['  store:', ...store.map((line) => `    ${line}`)]);
  }

  it('refuses to start with the default startup parameters, saying which and what to change', async () => {
    const gateway = startGatewayProcess({ PATCHBAY_CONFIG: await configFile('defaults.yaml', ['applicationName: patchbay-pgb']), PATCHBAY_DATABASE_URL: viaBouncer });
    gateways.push(gateway);
    expect(await gateway.exit).toBe(1);
    const output = gateway.output();
    expect(output).toContain('refuses the startup parameter');
    expect(output).toContain('gateway.store.startupParameters: false');
    expect(output).not.toContain(viaBouncer);
  }, 30_000);

  it('with startupParameters false: migrates, serves keyed writes with their audit rows, and is ready', async () => {
    const gateway = startGatewayProcess({
      PATCHBAY_CONFIG: await configFile('pgbouncer.yaml', ['startupParameters: false']),
      PATCHBAY_DATABASE_URL: viaBouncer,
      PATCHBAY_DATABASE_LISTEN_URL: direct,
    });
    gateways.push(gateway);
    const url = await gateway.url;

    const ready = await fetch(new URL('/readyz', url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', storeCheck: { status: 'ok' } });

    const input = { account: 'cs', slug: 'via-pgbouncer', name: 'Via PgBouncer', target: { slack: { token: 'xoxb-pgbouncer-canary-81f2' } }, idempotencyKey: 'pgb-1' };
    const first = await gql(url, CREATE, { input });
    const again = await gql(url, CREATE, { input });
    expect(first.data?.['createChronosphereExternalConnection']).toEqual({ __typename: 'ChronosphereExternalConnectionPayload', connection: { slug: 'via-pgbouncer' } });
    expect(again.data).toEqual(first.data);
    expect(sim.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    const check = new pg.Client({ connectionString: direct });
    await check.connect();
    try {
      const audit = await check.query<{ outcome: string }>("SELECT outcome FROM audit_log WHERE operation = 'createChronosphereExternalConnection' ORDER BY id");
      expect(audit.rows.map((row) => row.outcome)).toEqual(['OK', 'REPLAYED']);
      const records = await check.query<{ done: boolean }>('SELECT outcome IS NOT NULL AS done FROM idempotency_records');
      expect(records.rows).toEqual([{ done: true }]);
      // The request pool's sessions went through PgBouncer with only application_name set.
      const sessions = await check.query<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE datname = $1', [database]);
      expect(sessions.rows.map((row) => row.application_name)).toContain('patchbay');
    } finally {
      await check.end();
    }
    expect(gateway.output()).not.toContain('xoxb-pgbouncer-canary-81f2');
  }, 30_000);
});
