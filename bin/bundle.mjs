/**
 * The gateway's TypeScript as plain JavaScript for a checkout, shared by `npm start` (bin/start.mjs)
 * and the `patchbay` command without dist/ (bin/patchbay.mjs). The entry points that exist
 * (src/server/main.ts, the server; src/server/cli.ts, the command) are bundled with esbuild under
 * node_modules/.cache/patchbay/<digest>/, dependencies left in node_modules, once per version of
 * the sources (a digest of every file's path, size and modification time, and of this file), with
 * the data files copied beside them where the sources keep them. Running the sources through tsx
 * instead keeps its loader (a second V8 isolate) and compiles every module on each start: about
 * 75 MB more resident memory and 2 s more CPU to "ready"; one module instead of 400 saves another
 * 0.3 s of resolving and loading (README, Performance). No type checking happens here:
 * `npm run typecheck` does that, and `npm run build` (tsc) makes dist/ for production images.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('../', import.meta.url)));
/** The entry points bundled, where present: the server and the command. */
const ENTRIES = ['src/server/main.ts', 'src/server/cli.ts'];
const SOURCE_DIRS = ['src', 'schema', 'resolvers'];
const CACHE = join(root, 'node_modules', '.cache', 'patchbay');
/** A transpiled tree another start may still run from is kept this long after it was replaced. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/** Every file under the source folders (no node_modules), sorted, with what says it changed. */
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return files.sort();
}

function digestOf(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    const info = statSync(file);
    hash.update(`${relative(root, file)}\0${info.size}\0${info.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

const isTypeScript = (path) => /\.(?:c|m)?ts$/.test(path);

/** Bundles into a directory of its own, then moves it into place whole, so a start never sees half a tree. */
async function transpile(files, target) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('patchbay: not built (no dist/) and esbuild is not installed: run `npm install` for development, or `npm run build`.\n');
    process.exit(1);
  }
  mkdirSync(CACHE, { recursive: true });
  const staging = `${target}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  // Each source's `import.meta.url` is where that file would be in an unbundled tree, so that what
  // it finds beside itself (the store template) is found among the copied data files.
  const metaUrl = {
    name: 'import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        let contents = await readFile(args.path, 'utf8');
        if (contents.includes('import.meta.url')) {
          const at = pathToFileURL(join(target, relative(root, args.path)).replace(/\.ts$/, '.js')).href;
          contents = contents.replaceAll('import.meta.url', JSON.stringify(at));
        }
        return { contents, loader: 'ts' };
      });
    },
  };
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRIES.filter((entry) => existsSync(join(root, entry))),
    outbase: root,
    outdir: staging,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'error',
    plugins: [metaUrl],
  });
  for (const file of files) {
    if (isTypeScript(file)) continue;
    const to = join(staging, relative(root, file));
    mkdirSync(resolve(to, '..'), { recursive: true });
    cpSync(file, to);
  }
  writeFileSync(join(staging, 'package.json'), '{ "type": "module" }\n');
  try {
    renameSync(staging, target);
  } catch (error) {
    // Another start made the same tree meanwhile: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  }
}

/** Removes trees of earlier versions of the sources, once no start can still be loading them. */
function sweep(keep) {
  for (const name of readdirSync(CACHE)) {
    if (name === keep) continue;
    const path = join(CACHE, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone meanwhile.
    }
  }
}

/**
 * The bundled tree for the current sources, made first when missing; returns its directory
 * (`<tree>/src/server/main.js`, `<tree>/src/server/cli.js`).
 */
export async function bundledTree() {
  const files = sourceFiles();
  // This script too: a change to how the tree is made makes a new one.
  const version = digestOf([...files, fileURLToPath(import.meta.url)]);
  const tree = join(CACHE, version);
  if (!existsSync(join(tree, 'package.json'))) await transpile(files, tree);
  sweep(version);
  return tree;
}
