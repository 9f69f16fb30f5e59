import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';

/**
 * The embedded store's template: a PostgreSQL cluster that PGlite's initdb made once, without
 * the two template databases (Patchbay never creates a database, so `postgres` alone is kept),
 * shut down cleanly and archived (`cluster.tar.br`, a brotli-compressed ustar archive;
 * `bench/store-template.ts` writes it). A new store is a copy of it. Letting PGlite run initdb
 * instead costs about 4 s of CPU, and PGlite runs it in two more WebAssembly instances whose
 * memories stay referenced for the life of the process (430 MB of address space, 150–200 MB of
 * it resident).
 *
 * The archive is tied to the PGlite build that made it (the catalog must match the server), so
 * {@link templateArchive} answers null for any other version and the caller lets PGlite run initdb
 * as before; `test/store/pglite-template.test.ts` fails until the template is rebuilt.
 */

/** What `cluster.json` records beside the archive. */
export interface TemplateInfo {
  /** The `@electric-sql/pglite` version whose initdb made the cluster. */
  readonly pglite: string;
  /** The arguments given to initdb beyond PGlite's own. */
  readonly initdbArgs: readonly string[];
  /** SHA-256 of `cluster.tar.br`, hex. */
  readonly sha256: string;
  /**
   * The store schema version (migrations) the cluster already holds, so that a new store need not
   * run them at its first start; 0 for a bare cluster. A store made from an older template is
   * migrated the rest of the way at start, as any store is.
   */
  readonly schemaVersion: number;
}

/** Where the template lives, beside this module (src/core/store/pglite-template/). */
export const TEMPLATE_DIR = fileURLToPath(new URL('./pglite-template', import.meta.url));
export const TEMPLATE_ARCHIVE = 'cluster.tar.br';
export const TEMPLATE_INFO = 'cluster.json';

/**
 * The initdb arguments the template is made with: 1 MB WAL segments instead of 16 MB, so that a
 * new store's WAL (PostgreSQL keeps `min_wal_size`, five segments) takes 5 MB instead of 80 MB.
 */
export const TEMPLATE_INITDB_ARGS: readonly string[] = ['--wal-segsize=1'];

/** The file whose presence tells PGlite (and us) that a directory holds a cluster; written last. */
const VERSION_FILE = 'PG_VERSION';

/** The installed `@electric-sql/pglite` version (its package.json is not in its export map). */
export async function installedPgliteVersion(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  // dist/index.cjs → the package root holding package.json named @electric-sql/pglite.
  for (let depth = 0; depth < 3; depth++, dir = dirname(dir)) {
    const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => null);
    if (text === null) continue;
    const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (pkg.name === '@electric-sql/pglite' && typeof pkg.version === 'string') return pkg.version;
  }
  throw new Error(`Cannot find the package.json of @electric-sql/pglite above ${entry}`);
}

/** Reads `cluster.json`; null when it is missing or unreadable. */
export async function readTemplateInfo(templateDir = TEMPLATE_DIR): Promise<TemplateInfo | null> {
  const text = await readFile(join(templateDir, TEMPLATE_INFO), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const info = JSON.parse(text) as Partial<TemplateInfo>;
    if (typeof info.pglite !== 'string' || typeof info.sha256 !== 'string' || !Array.isArray(info.initdbArgs)) return null;
    return { pglite: info.pglite, sha256: info.sha256, initdbArgs: info.initdbArgs.map(String), schemaVersion: typeof info.schemaVersion === 'number' ? info.schemaVersion : 0 };
  } catch {
    return null;
  }
}

/**
 * The template archive's path when it fits the installed PGlite and is intact; otherwise null,
 * with why (for the log): no template shipped (e.g. a build that left it out), another PGlite
 * version, or a damaged archive.
 */
export async function templateArchive(templateDir = TEMPLATE_DIR): Promise<{ path: string } | { path: null; why: string }> {
  const info = await readTemplateInfo(templateDir);
  if (info === null) return { path: null, why: `no store template in ${templateDir}` };
  const version = await installedPgliteVersion();
  if (info.pglite !== version) return { path: null, why: `the store template was made by PGlite ${info.pglite}, this is ${version}` };
  const path = join(templateDir, TEMPLATE_ARCHIVE);
  const bytes = await readFile(path).catch(() => null);
  if (bytes === null) return { path: null, why: `${path} is missing` };
  if (createHash('sha256').update(bytes).digest('hex') !== info.sha256) return { path: null, why: `${path} does not match its checksum` };
  return { path };
}

