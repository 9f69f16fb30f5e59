/**
 * The `patchbay` command from the current sources, bundled as bin/patchbay.mjs bundles them in a
 * checkout, but never a dist/ a developer built earlier (bin/patchbay.mjs prefers that): the CLI
 * tests run this, with the command's arguments after it.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundledTree } from '../../bin/bundle.mjs';

await import(pathToFileURL(join(await bundledTree(), 'src', 'server', 'cli.js')).href);
