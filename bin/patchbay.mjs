#!/usr/bin/env node
/**
 * The `patchbay` command (package.json `bin`). It runs the compiled CLI, dist/src/server/cli.js,
 * when `npm run build` has made it (the Docker image, a production install), and otherwise the
 * TypeScript sources bundled as `npm start` does (bin/bundle.mjs: once per version of the sources,
 * with esbuild from the development dependencies; a fresh checkout after `npm install`). Run
 * `npm run build` again after changing the sources, or delete dist/, or the command keeps running
 * the older build.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('../', import.meta.url);
const built = new URL('dist/src/server/cli.js', root);

if (existsSync(built)) {
  await import(built.href);
} else {
  const { bundledTree } = await import('./bundle.mjs');
  await import(pathToFileURL(join(await bundledTree(), 'src', 'server', 'cli.js')).href);
}
