import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/core/store/migrations.js';
import { openPglite } from '../../src/core/store/sql.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';
import { runCli } from './support.js';
import { startGatewayProcess } from '../support/gateway-process.js';

/*
 * Issue 13 scope 5: `patchbay migrate` is a step of its own, and a gateway told not to migrate
 * (`gateway.store.migrate: false` or PATCHBAY_MIGRATE=false) refuses a schema behind its code
 * with one line instead of changing it.
 */

const NEWEST = MIGRATIONS.at(-1)?.version ?? 0;
const BEHIND = MIGRATIONS.at(-2)?.version ?? 0;

/**
 * An embedded store one migration behind this code, as an upgrade finds one. (A new store is
 * made from the shipped template, which already holds the newest schema.)
 */
async function storeBehind(dataDir: string): Promise<void> {
  const sql = await openPglite(dataDir);
  try {
    await sql.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migrate(sql, MIGRATIONS.slice(0, -1));
  } finally {
    await sql.close();
  }
}

/** A gateway with `migrate: false` on `dataDir` gets ready, then stops cleanly on SIGTERM. */
async function expectReadyWithoutMigrating(dataDir: string): Promise<void> {
  const started = startGatewayProcess({ PATCHBAY_CONFIG: join(dir, 'no-migrate.yaml'), PATCHBAY_DATA_DIR: dataDir });
  try {
    const url = await started.url;
    expect((await fetch(new URL('/readyz', url))).status).toBe(200);
  } finally {
    started.child.kill('SIGTERM');
    expect(await started.exit).toBe(0);
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-migrate-'));
  await writeFile(join(dir, 'no-migrate.yaml'), 'accounts: []\nauth:\n  mode: none\ngateway:\n  store:\n    migrate: false\n');
  await writeFile(join(dir, 'plain.yaml'), 'accounts: []\nauth:\n  mode: none\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('patchbay migrate (embedded store)', () => {
  it('a new store is made at the current schema, so migrate: false starts on it', async () => {
    await expectReadyWithoutMigrating(join(dir, 'data-new'));
  }, 60_000);

  it('a gateway with migrate: false refuses a store behind its code with one line; after `patchbay migrate` it starts', async () => {
    const dataDir = join(dir, 'data');
    await storeBehind(dataDir);
    const refused = startGatewayProcess({ PATCHBAY_CONFIG: join(dir, 'no-migrate.yaml'), PATCHBAY_DATA_DIR: dataDir });
    expect(await refused.exit).toBe(1);
    const lines = refused.output().trim().split('\n');
    expect(lines.at(-1)).toBe(
      `Patchbay's store schema is at version ${BEHIND} but this gateway needs ${NEWEST}, and migrating at start is off (gateway.store.migrate: false or PATCHBAY_MIGRATE=false): run \`patchbay migrate\` first.`,
    );

    const first = await runCli(['migrate'], { env: { PATCHBAY_DATA_DIR: dataDir, PATCHBAY_DATABASE_URL: '', PATCHBAY_CONFIG: '' } });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`applied migration(s) ${NEWEST}: pglite store at schema version ${NEWEST}\n`);
    const again = await runCli(['migrate'], { env: { PATCHBAY_DATA_DIR: dataDir, PATCHBAY_DATABASE_URL: '', PATCHBAY_CONFIG: '' } });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`schema already current: pglite store at schema version ${NEWEST}\n`);

    await expectReadyWithoutMigrating(dataDir);
  }, 60_000);

  it('PATCHBAY_MIGRATE=false overrides the file; any other value than true or false is refused', async () => {
    const dataDir = join(dir, 'data-env');
    await storeBehind(dataDir);
    // Both at once: the bad value is refused before the store is opened, so they never share the data directory.
    const refused = startGatewayProcess({ PATCHBAY_CONFIG: join(dir, 'plain.yaml'), PATCHBAY_DATA_DIR: dataDir, PATCHBAY_MIGRATE: 'false' });
    const wrong = startGatewayProcess({ PATCHBAY_CONFIG: join(dir, 'plain.yaml'), PATCHBAY_DATA_DIR: `${dataDir}-wrong`, PATCHBAY_MIGRATE: 'maybe' });
    expect(await refused.exit).toBe(1);
    expect(refused.output()).toContain('run `patchbay migrate` first');
    expect(await wrong.exit).toBe(1);
    expect(wrong.output().trim().split('\n').at(-1)).toBe('PATCHBAY_MIGRATE must be true or false, not "maybe".');
  }, 60_000);

  it('takes no arguments', async () => {
    const run = await runCli(['migrate', '--now']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('patchbay migrate takes no arguments');
  });
});

describe.skipIf(PG_URL === '')('patchbay migrate (PostgreSQL)', () => {
  it('migrates a fresh schema, records every version, and a second run changes nothing', async () => {
    const schema = await freshSchema('patchbay_migrate');
    try {
      const run = await runCli(['migrate'], { env: { PATCHBAY_DATABASE_URL: schema.url, PATCHBAY_CONFIG: '' } });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`postgres store at schema version ${NEWEST}`);
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      try {
        const rows = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
      } finally {
        await client.end();
      }
      const again = await runCli(['migrate'], { env: { PATCHBAY_DATABASE_URL: schema.url, PATCHBAY_CONFIG: '' } });
      expect(again.stdout).toContain('schema already current');
    } finally {
      await schema.drop();
    }
  }, 60_000);

  it('an unreachable server fails with its error code, never the connection string', async () => {
    const run = await runCli(['migrate'], { env: { PATCHBAY_DATABASE_URL: 'postgres://user:hunter2-secret@127.0.0.1:1/db', PATCHBAY_CONFIG: '' }, timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^patchbay migrate failed: \w+ \(ECONNREFUSED\)\n$/);
    expect(run.stderr).not.toContain('hunter2');
  }, 40_000);
});
