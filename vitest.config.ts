import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships index.js (CJS, what Node and its dependants load) and index.mjs (what Vite
    // would pick for our own files). Two copies break `instanceof` checks across the schema, so
    // tests load the same file Node does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test time is spent waiting on the in-process simulators and the embedded store, not on
    // the CPU: on a 2-core machine vitest's default (cores - 1) runs one file at a time.
    maxWorkers: 3,
  },
});
