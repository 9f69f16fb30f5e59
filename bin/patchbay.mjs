#!/usr/bin/env node
/**
 * The `patchbay` command (package.json `bin`). It runs the compiled CLI, dist/src/server/cli.js,
 * when `npm run build` has made it (the Docker image, a production install), and otherwise the
 * TypeScript sources through tsx (a fresh checkout after `npm install`). Run `npm run build` again
 * after changing the sources, or delete dist/, or the command keeps running the older build.
 */
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const built = new URL('dist/src/server/cli.js', root);

if (existsSync(built)) {
  await import(built.href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('patchbay: not built (no dist/) and tsx is not installed: run `npm install` for development, or `npm run build`.\n');
    process.exit(1);
  }
  register();
  await import(new URL('src/server/cli.ts', root).href);
}
