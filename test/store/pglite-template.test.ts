import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, truncate, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/core/store/dir-lock.js';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/core/store/migrations.js';
import { STORE_SETTINGS } from '../../src/core/store/pglite-start.js';
import { copyTemplate, installedPgliteVersion, readTemplateInfo, TEMPLATE_ARCHIVE, TEMPLATE_DIR, TEMPLATE_INFO, templateArchive, USTAR_END, ustarEntry } from '../../src/core/store/pglite-template.js';
import { openPglite } from '../../src/core/store/sql.js';
import { createStore, openStore } from '../../src/core/store/store.js';

const REBUILD = 'rebuild it with `npx tsx bench/store-template.ts`';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(prefix = 'patchbay-template-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A pid that surely runs no process now: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A template directory holding `entries` as the archive, with info for the installed PGlite. */
async function templateOf(entries: Buffer[][]): Promise<string> {
  const dir = await tempDir();
  const archive = brotliCompressSync(Buffer.concat([...entries.flat(), USTAR_END]));
  await writeFile(join(dir, TEMPLATE_ARCHIVE), archive);
  await writeFile(join(dir, TEMPLATE_INFO), JSON.stringify({ pglite: await installedPgliteVersion(), initdbArgs: [], sha256: createHash('sha256').update(archive).digest('hex') }));
  return dir;
}

describe('the store template', () => {
  it('is shipped for the installed PGlite and intact', async () => {
    const info = await readTemplateInfo();
    expect(info, `no template in ${TEMPLATE_DIR}: ${REBUILD}`).not.toBeNull();
    expect(info?.pglite, `the template was made by another PGlite: ${REBUILD}`).toBe(await installedPgliteVersion());
    expect(await templateArchive()).toEqual({ path: join(TEMPLATE_DIR, TEMPLATE_ARCHIVE) });
  });

  it('already holds the newest store schema, so a new store applies no migrations', async () => {
    const newest = MIGRATIONS.at(-1)?.version;
    expect((await readTemplateInfo())?.schemaVersion, `the template predates migration ${newest}: ${REBUILD}`).toBe(newest);
    const sql = await openPglite(null);
    cleanups.push(() => sql.close());
    expect(sql.origin).toBe('template');
    expect(await schemaVersion(sql)).toBe(newest);
    expect(await migrate(sql)).toEqual({ applied: [], current: newest });
  });

  it('is refused when made by another PGlite version or damaged, with why', async () => {
    const other = await tempDir();
    const archive = await readFile(join(TEMPLATE_DIR, TEMPLATE_ARCHIVE));
    const info = await readTemplateInfo();
    await writeFile(join(other, TEMPLATE_ARCHIVE), archive);
    await writeFile(join(other, TEMPLATE_INFO), JSON.stringify({ ...info, pglite: '0.0.1' }));
    expect(await templateArchive(other)).toEqual({ path: null, why: expect.stringContaining('made by PGlite 0.0.1') });

    await writeFile(join(other, TEMPLATE_INFO), JSON.stringify({ ...info, pglite: await installedPgliteVersion() }));
    await writeFile(join(other, TEMPLATE_ARCHIVE), archive.subarray(0, archive.length - 10));
    expect(await templateArchive(other)).toEqual({ path: null, why: expect.stringContaining('does not match its checksum') });

    expect(await templateArchive(join(other, 'missing'))).toEqual({ path: null, why: expect.stringContaining('no store template') });
  });

  it('copies into a directory, PG_VERSION included, and refuses an archive entry outside it', async () => {
    const dir = await tempDir();
    const template = await templateOf([ustarEntry('base', null), ustarEntry('base/1', Buffer.from('relation')), ustarEntry('PG_VERSION', Buffer.from('17\n'))]);
    await copyTemplate(join(template, TEMPLATE_ARCHIVE), dir);
    expect(await readFile(join(dir, 'base', '1'), 'utf8')).toBe('relation');
    expect(await readFile(join(dir, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect((await stat(join(dir, 'base', '1'))).mode & 0o777).toBe(0o600);

    const escaping = await templateOf([ustarEntry('../escaped', Buffer.from('x')), ustarEntry('PG_VERSION', Buffer.from('17\n'))]);
    const target = join(await tempDir(), 'data');
    await mkdir(target);
    await expect(copyTemplate(join(escaping, TEMPLATE_ARCHIVE), target)).rejects.toThrow(/refusing path \.\.\/escaped/);
    await expect(stat(join(target, '..', 'escaped'))).rejects.toThrow();
  });

  it('makes a new directory store from the template, and reopens it with its data', async () => {
    const dataDir = join(await tempDir(), 'data');
    const first = await openPglite(dataDir);
    expect(first.origin).toBe('template');
    await first.query('CREATE TABLE kept (value text)');
    await first.query('INSERT INTO kept VALUES ($1)', ['survives a restart']);
    await first.close();

    const second = await openPglite(dataDir);
    cleanups.push(() => second.close());
    expect(second.origin).toBe('existing');
    expect(await second.query<{ value: string }>('SELECT value FROM kept')).toEqual([{ value: 'survives a restart' }]);
  });

  it('copies again into a directory whose copy was cut short (no PG_VERSION yet)', async () => {
    const dataDir = join(await tempDir(), 'data');
    await mkdir(dataDir);
    await copyTemplate(join(TEMPLATE_DIR, TEMPLATE_ARCHIVE), dataDir);
    // What a killed copy leaves: PG_VERSION is written last, and a file may be half written.
    await unlink(join(dataDir, 'PG_VERSION'));
    await truncate(join(dataDir, 'global', 'pg_control'), 10);

    const sql = await openPglite(dataDir);
    cleanups.push(() => sql.close());
    expect(sql.origin).toBe('template');
    expect(await sql.query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('runs PostgreSQL with the small-store settings', async () => {
    const sql = await openPglite(null);
    cleanups.push(() => sql.close());
    const rows = await sql.query<{ name: string; setting: string; unit: string | null }>('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[])', [Object.keys(STORE_SETTINGS)]);
    const inKb = Object.fromEntries(rows.map((r) => [r.name, r.unit === '8kB' ? `${(Number(r.setting) * 8) / 1024}MB` : r.setting]));
    expect(inKb).toEqual(STORE_SETTINGS);
    // Durability stays PostgreSQL's own.
    expect(await sql.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
  });
});

describe('a throwaway store (dataDir null)', () => {
  it('round-trips through the store, lives in a directory of its own and is removed on close', async () => {
    const sql = await openPglite(null);
    const store = await createStore(sql);
    expect(sql.origin).toBe('template');
    const dir = sql.dataDir ?? '(in memory)';
    expect(dir.startsWith(join(tmpdir(), 'patchbay-store-'))).toBe(true);
    await store.trackDatadogConnection('acct', 'conn-1', 'first');
    const entry = await store.appendAudit({ caller: 'tester', operation: 'op', account: 'acct', targetId: 'conn-1', outcome: 'ok', detail: { n: 1 } });
    expect(await store.listTrackedDatadogConnections('acct')).toMatchObject([{ account: 'acct', connectionId: 'conn-1', name: 'first' }]);
    expect(await store.listAudit({ limit: 1 })).toEqual([entry]);
    expect(await exists(join(dir, 'PG_VERSION'))).toBe(true);
    await store.close();
    expect(await exists(dir)).toBe(false);
  });

  it('is kept in memory where no temporary directory can be made (a read-only file system)', async () => {
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = join(await tempDir(), 'missing', 'deeper');
    let sql: Awaited<ReturnType<typeof openPglite>>;
    try {
      sql = await openPglite(null);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    const store = await createStore(sql);
    cleanups.push(() => store.close());
    expect(sql.dataDir).toBeNull();
    expect(sql.origin).toBe('template');
    await store.trackDatadogConnection('acct', 'in-memory', 'kept');
    expect(await store.listTrackedDatadogConnections('acct')).toMatchObject([{ connectionId: 'in-memory', name: 'kept' }]);
  });

  it('is a new, empty database every time', async () => {
    const first = await openStore({ dataDir: null });
    cleanups.push(() => first.close());
    await first.trackDatadogConnection('acct', 'only-in-first');
    const second = await openStore({ dataDir: null });
    cleanups.push(() => second.close());
    expect(await second.listTrackedDatadogConnections()).toEqual([]);
  });

  it('removes the directory a dead process left behind, and leaves a live one alone', async () => {
    const dead = await tempDir('patchbay-store-');
    await writeFile(join(dead, LOCK_FILE), `${deadPid()}@${hostname()}`);
    await writeFile(join(dead, 'PG_VERSION'), '17\n');
    const live = await tempDir('patchbay-store-');
    await writeFile(join(live, LOCK_FILE), `${process.pid}@${hostname()}`);
    const young = await tempDir('patchbay-store-');
    await writeFile(join(young, LOCK_FILE), `${deadPid()}@${hostname()}`);
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(dead, old, old);
    await utimes(live, old, old);

    const sql = await openPglite(null);
    cleanups.push(() => sql.close());
    expect(await exists(dead)).toBe(false);
    expect(await exists(live)).toBe(true);
    // Younger than a minute: it may be one another process is setting up right now.
    expect(await exists(young)).toBe(true);
  });
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
