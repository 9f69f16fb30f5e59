/**
 * Patchbay's layers as import rules (`npm run lint:layers`). Imports flow one way:
 *
 *   src/core  <-  src/app  <-  src/vendors/<v>  <-  schema  <-  resolvers  <-  src/server (composition root)
 *
 * src/simulators stand beside the vendors: a vendor folder may use its own simulator kit, a simulator never
 * imports the vendor code it imitates. test/ and bench/ may import anything. test/architecture/layering.test.ts
 * proves that these rules refuse a wrong import; rule names appear in that test and in error output.
 */

/** Everything outside src/core that src/core must never import. */
const OUTSIDE_CORE = '^(src/(app|vendors|server|simulators)|schema|resolvers)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment: 'src/core (errors, domain, ids, logger, http, store, config, pagination, input-check) is the bottom layer: it imports no other layer.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: OUTSIDE_CORE },
    },
    {
      name: 'app-imports-only-core',
      comment: 'src/app (use cases) may import src/core only: not vendors, simulators, the server, schema or resolvers.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^(src/(vendors|server|simulators)|schema|resolvers)/' },
    },
    {
      name: 'vendor-not-other-vendor',
      comment: 'A vendor folder never imports another vendor folder (nor the registry src/vendors/index.ts).',
      severity: 'error',
      from: { path: '^src/vendors/([^/]+)/' },
      to: { path: '^src/vendors/', pathNot: '^src/vendors/$1/' },
    },
    {
      name: 'vendor-only-own-simulator-kit',
      comment: 'A vendor folder may import its own simulator kit (src/simulators/<same vendor>/), no other simulator code.',
      severity: 'error',
      from: { path: '^src/vendors/([^/]+)/' },
      to: { path: '^src/simulators/', pathNot: '^src/simulators/$1/' },
    },
    {
      name: 'vendor-not-outward',
      comment: 'Vendor code (folders and registry) never imports schema, resolvers or the server.',
      severity: 'error',
      from: { path: '^src/vendors/' },
      to: { path: '^(schema|resolvers|src/server)/' },
    },
    {
      name: 'vendor-registry-imports-vendor-index',
      comment: 'The registry src/vendors/index.ts reaches each vendor through its src/vendors/<v>/index.ts only.',
      severity: 'error',
      from: { path: '^src/vendors/[^/]+$' },
      to: { path: '^src/vendors/[^/]+/', pathNot: '^src/vendors/[^/]+/index\\.ts$' },
    },
    {
      name: 'simulators-not-product-code',
      comment:
        'Simulators imitate vendors from the outside: they never import src/vendors, src/app, src/server, schema or resolvers. ' +
        'src/simulators/index.ts and cli.ts (demo wiring) may read the registry src/vendors/index.ts.',
      severity: 'error',
      from: { path: '^src/simulators/' },
      to: {
        path: '^(src/(vendors|app|server)|schema|resolvers)/',
        pathNot: '^src/vendors/index\\.ts$',
      },
    },
    {
      name: 'simulators-registry-only-from-wiring',
      comment: 'Only the demo wiring (src/simulators/index.ts, cli.ts) may import the vendor registry.',
      severity: 'error',
      from: { path: '^src/simulators/', pathNot: '^src/simulators/(index|cli)\\.ts$' },
      to: { path: '^src/vendors/index\\.ts$' },
    },
    {
      name: 'simulators-not-other-simulator',
      comment: "A vendor's simulator imports its own folder and src/simulators/base.ts, not another vendor's simulator.",
      severity: 'error',
      from: { path: '^src/simulators/([^/]+)/' },
      to: { path: '^src/simulators/', pathNot: '^src/simulators/($1/|base\\.ts$)' },
    },
    {
      name: 'simulators-core-types-only',
      comment: 'Simulators use src/core at type level only (import type), so they stay runnable without the gateway.',
      severity: 'error',
      from: { path: '^src/simulators/' },
      to: { path: '^src/core/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'schema-not-resolvers-or-server',
      comment: 'schema/ may import src/core, src/app and src/vendors; never resolvers/, src/server or the simulators.',
      severity: 'error',
      from: { path: '^schema/' },
      to: { path: '^(resolvers|src/server|src/simulators)/' },
    },
    {
      name: 'resolvers-not-server',
      comment: 'resolvers/ may import schema/ and src/*, never the composition root src/server.',
      severity: 'error',
      from: { path: '^resolvers/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'build-schema-only-from-root',
      comment: 'Only the composition root (src/server), codegen.ts, test/ and bench/ import the assembled schema.',
      severity: 'error',
      from: { pathNot: '^(src/server/|test/|bench/|codegen\\.ts$)' },
      // The assembly lives in src/server/schema.ts (formerly resolvers/build-schema.ts).
      to: { path: '^(src/server/schema|resolvers/build-schema)\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles among src/, schema/ and resolvers/ (type-only imports included).',
      severity: 'error',
      from: { path: '^(src|schema|resolvers)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every relative import resolves to a file (keeps the layer rules honest: an unresolved import is checked by none of them).',
      severity: 'error',
      from: { path: '^(src|schema|resolvers|test|bench)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|coverage|\\.patchbay|docs)/' },
    // Type-only imports count: a layer may not even name another layer's types against the rules.
    tsPreCompilationDeps: true,
    // Resolves our ESM imports written with .js to the .ts files (NodeNext), as tsc does.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
