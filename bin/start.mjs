#!/usr/bin/env node
/**
 * `npm start`: the gateway from a checkout, run as plain JavaScript: the sources bundled once per
 * version (bin/bundle.mjs) and the server imported from there.
 *
 * `--transpile-only` bundles (when the sources changed) and exits without starting the server.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundledTree } from './bundle.mjs';

const tree = await bundledTree();
if (!process.argv.includes('--transpile-only')) await import(pathToFileURL(join(tree, 'src', 'server', 'main.js')).href);
