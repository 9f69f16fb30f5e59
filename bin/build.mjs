#!/usr/bin/env node
/**
 * `npm run build [-- --out-dir DIR]`: the gateway compiled for `node`. It empties the output
 * directory (default dist/), compiles src, schema and resolvers with tsconfig.build.json (a type
 * error fails the build), then copies every file of those folders that is not TypeScript (a data
 * file the code reads beside itself, such as the store's template) to the same place in the
 * output, so that dist/ runs as the sources do.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const SOURCE_DIRS = ['src', 'schema', 'resolvers'];

/** Whether the compiler leaves `path` out, so the build copies it: anything but TypeScript sources. */
function isAsset(path) {
  return !/\.(?:c|m)?ts$/.test(path);
}

function outDirFrom(args) {
  const index = args.indexOf('--out-dir');
  return index === -1 ? 'dist' : args[index + 1];
}

const outDir = outDirFrom(process.argv.slice(2));
if (!outDir) {
  process.stderr.write('build: --out-dir needs a directory\n');
  process.exit(2);
}
rmSync(outDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', resolve(outDir)], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
for (const dir of SOURCE_DIRS) {
  cpSync(dir, join(outDir, dir), { recursive: true, filter: (path) => !path.includes('node_modules') && isAsset(path) });
}
