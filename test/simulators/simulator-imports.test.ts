import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * A simulator stands for its vendor, so it must not share the client's reading of the vendor
 * contract: the files of src/simulators/<vendor>/ (and the shared base.ts) may import only node
 * built-ins, zod, their own folder, src/simulators/base.ts, and src/core/ with `import type`.
 * The demo wiring beside them (index.ts, cli.ts, kit.ts) is not a simulator and is not checked.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SIMULATORS = join(ROOT, 'src', 'simulators');
const BASE = join(SIMULATORS, 'base.ts');
const CORE = join(ROOT, 'src', 'core');
const BUILTINS = new Set(builtinModules);

interface ImportSite {
  readonly specifier: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

/** Every module specifier a file names: static imports, re-exports, `import x = require()` and `import()`. */
function importsOf(fileName: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean): void => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier)) return;
    sites.push({ specifier: specifier.text, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    // `import { type A }` still loads the module under verbatimModuleSyntax: only `import type` is type-only.
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, node.importClause?.isTypeOnly === true);
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

/** Why an import breaks the rule, or null when it is allowed. */
function violation(file: string, site: ImportSite): string | null {
  const { specifier } = site;
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return null;
  if (specifier === 'zod' || specifier.startsWith('zod/')) return null;
  if (!specifier.startsWith('.')) return `imports the package ${specifier}`;
  const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
  const ownFolder = file === BASE ? null : dirname(file);
  if (ownFolder !== null && dirname(target) === ownFolder) return null;
  if (ownFolder !== null && target.startsWith(ownFolder + sep)) return null;
  if (target === BASE) return null;
  if (target.startsWith(CORE + sep)) return site.typeOnly ? null : `imports ${specifier} as a value (src/core is allowed with \`import type\` only)`;
  return `imports ${relative(ROOT, target)}, outside its own folder`;
}

function violationsIn(file: string, text: string): string[] {
  return importsOf(file, text)
    .map((site) => {
      const why = violation(file, site);
      return why === null ? null : `${relative(ROOT, file)}:${site.line} ${why}`;
    })
    .filter((line): line is string => line !== null);
}

function simulatorFiles(): string[] {
  const files = [BASE];
  for (const entry of readdirSync(SIMULATORS, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = join(SIMULATORS, entry.name);
    for (const file of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.ts')) files.push(join(folder, file));
    }
  }
  return files;
}

describe('simulator imports', () => {
  it('covers every vendor simulator folder', () => {
    const vendors = new Set(simulatorFiles().map((file) => relative(SIMULATORS, file).split(sep)[0]));
    expect([...vendors]).toEqual(expect.arrayContaining(['chronosphere', 'cortex', 'datadog', 'mongodb', 'opsramp']));
  });

  it('reach only node built-ins, zod, their own folder, base.ts and src/core types', () => {
    const problems = simulatorFiles().flatMap((file) => violationsIn(file, readFileSync(file, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('would catch a simulator reading the client: value, type, re-export and dynamic imports of src/vendors', () => {
    const file = join(SIMULATORS, 'datadog', 'probe.ts');
    const probe = [
      "import { integrationSpec } from '../../vendors/datadog/catalogue.js';",
      "import type { IntegrationSpec } from '../../vendors/datadog/catalogue.js';",
      "export { digestResponse } from '../../vendors/mongodb/digest.js';",
      "const lazy = () => import('../../vendors/opsramp/catalogue.js');",
      "import { REDACTED } from '../chronosphere/contract.js';",
      "import { VendorContractError } from '../../core/errors.js';",
      "import { type VendorId } from '../../core/vendor.js';",
      "import undici from 'undici';",
      "import { z } from 'zod';",
      "import { createHash } from 'node:crypto';",
      "import type { VendorId as Id } from '../../core/vendor.js';",
      "import { SimulatorServer } from '../base.js';",
      "import { TAG } from './contract.js';",
    ].join('\n');
    const problems = violationsIn(file, probe);
    expect(problems.map((line) => Number(line.split(':')[1]?.split(' ')[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(problems[0]).toContain('src/vendors/datadog/catalogue.ts, outside its own folder');
    expect(problems[5]).toContain('`import type` only');
  });
});