/** Whether `dir` already holds a cluster (PGlite resumes it instead of making a new one). */
export async function holdsCluster(dir: string): Promise<boolean> {
  return stat(join(dir, VERSION_FILE)).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** One ustar header block: the fields we use. */
interface TarHeader {
  readonly name: string;
  readonly size: number;
  /** '0' (or NUL) a file, '5' a directory. */
  readonly type: string;
}

const BLOCK = 512;

function parseHeader(block: Buffer): TarHeader | null {
  if (block.every((byte) => byte === 0)) return null;
  const text = (from: number, length: number): string => {
    const field = block.subarray(from, from + length);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? length : end).toString('utf8');
  };
  const checksum = Number.parseInt(text(148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  if (sum !== checksum) throw new Error('store template: a tar header fails its checksum');
  const prefix = text(345, 155);
  const name = prefix === '' ? text(0, 100) : `${prefix}/${text(0, 100)}`;
  const size = Number.parseInt(text(124, 12).trim() || '0', 8);
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`store template: bad size for ${name}`);
  return { name, size, type: text(156, 1) };
}

/**
 * One archive entry as ustar blocks: `data` a file's bytes, null a directory. Used to write the
 * template (bench/store-template.ts). Times and owners are fixed, so that the archive is a
 * function of the cluster alone.
 */
export function ustarEntry(name: string, data: Buffer | null): Buffer[] {
  const block = Buffer.alloc(BLOCK);
  const path = data === null && !name.endsWith('/') ? `${name}/` : name;
  if (Buffer.byteLength(path) > 100) throw new Error(`store template: path too long for the archive: ${path}`);
  const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;
  block.write(path, 0, 100, 'utf8');
  block.write(octal(data === null ? 0o700 : 0o600, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(data?.length ?? 0, 12), 124, 'latin1');
  block.write(octal(0, 12), 136, 'latin1');
  block.write(data === null ? '5' : '0', 156, 'latin1');
  block.write('ustar\u000000', 257, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  if (data === null) return [block];
  return [block, data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK)];
}

/** The two empty blocks that end an archive. */
export const USTAR_END = Buffer.alloc(BLOCK * 2);

/** `name` inside `root`, refusing anything that would leave it. */
function targetPath(root: string, name: string): string {
  const relative = name.replace(/^\/+/, '');
  if (relative === '' || relative.split('/').some((part) => part === '..' || part === '.')) throw new Error(`store template: refusing path ${name}`);
  const path = resolve(root, relative);
  if (!path.startsWith(root + sep)) throw new Error(`store template: refusing path ${name}`);
  return path;
}

/** The largest entry the reader accepts: the cluster's files are at most one WAL segment (1 MB). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

/**
 * The entries of a brotli-compressed ustar archive, each with its whole data, read as a stream:
 * only one entry (at most a WAL segment) is held at a time, never the 30 MB archive, which would
 * leave that much freed but resident memory in the process.
 */
async function* tarEntries(archive: string): AsyncGenerator<{ header: TarHeader; data: Buffer }> {
  // 1 MB chunks: each chunk is a hop through the thread pool, and small ones cost more CPU in
  // handing over than in decompressing.
  const stream = createReadStream(archive, { highWaterMark: 1 << 20 }).pipe(createBrotliDecompress({ chunkSize: 1 << 20 }));
  let pending: Buffer = Buffer.alloc(0);
  let header: TarHeader | null = null;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (header === null) {
        if (pending.length < BLOCK) break;
        header = parseHeader(pending.subarray(0, BLOCK));
        if (header === null) return;
        if (header.size > MAX_ENTRY_BYTES) throw new Error(`store template: ${header.name} is too large`);
        pending = pending.subarray(BLOCK);
      }
      // The data is padded to a whole block.
      const padded = Math.ceil(header.size / BLOCK) * BLOCK;
      if (pending.length < padded) break;
      yield { header, data: Buffer.from(pending.subarray(0, header.size)) };
      pending = pending.subarray(padded);
      header = null;
    }
  }
  throw new Error('store template: the archive ends mid-way');
}

/**
 * Copies the template's cluster into `dir` (which must exist). `PG_VERSION` is written last: a
 * copy cut short (the process killed) leaves a directory without it, which the next start copies
 * into again instead of taking it for a cluster. The files are written synchronously: about a
 * thousand small files through the thread pool cost several times the CPU, and this runs once, at
 * start, before the store serves anything.
 */
export async function copyTemplate(archive: string, dir: string): Promise<void> {
  const root = resolve(dir);
  let version: Buffer | null = null;
  for await (const { header, data } of tarEntries(archive)) {
    const path = targetPath(root, header.name);
    if (header.type === '5') {
      mkdirSync(path, { recursive: true, mode: 0o700 });
    } else if (header.type === '0' || header.type === '') {
      if (path === join(root, VERSION_FILE)) {
        version = data;
        continue;
      }
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, data, { mode: 0o600 });
    } else {
      throw new Error(`store template: unexpected entry type "${header.type}" for ${header.name}`);
    }
  }
  if (version === null) throw new Error(`store template: the archive holds no ${VERSION_FILE}`);
  writeFileSync(join(root, VERSION_FILE), version, { mode: 0o600 });
}
