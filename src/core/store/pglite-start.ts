import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { brotliDecompress } from 'node:zlib';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { copyTemplate, holdsCluster, templateArchive } from './pglite-template.js';

/**
 * How Patchbay starts PGlite. Left to its defaults PGlite takes 128 MB of shared buffers for a
 * store of a few thousand rows, lets V8 optimise its 9 MB of WebAssembly a second time, and makes
 * every new cluster with initdb; together about 780 MB on a new store and 290 MB on an existing
 * one (`npm run bench:store` measures each step).
 */

/**
 * PostgreSQL settings for the embedded store, over PGlite's own start parameters. The store holds
 * a few thousand small rows and one process uses it: 2 MB of buffers (PGlite's default is 128 MB,
 * most of which PostgreSQL touches at start) keeps its working set, and four connection slots
 * (PostgreSQL sizes its lock and process tables by them; PGlite has one session) are plenty.
 * Measured no slower per store call than 8 MB or PGlite's 128 MB. Durability settings stay PostgreSQL's, even
 * for a throwaway store: `synchronous_commit=off` and `full_page_writes=off` measured no cheaper
 * per write (PGlite's cost is per statement, not in the commit).
 */
export const STORE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '2MB',
  max_connections: '4',
};

/** What {@link startPglite} reports about how the cluster came to be. */
export type ClusterOrigin = 'existing' | 'template' | 'initdb';

/** Says why a new cluster could not come from the template (PGlite then runs initdb). */
export type TemplateMissNotice = (why: string) => void;

/**
 * Starts PGlite on `dir`, a directory this process holds (its lock is taken): resumes the
 * cluster in it, or copies the template into it first, or (no usable template) lets PGlite run
 * initdb there as it would by itself. `dir` null keeps the cluster in PGlite's in-memory file
 * system, loaded from the template (the fallback for a throwaway store where no temporary
 * directory can be made).
 */
export async function startPglite(dir: string | null, options: { onTemplateMiss?: TemplateMissNotice } = {}): Promise<{ db: PGlite; origin: ClusterOrigin }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const createOptions: PGliteOptions = {
    startParams: [...PGlite.defaultStartParams, ...Object.entries(STORE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
    pgliteWasmModule: await pgliteModule(),
  };
  if (dir !== null && (await holdsCluster(dir))) return { db: await PGlite.create(dir, createOptions), origin: 'existing' };
  const template = await templateArchive();
  if (template.path === null) {
    options.onTemplateMiss?.(template.why);
    return { db: await PGlite.create({ ...createOptions, ...(dir === null ? {} : { dataDir: dir }) }), origin: 'initdb' };
  }
  if (dir === null) {
    const tar = await promisify(brotliDecompress)(await readFile(template.path));
    return { db: await PGlite.create({ ...createOptions, loadDataDir: new Blob([tar]) }), origin: 'template' };
  }
  await copyTemplate(template.path, dir);
  return { db: await PGlite.create(dir, createOptions), origin: 'template' };
}

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * PGlite's WebAssembly, compiled once per process by V8's baseline compiler (Liftoff) alone.
 * V8 otherwise recompiles PostgreSQL's hot functions with its optimising compiler (TurboFan),
 * which costs about 60 MB of resident memory and half a second of CPU at start, and measured
 * no faster per store call afterwards (`npm run bench:store`). The flag is V8's, read when a
 * module is compiled; it is set around this one synchronous compile and cleared right after, so
 * no other module's compilation (undici's HTTP parser) starts while it is set.
 */
function pgliteModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const bytes = await readFile(join(dirname(entry), 'pglite.wasm'));
    setFlagsFromString('--liftoff-only');
    try {
      return new WebAssembly.Module(bytes);
    } finally {
      setFlagsFromString('--no-liftoff-only');
    }
  })();
  compiled.catch(() => {
    compiled = undefined;
  });
  return compiled;
}
