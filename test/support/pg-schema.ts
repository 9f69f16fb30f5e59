import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the store tests may use; empty when none is configured (those tests skip). */
export const PG_URL = process.env['PATCHBAY_TEST_DATABASE_URL'] ?? '';

/** Runs one statement on the test server as its own connection. */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema on the test server, selected through the connection string's search_path, so
 * every test file (and every replica a test starts on it) sees its own tables. `drop` removes it.
 */
export async function freshSchema(prefix = 'patchbay_test'): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), schema, drop: () => adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}
