/**
 * Writes the embedded store's template (see src/core/store/pglite-template.ts):
 *
 *   npx tsx bench/store-template.ts
 *
 * Run it after changing the PGlite version; `test/store/pglite-template.test.ts` fails until then
 * (and until then every new store runs PGlite's initdb, slow and memory-hungry, instead).
 * PGlite's initdb makes a cluster in a temporary directory, PGlite shuts it down cleanly, and the
 * directory is archived as ustar (inspect it with `brotli -dc cluster.tar.br | tar tv`), then
 * compressed with brotli at its highest level. The template databases are dropped first (see
 * below), which leaves the `postgres` database Patchbay uses, and the store's migrations are
 * applied, so a new store (every demo) starts at the current schema instead of creating it
 * (about 0.16 s of CPU). Run it again after adding a migration; the same test says so.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { migrate } from '../src/core/store/migrations.js';
import type { SqlClient } from '../src/core/store/sql.js';
import { installedPgliteVersion, TEMPLATE_ARCHIVE, TEMPLATE_DIR, TEMPLATE_INFO, TEMPLATE_INITDB_ARGS, type TemplateInfo, USTAR_END, ustarEntry } from '../src/core/store/pglite-template.js';

/** The directory's files and subdirectories as ustar blocks, in a stable order. */
async function archive(root: string, relative = ''): Promise<Buffer[]> {
  const blocks: Buffer[] = [];
  const names = (await readdir(join(root, relative))).sort();
  for (const name of names) {
    const path = relative === '' ? name : `${relative}/${name}`;
    const info = await stat(join(root, path));
    if (info.isDirectory()) blocks.push(...ustarEntry(path, null), ...(await archive(root, path)));
    else if (info.isFile()) blocks.push(...ustarEntry(path, await readFile(join(root, path))));
  }
  return blocks;
}

type PgliteLike = Pick<import('@electric-sql/pglite').PGlite, 'query' | 'exec' | 'transaction'>;
type PgliteTx = Parameters<Parameters<PgliteLike['transaction']>[0]>[0];

/** The store's SQL seam over a bare PGlite (the template is made before any store exists), enough for `migrate`. */
function sqlClientOn(db: PgliteLike | PgliteTx): SqlClient {
  return {
    kind: 'pglite',
    async query<R>(sql: string, params: readonly unknown[] = []) {
      return (await db.query<R>(sql, [...params])).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      if (!('transaction' in db)) return Promise.reject(new Error('no nested transactions while making the template'));
      return db.transaction((tx) => fn(sqlClientOn(tx)));
    },
    async close() {},
  };
}

async function main(): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const parent = await mkdtemp(join(tmpdir(), 'patchbay-template-'));
  const dir = join(parent, 'cluster');
  try {
    const db = await PGlite.create(dir, { initDbStartParams: [...TEMPLATE_INITDB_ARGS] });
    // Patchbay uses the `postgres` database alone and never creates one: the two template
    // databases would be two thirds of every new store's files (and of the time to copy them).
    for (const name of ['template0', 'template1']) {
      await db.exec(`ALTER DATABASE ${name} IS_TEMPLATE false`);
      await db.exec(`DROP DATABASE ${name}`);
    }
    const { current } = await migrate(sqlClientOn(db));
    await db.exec('CHECKPOINT');
    await db.close();
    const tar = Buffer.concat([...(await archive(dir)), USTAR_END]);
    const compressed = brotliCompressSync(tar, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: tar.length },
    });
    const info: TemplateInfo = {
      pglite: await installedPgliteVersion(),
      initdbArgs: TEMPLATE_INITDB_ARGS,
      sha256: createHash('sha256').update(compressed).digest('hex'),
      schemaVersion: current,
    };
    await mkdir(TEMPLATE_DIR, { recursive: true });
    await writeFile(join(TEMPLATE_DIR, TEMPLATE_ARCHIVE), compressed);
    await writeFile(join(TEMPLATE_DIR, TEMPLATE_INFO), `${JSON.stringify(info, null, 2)}\n`);
    console.log(`wrote ${join(TEMPLATE_DIR, TEMPLATE_ARCHIVE)}: ${tar.length} bytes of cluster in ${compressed.length} (PGlite ${info.pglite}, schema ${current})`);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

await main();
