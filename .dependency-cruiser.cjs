/**
 * Patchbay's layers as import rules (`npm run lint:layers`). Imports flow one way:
 *
 *   src/core  <-  src/app  <-  vendor runtime  <-  schema  <-  resolvers  <-  vendor module  <-  registry  <-  src/server
 *
 * - src/core: errors, domain, ids, logger, http, store, config. Imports no other layer.
 * - src/app: the use cases (accounts, context, loaders, inventory, lookup, health, audit, idempotency, settle)
 *   and the `VendorRuntime` interface they ask vendors through. Knows no vendor.
 * - src/vendors/<v>/ (all but index.ts): one vendor's runtime: client, wire, map, errors, input, loaders, runtime.
 * - schema/ and resolvers/: the graph. Shared files (top level) know no vendor; schema/<v>/ and resolvers/<v>/
 *   are one vendor's types and root fields, over that vendor's runtime.
 * - src/vendors/<v>/index.ts: the vendor module, composing its runtime, graph and simulator kit.
 * - src/vendors/index.ts: the registry, the only list of vendors; read by the composition root (src/server),
 *   the demo wiring (src/simulators/index.ts) and tests.
 * - src/simulators/<v>/: imitate a vendor from the outside, never importing the code that calls it.
 *
 * test/ and bench/ may import anything. test/architecture/layering.test.ts proves that a wrong import is refused.
 */

/** The vendor folders of each layer. */
const VENDOR_FOLDER = '^(src/vendors|schema|resolvers|src/simulators)/[^/]+/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment: 'src/core is the bottom layer: it imports no other layer.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/(app|vendors|server|simulators)|schema|resolvers)/' },
    },
    {
      name: 'app-imports-only-core',
      comment: 'src/app (use cases) imports src/core only: vendors reach it through the VendorRuntime interface, never by import.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^(src/(vendors|server|simulators)|schema|resolvers)/' },
    },
    {
      name: 'shared-code-knows-no-vendor',
      comment: 'Shared code (everything outside the vendor folders) never imports a vendor folder; only the composition root and the demo wiring read the registry.',
      severity: 'error',
      from: { path: '^(src|schema|resolvers)/', pathNot: `${VENDOR_FOLDER}|^src/vendors/index\\.ts$` },
      to: { path: VENDOR_FOLDER },
    },
    {
      name: 'registry-only-from-root',
      comment: 'The registry src/vendors/index.ts is read by the composition root (src/server) and the demo wiring (src/simulators/index.ts, cli.ts) only.',
      severity: 'error',
      from: { path: '^(src|schema|resolvers)/', pathNot: '^(src/server/|src/simulators/(index|cli)\\.ts$)' },
      to: { path: '^src/vendors/index\\.ts$' },
    },
    {
      name: 'vendor-not-other-vendor',
      comment: "A vendor's folders (src/vendors/<v>, schema/<v>, resolvers/<v>, src/simulators/<v>) never import another vendor's.",
      severity: 'error',
      from: { path: '^(src/vendors|schema|resolvers|src/simulators)/([^/]+)/' },
      to: { path: VENDOR_FOLDER, pathNot: '^(src/vendors|schema|resolvers|src/simulators)/$2/' },
    },
    {
      name: 'vendor-runtime-not-outward',
      comment: "A vendor's runtime (src/vendors/<v>/ but index.ts) imports src/core, src/app and its own folder: not the graph, the server or simulators.",
      severity: 'error',
      from: { path: '^src/vendors/[^/]+/', pathNot: '^src/vendors/[^/]+/index\\.ts$' },
      to: { path: '^(schema|resolvers|src/server|src/simulators)/' },
    },
    {
      name: 'vendor-module-composes-own-layers',
      comment: 'A vendor module (src/vendors/<v>/index.ts) may import its own schema/<v>, resolvers/<v> and src/simulators/<v>, never the shared graph or the server.',
      severity: 'error',
      from: { path: '^src/vendors/[^/]+/index\\.ts$' },
      to: { path: '^(schema|resolvers|src/server)/', pathNot: '^(schema|resolvers)/[^/]+/' },
    },
    {
      name: 'simulators-not-product-code',
      comment: 'Simulators imitate vendors from the outside: they never import src/vendors, src/app, src/server, schema or resolvers (the demo wiring reads the registry).',
      severity: 'error',
      from: { path: '^src/simulators/' },
      to: { path: '^(src/(vendors|app|server)|schema|resolvers)/', pathNot: '^src/vendors/(index|module)\\.ts$' },
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
      comment: 'schema/ never imports resolvers/, src/server or the simulators.',
      severity: 'error',
      from: { path: '^schema/' },
      to: { path: '^(resolvers|src/server|src/simulators)/' },
    },
    {
      name: 'resolvers-not-server',
      comment: 'resolvers/ never imports the composition root src/server.',
      severity: 'error',
      from: { path: '^resolvers/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'assembled-schema-only-from-root',
      comment: 'Only the composition root (src/server), codegen.ts, test/ and bench/ import the assembled schema.',
      severity: 'error',
      from: { pathNot: '^(src/server/|test/|bench/|codegen\\.ts$)' },
      to: { path: '^src/server/schema\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles that run code among src/, schema/ and resolvers/ (a cycle through a type-only import is harmless at run time).',
      severity: 'error',
      from: { path: '^(src|schema|resolvers)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every relative import resolves to a file (an unresolved import is checked by no rule).',
      severity: 'error',
      from: { path: '^(src|schema|resolvers|test|bench)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // bench/hive: the bench-only Mesh/Hive tools, with their own package.json (installed on demand).
    exclude: { path: '^(node_modules|coverage|\\.patchbay|docs|bench/hive)/' },
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
